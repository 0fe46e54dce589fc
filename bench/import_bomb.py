"""Seconds for imports of .xlsx files that lie about their size (issue 17, findings 1 and 7).

    .venv/bin/python bench/import_bomb.py

Each file is read the two ways an import reads it: the portal's (`volunteers.resources.
read_xlsx`, what the model-worker import runs before it writes anything) and the admin's
(`common.resources.SafeXLSX`). Nothing is written; no database is needed. The files:

- a `<dimension>` bomb: 20,000 real rows claiming `A1:XFD20000` (openpyxl's read-only mode
  used to pad each row to 16,384 cells: 328 s). Expected: refused at the row cap.
- a 1,048,576-row claim: 5 rows claiming `A1:XFD1048576`. Expected: the 5 rows.
- a stray cell at row 1,048,576 after 5 rows. Expected: refused (blank rows).
- 5 rows claiming `A1:J3` (a stale dimension used to drop rows). Expected: the 5 rows.
"""

import io
import os
import re
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.exceptions import ValidationError  # noqa: E402
from django.utils import translation  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from common.resources import SafeXLSX  # noqa: E402
from volunteers.resources import ModelWorkerResource, read_xlsx  # noqa: E402

SHEET = "xl/worksheets/sheet1.xml"
HEADERS = [str(field.column_name) for field in ModelWorkerResource().get_export_fields()]


def workbook(rows: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADERS)
    for n in range(rows):
        sheet.append(["", f"劳模{n}", "男", 1970, "理事长", "全国劳模", 2015, "种植", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite(content: bytes, change) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, change(data) if info.filename == SHEET else data)
    return out.getvalue()


def claim(ref: str):
    def change(xml: bytes) -> bytes:
        tag = f'<dimension ref="{ref}"/>'.encode()
        if b"<dimension" in xml:
            return re.sub(rb"<dimension [^>]*/>", tag, xml)
        return xml.replace(b"<sheetData", tag + b"<sheetData", 1)  # write-only writes none

    return change


def stray_cell(xml: bytes) -> bytes:
    cell = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return xml.replace(b"</sheetData>", cell + b"</sheetData>")


def outcome(read) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        rows = read()
        said = f"{rows} rows"
    except ValidationError as exc:
        said = "refused: " + " ".join(exc.messages)
    return time.perf_counter() - start, said


def main() -> None:
    translation.activate("zh-hans")
    required = [
        str(ModelWorkerResource.fields[name].column_name) for name in ModelWorkerResource.REQUIRED
    ]
    files = {
        "dimension bomb, 20,000 rows claiming A1:XFD20000": rewrite(
            workbook(20_000), claim("A1:XFD20000")
        ),
        "5 rows claiming A1:XFD1048576": rewrite(workbook(5), claim("A1:XFD1048576")),
        "5 rows and a stray cell at row 1,048,576": rewrite(workbook(5), stray_cell),
        "5 rows claiming A1:J3": rewrite(workbook(5), claim("A1:J3")),
    }
    print(f"{'file':<52} {'size':>9} {'reader':<7} {'seconds':>8}  outcome")
    for label, content in files.items():
        readers = {
            "portal": lambda c=content: len(read_xlsx(io.BytesIO(c), required)[0]),
            "admin": lambda c=content: len(SafeXLSX().create_dataset(c)),
        }
        for reader, read in readers.items():
            seconds, said = outcome(read)
            print(f"{label:<52} {len(content):>9,} {reader:<7} {seconds:>8.2f}  {said}")


if __name__ == "__main__":
    main()
