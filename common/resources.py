"""django-import-export in the admin, held to the portal's rules for Excel files.

Exports: every cell escaped as the portal's exports are (`common.xlsx.escape_cell`: text
starting with = + - @, tab or CR stays text) and stripped of the control characters openpyxl
refuses (one of them would make the whole export fail). Imports: the uploaded .xlsx is
capped before openpyxl reads it (file size, unpacked size) and read under the portal's caps
(rows, columns, whatever its `<dimension>` claims; `common.xlsx.import_rows`), formulas are
refused, and every refusal is said in Chinese, never as a database error or a traceback
(`SafeImportMixin`), as in the portal's import pages.
"""

import logging
from io import BytesIO

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from import_export.formats.base_formats import XLSX
from import_export.results import Error
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from tablib import Dataset

from .xlsx import check_xlsx_upload, escape_cell, import_rows, open_xlsx

logger = logging.getLogger(__name__)


def safe_cell(value):
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return escape_cell(value)


class SafeExportMixin:
    """For a ModelResource: what it exports is escaped and stripped (see the module)."""

    def export_field(self, field, instance, **kwargs):
        return safe_cell(super().export_field(field, instance, **kwargs))


class SafeXLSX(XLSX):
    """The admin's .xlsx format: reads uploads under the portal's caps (see the module)."""

    def _escape_formulae(self, dataset):
        # import-export's own escape (IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT) turns every
        # cell into text (a number, a date, None as "None") and drops one "="; the portal's
        # escape keeps numbers and dates as they are and quotes text.
        rows = [[safe_cell(value) for value in row] for row in dataset]
        del dataset[:]
        for row in rows:
            dataset.append(row)

    def create_dataset(self, in_stream):
        stream = BytesIO(in_stream)
        check_xlsx_upload(stream)
        workbook = open_xlsx(stream)
        try:
            return self._read(workbook.worksheets[0] if workbook.worksheets else None)
        finally:
            workbook.close()

    def _read(self, sheet) -> Dataset:
        if sheet is None:
            raise ValidationError(_("文件中没有工作表。"), code="no_sheet")
        dataset = Dataset()
        for row in import_rows(sheet, max_rows=settings.IMPORT_MAX_ROWS):
            if row.formulas:
                raise ValidationError(
                    _("第 %(row)s 行有公式，请改为直接填写的值（复制后“选择性粘贴 → 数值”）。")
                    % {"row": row.number},
                    code="formula",
                )
            if not dataset.headers:
                dataset.headers = ["" if v is None else str(v) for v in row.values]
                continue
            width = len(dataset.headers)
            dataset.append((row.values + [None] * width)[:width])
        if not dataset.headers:
            raise ValidationError(_("文件中没有表头。"), code="no_header")
        if not dataset.height:
            raise ValidationError(_("文件中没有数据行。"), code="empty")
        return dataset


class Refusal(Exception):
    """An import error as the page shows it: its text is the Chinese message, nothing else."""


class SafeImportMixin:
    """For a ModelResource imported in the admin: every column it imports must be there, each
    row is checked by the model's own validation before it is saved (a value too long is a
    message, not the database's error), errors are named by their Chinese column, and what
    the database or the code raised anyway is said in Chinese (and logged), never shown."""

    def import_data_inner(self, dataset, dry_run, raise_errors, *args, **kwargs):
        columns = [field.column_name for field in self.get_import_fields()]
        missing = [column for column in columns if column not in (dataset.headers or [])]
        if not missing:
            return super().import_data_inner(dataset, dry_run, raise_errors, *args, **kwargs)
        # Said once for the file; its rows are not tried (each would fail for the same reason).
        result = self.get_result_class()()
        result.diff_headers = self.get_diff_headers()
        result.total_rows = len(dataset)
        self.handle_import_error(
            result,
            Refusal(
                _("缺少列：%(columns)s。请以导出的文件为模板（第一行是这些列名）。")
                % {"columns": "、".join(missing)}
            ),
            raise_errors,
        )
        return result

    def column_of(self, name: str) -> str:
        if name in self.fields:
            return self.fields[name].column_name
        try:
            return str(self._meta.model._meta.get_field(name).verbose_name)
        except Exception:  # not a model field either: the name as it is
            return name

    def import_row(self, row, instance_loader, **kwargs):
        result = super().import_row(row, instance_loader, **kwargs)
        if result.validation_error is not None:
            errors = result.validation_error.update_error_dict({})
            result.validation_error = ValidationError(
                {
                    key if key == NON_FIELD_ERRORS else self.column_of(key): messages
                    for key, messages in errors.items()
                }
            )
        result.errors = [self._said(error) for error in result.errors]
        return result

    def _said(self, error: Error) -> Error:
        if isinstance(error.error, Refusal):
            return error
        if isinstance(error.error, ValidationError | PermissionDenied):
            text = (
                " ".join(error.error.messages)
                if isinstance(error.error, ValidationError)
                else str(error.error) or _("您无权执行此操作。")
            )
        else:
            logger.warning("admin import: row %s refused", error.number, exc_info=error.error)
            text = _(
                "这一行无法保存（内容不符合要求，例如过长或与已有记录重复），整个文件未导入。"
                "请检查这一行后重新上传。"
            )
        return Error(Refusal(text), row=error.row, number=error.number)

    def handle_import_error(self, result, error, raise_errors=False):
        if isinstance(error, ValidationError):
            error = Refusal(" ".join(error.messages))
        elif not isinstance(error, Refusal):
            logger.warning("admin import refused", exc_info=error)
            error = Refusal(_("文件未能导入，没有写入任何数据。请检查文件内容后重新上传。"))
        super().handle_import_error(result, error, raise_errors)
