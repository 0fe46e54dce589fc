"""django-import-export in the admin, held to the portal's rules for Excel files.

Exports: every cell escaped as the portal's exports are (`common.xlsx.escape_cell`: text
starting with = + - @, tab or CR stays text) and stripped of the control characters openpyxl
refuses (one of them would make the whole export fail). Imports: the uploaded .xlsx is
capped before openpyxl reads it (file size, unpacked size, rows, columns) and formulas are
refused, with Chinese messages, as in the portal's import pages.
"""

from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from import_export.formats.base_formats import XLSX
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from tablib import Dataset

from .xlsx import check_xlsx_upload, escape_cell

# Wider than any of our resources: a sheet claiming 16,384 columns is not read that wide.
IMPORT_MAX_COLUMNS = 50


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

    def create_dataset(self, in_stream):
        if len(in_stream) > settings.UPLOAD_MAX_BYTES:
            raise ValidationError(
                _("文件大小为 %(size)s，超过上限 %(limit)s。")
                % {
                    "size": filesizeformat(len(in_stream)),
                    "limit": filesizeformat(settings.UPLOAD_MAX_BYTES),
                },
                code="too_large",
            )
        stream = BytesIO(in_stream)
        check_xlsx_upload(stream)
        try:
            workbook = load_workbook(stream, read_only=True)
        except Exception as exc:  # openpyxl raises many kinds on a broken file
            raise ValidationError(
                _("文件不是有效的 Excel（.xlsx）文件。"), code="not_xlsx"
            ) from exc
        try:
            return self._read(workbook.worksheets[0] if workbook.worksheets else None)
        finally:
            workbook.close()

    def _read(self, sheet) -> Dataset:
        if sheet is None:
            raise ValidationError(_("文件中没有工作表。"), code="no_sheet")
        # The sheet's own <dimension> is not trusted: too large it costs minutes of CPU,
        # too small it drops rows.
        sheet.reset_dimensions()
        dataset = Dataset()
        for number, cells in enumerate(sheet.iter_rows(max_col=IMPORT_MAX_COLUMNS), start=1):
            if any(getattr(cell, "data_type", None) == "f" for cell in cells):
                raise ValidationError(
                    _("第 %(row)s 行有公式，请改为直接填写的值（复制后“选择性粘贴 → 数值”）。")
                    % {"row": number},
                    code="formula",
                )
            values = [getattr(cell, "value", None) for cell in cells]
            values = [v.strip() if isinstance(v, str) else v for v in values]
            if all(v in (None, "") for v in values):
                continue
            if not dataset.headers:
                dataset.headers = ["" if v is None else str(v) for v in values]
                continue
            if dataset.height >= settings.IMPORT_MAX_ROWS:
                raise ValidationError(
                    _("数据超过 %(max)s 行的上限，请拆分后再导入。")
                    % {"max": settings.IMPORT_MAX_ROWS},
                    code="too_many_rows",
                )
            width = len(dataset.headers)
            dataset.append((values + [None] * width)[:width])
        return dataset
