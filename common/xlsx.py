"""Excel in and out, safely.

Out: openpyxl's write-only mode (memory does not grow with rows), Chinese headers, frozen
header row, column widths, and every text cell that a spreadsheet would run as a formula
escaped. In: an uploaded .xlsx is a zip; its unpacked size is capped before openpyxl sees it.
"""

import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value):
    """Text that starts like a formula is prefixed with a quote mark, so it stays text."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


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
        sheet = workbook.create_sheet(title=spec.title[:31])
        sheet.freeze_panes = "A2"
        widths = spec.widths or [max(10, min(40, len(str(h)) * 2 + 4)) for h in spec.headers]
        for index, width in enumerate(widths):
            sheet.column_dimensions[get_column_letter(index + 1)].width = width
        header_cells = []
        for header in spec.headers:
            cell = WriteOnlyCell(sheet, value=str(header))
            cell.font = bold
            cell.fill = fill
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in spec.rows:
            sheet.append([escape_cell(value) for value in row])
    workbook.save(target)


def xlsx_response(sheets: Iterable[Sheet], filename: str) -> HttpResponse:
    buffer = BytesIO()
    write_workbook(sheets, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def check_xlsx_upload(upload) -> None:
    """Refuse what is not an .xlsx, or what would unpack to more than the configured cap."""
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
