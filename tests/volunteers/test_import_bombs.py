"""Imports whose sheet lies about its size (issue 17, findings 1 and 7).

openpyxl's read-only mode trusts the sheet's `<dimension>`: claimed too large it pads every row
to 16,384 cells and reads to the claimed last row (hours of CPU), claimed too small it stops
early and rows are silently dropped. An import reads what the sheet holds, no wider than the
cap, stops at the row caps while reading, and imports all rows or none. Asserted by what was
read (`cells_read`), not by time; `bench/import_bomb.py` gives the seconds.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from common.xlsx import IMPORT_MAX_COLUMNS
from tests.volunteers.test_imports import WORKER_HEADERS, worker_row
from tests.xlsx_bombs import add_cell_at_row, cells_read, claim_dimension, workbook_bytes
from volunteers import services
from volunteers.models import ModelWorker

pytestmark = pytest.mark.django_db


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("劳模.xlsx", content)


def workers(count: int) -> bytes:
    return workbook_bytes(WORKER_HEADERS, [worker_row(f"劳模{n}") for n in range(count)])


@pytest.mark.parametrize("ref", ["A1:XFD20000", "A1:XFD1048576", "A1:J1048576"])
def test_import_of_a_claimed_huge_sheet_reads_only_its_rows(staff_a, unit_a, ref):
    with cells_read() as reading:
        outcome = services.model_workers_import(
            actor=staff_a, upload=upload(claim_dimension(workers(2), ref))
        )
    assert outcome.errors == [] and outcome.created == 2
    assert sorted(ModelWorker.objects.values_list("name", flat=True)) == ["劳模0", "劳模1"]
    assert reading.rows == 3  # the header and two rows, not the claimed rows
    assert reading.cells <= 3 * IMPORT_MAX_COLUMNS  # not 16,384 a row


def test_import_of_a_sheet_claiming_fewer_rows_imports_every_row(staff_a, unit_a):
    outcome = services.model_workers_import(
        actor=staff_a, upload=upload(claim_dimension(workers(5), "A1:J3"))
    )
    assert outcome.errors == [] and outcome.created == 5
    assert ModelWorker.objects.filter(unit=unit_a).count() == 5


def test_import_of_a_wide_claim_over_the_row_cap_stops_while_reading(staff_a, settings):
    settings.IMPORT_MAX_ROWS = 5
    with cells_read() as reading:
        outcome = services.model_workers_import(
            actor=staff_a, upload=upload(claim_dimension(workers(40), "A1:XFD20000"))
        )
    assert [e.message for e in outcome.errors] == ["数据超过 5 行的上限，请拆分后再导入。"]
    assert reading.rows == 1 + 5 + 1  # the header, the five allowed and the one too many
    assert reading.cells <= reading.rows * IMPORT_MAX_COLUMNS
    assert not ModelWorker.objects.exists()


def test_import_of_a_stray_cell_at_the_last_row_is_refused_while_reading(staff_a, settings):
    """The 1,048,576th row: the million blank rows before it are not read through."""
    settings.IMPORT_MAX_ROWS = 5
    content = add_cell_at_row(workers(2), 1_048_576, "尾")
    with cells_read() as reading:
        outcome = services.model_workers_import(actor=staff_a, upload=upload(content))
    assert [e.message for e in outcome.errors] == [
        "工作表中的空行超过 50 行，请删除多余的空行后再导入。"
    ]
    assert reading.rows == 3 + 50 + 1
    assert not ModelWorker.objects.exists()
