"""Excel in and out, safely.

Out: openpyxl's write-only mode (memory does not grow with rows), Chinese headers, frozen
header row, column widths, numbers and dates as numbers and dates (a time as the portal's
local time, Asia/Shanghai: Excel cells hold no time zone), every text cell stripped of the characters an .xlsx cannot hold
(`common.text`: one stored control character must not fail a city-wide export) and every
text cell that a spreadsheet would run as a formula escaped. In: an uploaded .xlsx is a zip;
its unpacked size is capped before openpyxl sees it, and its first sheet is read under caps
of its own (`import_rows`), whatever the file claims.
"""

import datetime
import os
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .text import strip_xml_illegal

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Wider than any sheet we import: a sheet claiming 16,384 columns is read no wider.
IMPORT_MAX_COLUMNS = 50
# Blank rows (and the gaps between row numbers, which openpyxl fills with blank rows) that an
# import reads through, per data row allowed: a stray cell at row 1,048,576 is not a million
# rows of work.
IMPORT_BLANK_ROWS_PER_ROW = 10
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value):
    """Text that starts like a formula is prefixed with a quote mark, so it stays text."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def clean_cell(value):
    """A value as it may go into a cell: text without what XML cannot hold, then escaped."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return escape_cell(strip_xml_illegal(value))
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        # Stored in UTC; written as the clock on the office's wall showed it.
        return timezone.localtime(value).replace(tzinfo=None)
    return value


# Characters a sheet's title may not contain (Excel's rule, enforced by openpyxl).
_TITLE_FORBIDDEN = str.maketrans("", "", "\\/?*[]:")


def sheet_title(title) -> str:
    return strip_xml_illegal(str(title)).translate(_TITLE_FORBIDDEN)[:31] or "Sheet"


@dataclass
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[int] | None = None


def write_workbook(sheets: Iterable[Sheet], target) -> None:
    """Write sheets to `target` (a path or a binary file) in write-only mode."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE7F3")
    for spec in sheets:
        sheet = workbook.create_sheet(title=sheet_title(spec.title))
        sheet.freeze_panes = "A2"
        widths = spec.widths or [max(10, min(40, len(str(h)) * 2 + 4)) for h in spec.headers]
        for index, width in enumerate(widths):
            sheet.column_dimensions[get_column_letter(index + 1)].width = width
        header_cells = []
        for header in spec.headers:
            cell = WriteOnlyCell(sheet, value=clean_cell(str(header)))
            cell.font = bold
            cell.fill = fill
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in spec.rows:
            sheet.append([clean_cell(value) for value in row])
    workbook.save(target)


def xlsx_response(sheets: Iterable[Sheet], filename: str) -> HttpResponse:
    buffer = BytesIO()
    write_workbook(sheets, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def check_xlsx_upload(upload) -> None:
    """Refuse what is larger than the upload cap, is not an .xlsx, or would unpack to more
    than the configured cap (the zip's directory is read, nothing is unpacked)."""
    size = upload.seek(0, os.SEEK_END)
    if size > settings.UPLOAD_MAX_BYTES:
        upload.seek(0)
        raise ValidationError(
            _("文件大小为 %(size)s，超过上限 %(limit)s。")
            % {"size": filesizeformat(size), "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)},
            code="too_large",
        )
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ValidationError(_("文件不是有效的 Excel（.xlsx）文件。"), code="not_xlsx") from exc
    finally:
        upload.seek(0)
    if "xl/workbook.xml" not in names:
        raise ValidationError(_("文件不是有效的 Excel（.xlsx）文件。"), code="not_xlsx")
    if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise ValidationError(
            _("Excel 文件解压后过大，已拒绝。请拆分后再导入。"), code="too_large_unpacked"
        )


def open_xlsx(upload):
    """The uploaded workbook in read-only mode (call `check_xlsx_upload` first); close it."""
    upload.seek(0)
    try:
        # Not data_only: a formula must be seen as one (and refused), not read as its cached
        # value, which is missing or stale when the file was not saved by Excel.
        return load_workbook(upload, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise ValidationError(_("文件不是有效的 Excel（.xlsx）文件。"), code="not_xlsx") from exc


@dataclass(frozen=True)
class ImportRow:
    number: int  # as Excel shows it
    values: list  # text stripped; as wide as the row's last cell, at most IMPORT_MAX_COLUMNS
    formulas: list[int]  # indexes of the cells that hold a formula


def import_rows(sheet, *, max_rows: int, max_columns: int = IMPORT_MAX_COLUMNS):
    """The sheet's non-blank rows (the header first), read under caps whatever the file claims.

    The sheet's `<dimension>` is not trusted: openpyxl's read-only mode pads every row to its
    width and height (a 5 KB file claiming A1:XFD20000 is 327 million cells) and stops at its
    last row (a stale A1:J3 drops the rows below). So it is reset, rows are read as far as the
    sheet goes and no wider than `max_columns`, and reading stops, refused, as soon as there
    are more than `max_rows` rows after the header, or too many blank rows to read through.
    """
    sheet.reset_dimensions()
    filled = blank = 0
    for number, cells in enumerate(sheet.iter_rows(max_col=max_columns), start=1):
        values = [getattr(cell, "value", None) for cell in cells]
        values = [v.strip() if isinstance(v, str) else v for v in values]
        if all(value in (None, "") for value in values):
            blank += 1
            if blank > IMPORT_BLANK_ROWS_PER_ROW * max_rows:
                raise ValidationError(
                    _("工作表中的空行超过 %(max)s 行，请删除多余的空行后再导入。")
                    % {"max": IMPORT_BLANK_ROWS_PER_ROW * max_rows},
                    code="too_many_blank_rows",
                )
            continue
        filled += 1
        if filled > max_rows + 1:  # the header and max_rows rows of data
            raise ValidationError(
                _("数据超过 %(max)s 行的上限，请拆分后再导入。") % {"max": max_rows},
                code="too_many_rows",
            )
        while values and values[-1] in (None, ""):
            values.pop()
        yield ImportRow(
            number=number,
            values=values,
            formulas=[
                index for index, cell in enumerate(cells) if getattr(cell, "data_type", None) == "f"
            ],
        )
