"""Stored text with control characters never breaks an export (issue 17, finding 2).

The forms refuse them now (tests/test_bad_input.py), but rows from before, from an import or
from a shell may hold them: every export strips what an .xlsx cannot hold and still escapes
formulas.
"""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from common.xlsx import Sheet, clean_cell, write_workbook
from tests.factories import UnitFactory
from tests.reports.factories import period
from tests.volunteers.factories import ActivityFactory, ModelWorkerFactory

pytestmark = pytest.mark.django_db

# Every character XML 1.0 cannot hold that a form could have let through.
ILLEGAL = "".join(chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def rows_of(response):
    assert response.status_code == 200, response.content[:500]
    book = load_workbook(io.BytesIO(response.content))
    return [list(sheet.iter_rows(values_only=True)) for sheet in book]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("王\x01劳模", "王劳模"),
        (ILLEGAL + "甲", "甲"),
        ("\x01=HYPERLINK(1)", "'=HYPERLINK(1)"),  # stripped, then still escaped
        ("第一行\n\t第二行\r", "第一行\n\t第二行\r"),  # kept: an .xlsx holds these
        ("\ufffe\uffff乙", "乙"),
        (12, 12),
    ],
)
def test_clean_cell_strips_what_xlsx_cannot_hold(value, expected):
    assert clean_cell(value) == expected


def test_write_workbook_survives_control_characters_in_headers_titles_and_rows():
    buffer = io.BytesIO()
    write_workbook([Sheet("名单\x01[1]", ["名称\x1b", "=x"], [["a\x0bb", "\x07"]])], buffer)
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    assert book.sheetnames == ["名单1"]
    assert list(book.active.iter_rows(values_only=True)) == [("名称", "'=x"), ("ab", None)]


def test_model_worker_export_survives_a_control_character(client_for, office_user, unit_a):
    ModelWorkerFactory(unit=unit_a, name="王\x01劳模", position="主任\x1f")
    [rows] = rows_of(client_for(office_user).get(reverse("volunteers:model_worker_export")))
    assert [row for row in rows if "王劳模" in row]


def test_activity_export_survives_a_control_character(client_for, office_user, unit_a, year):
    # \x1f, not \x00: PostgreSQL cannot store a NUL at all.
    ActivityFactory(unit=unit_a, title="健康\x0b义诊", village="钟楼\x1f村")
    [rows] = rows_of(client_for(office_user).get(reverse("volunteers:activity_export")))
    assert [row for row in rows if "健康义诊" in row and "钟楼村" in row]


def test_quota_export_survives_a_control_character_in_a_unit_name(client_for, admin_user, year):
    UnitFactory(name="测试\x1b工会")
    url = reverse("volunteers:quota_export") + "?year=2019"
    [rows] = rows_of(client_for(admin_user).get(url))
    assert "测试工会" in [row[0] for row in rows]


def test_completeness_export_survives_a_control_character(client_for, office_user, year):
    UnitFactory(name="测试\x02工会")
    url = reverse("reports:dashboard_xlsx") + f"?period={period(year, 1).pk}"
    units, _rates = rows_of(client_for(office_user).get(url))
    assert "测试工会" in [row[0] for row in units]
