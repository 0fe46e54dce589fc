"""Workbooks that lie about their size, and a count of what openpyxl read of them.

A `<dimension ref=…>` bomb is a normal small workbook whose first sheet claims another extent
(`A1:XFD20000`: openpyxl's read-only mode pads every row to it). `cells_read` counts the rows
and cells that reading produced, and stops a reader that goes past a budget (so a test of an
unbounded reader fails at once instead of running for minutes).
"""

import io
import re
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

SHEET = "xl/worksheets/sheet1.xml"


def workbook_bytes(headers, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite_sheet(content: bytes, change) -> bytes:
    """The workbook with its first sheet's XML passed through `change(xml) -> xml`."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == SHEET:
                changed = change(data)
                assert changed != data, "the sheet was not changed"
                data = changed
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def claim_dimension(content: bytes, ref: str) -> bytes:
    """The workbook with its first sheet claiming `<dimension ref="ref">`."""
    return rewrite_sheet(
        content,
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), xml),
    )


def add_cell_at_row(content: bytes, row: int, text: str = "x") -> bytes:
    """The workbook with one more inline-string cell at column A of `row` (after the rest)."""
    cell = f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>{text}</t></is></c></row>'
    return rewrite_sheet(
        content, lambda xml: xml.replace(b"</sheetData>", cell.encode() + b"</sheetData>")
    )


@dataclass
class Reading:
    rows: int = 0
    cells: int = 0


class ReadTooMuch(BaseException):  # not an Exception: no `except Exception` hides it
    pass


@contextmanager
def cells_read(budget: int = 1_000_000):
    """Count the rows and cells openpyxl's read-only sheets yield inside the block."""
    reading = Reading()
    original = ReadOnlyWorksheet._cells_by_row

    def counting(self, *args, **kwargs):
        for row in original(self, *args, **kwargs):
            reading.rows += 1
            reading.cells += len(row)
            if reading.cells > budget:
                raise ReadTooMuch(f"read {reading.rows} rows, {reading.cells} cells")
            yield row

    ReadOnlyWorksheet._cells_by_row = counting
    try:
        yield reading
    finally:
        ReadOnlyWorksheet._cells_by_row = original
