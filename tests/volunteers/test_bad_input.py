"""Broken .xlsx files for the model-worker and activity imports (issue 8, bad input).

Each case uploads a broken file through the import page as unit staff and asserts the page
lists a clear Chinese error and the database is exactly as before.
"""

import html
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from tests.snapshot import changes, snapshot
from tests.volunteers.factories import ModelWorkerFactory
from tests.volunteers.test_imports import ACTIVITY_HEADERS, WORKER_HEADERS, worker_row

pytestmark = pytest.mark.django_db

NOT_XLSX = "文件不是有效的 Excel（.xlsx）文件"


def workbook_bytes(*sheets) -> bytes:
    """sheets: lists of rows; the first is the active (first) sheet."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for index, rows in enumerate(sheets):
        sheet = workbook.create_sheet(f"Sheet{index + 1}")
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, *, drop=(), replace=None) -> bytes:
    """The same zip without the members in `drop`, with `replace` {name: bytes} applied."""
    replace = replace or {}
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            if info.filename in drop:
                continue
            out.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
    return target.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "不是表格")
    return buffer.getvalue()


GOOD_WORKERS = workbook_bytes([WORKER_HEADERS, worker_row("张三")])


def no_sheets() -> bytes:
    """A workbook whose workbook.xml lists no sheet at all."""
    workbook_xml = zipfile.ZipFile(io.BytesIO(GOOD_WORKERS)).read("xl/workbook.xml").decode()
    emptied = re.sub(r"<sheets>.*</sheets>", "<sheets/>", workbook_xml, flags=re.S)
    return rezip(GOOD_WORKERS, replace={"xl/workbook.xml": emptied.encode()})


def activity_row(**overrides):
    row = dict(
        zip(
            ACTIVITY_HEADERS,
            [
                "",
                "技能培训",
                "技能扶贫",
                "产业脱贫工程",
                "2019-05-20",
                "渠沟镇",
                "钟楼村",
                "",
                3,
                9,
                "",
            ],
            strict=True,
        )
    )
    row.update(overrides)
    return [row[h] for h in ACTIVITY_HEADERS]


BROKEN_FILES = [
    ("not a zip", b"just some text, not a spreadsheet", NOT_XLSX),
    ("renamed exe", b"MZ\x90\x00" + b"\x00" * 200, NOT_XLSX),
    ("zip without a workbook", plain_zip(), NOT_XLSX),
    (
        "worksheet part missing",
        rezip(GOOD_WORKERS, drop={"xl/worksheets/sheet1.xml"}),
        "没有工作表",
    ),
    ("workbook without sheets", no_sheets(), "没有工作表"),
    ("truncated", GOOD_WORKERS[: len(GOOD_WORKERS) // 2], NOT_XLSX),
    ("empty file", b"", "所提交的是空文件"),
    ("first sheet empty", workbook_bytes([], [WORKER_HEADERS, worker_row("张三")]), "没有表头"),
]

WORKER_FILES = [
    *BROKEN_FILES,
    ("wrong headers", workbook_bytes([["名字", "男女", "单位"], ["张三", "男", ""]]), "缺少列"),
    ("headers only", workbook_bytes([WORKER_HEADERS]), "没有数据行"),
    (
        "formula in a cell",
        workbook_bytes([WORKER_HEADERS, worker_row("张三", 备注='=HYPERLINK("http://x","点我")')]),
        "第 2 行“备注”列是公式",
    ),
    (
        "formula as the name",
        workbook_bytes([WORKER_HEADERS, worker_row("=A1&B1")]),
        "第 2 行“姓名”列是公式",
    ),
    ("name over 50", workbook_bytes([WORKER_HEADERS, worker_row("名" * 51)]), "超过 50 个字"),
    (
        "birth year out of range",
        workbook_bytes([WORKER_HEADERS, worker_row("张三", 出生年份=1800)]),
        "超出范围",
    ),
]

ACTIVITY_FILES = [
    *BROKEN_FILES,
    ("wrong headers", workbook_bytes([WORKER_HEADERS, worker_row("张三")]), "缺少列"),
    (
        "formula in a cell",
        workbook_bytes([ACTIVITY_HEADERS, activity_row(**{"受益人数（人）": "=2*5"})]),
        "第 2 行“受益人数（人）”列是公式",
    ),
    (
        "negative households",
        workbook_bytes([ACTIVITY_HEADERS, activity_row(**{"受益贫困户（户）": -4})]),
        "超出范围",
    ),
    (
        "date before the competition",
        workbook_bytes([ACTIVITY_HEADERS, activity_row(活动日期="1990-05-20")]),
        "不在任何竞赛年度内",
    ),
    (
        "impossible date",
        workbook_bytes([ACTIVITY_HEADERS, activity_row(活动日期="2019-02-30")]),
        "无法识别",
    ),
]


def _post(client, name, content):
    upload = SimpleUploadedFile("导入.xlsx", content)
    response = client.post(reverse(f"volunteers:{name}_import"), {"file": upload})
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("label", "content", "error"), WORKER_FILES, ids=[case[0] for case in WORKER_FILES]
)
def test_broken_worker_import_is_refused(label, content, error, unit_a, staff_a, year, client_for):
    ModelWorkerFactory(unit=unit_a, name="已有劳模")
    client = client_for(staff_a)
    before = snapshot()
    text = _post(client, "model_worker", content)
    assert error in text
    assert changes(before, snapshot()) == []


@pytest.mark.parametrize(
    ("label", "content", "error"), ACTIVITY_FILES, ids=[case[0] for case in ACTIVITY_FILES]
)
def test_broken_activity_import_is_refused(label, content, error, staff_a, year, client_for):
    client = client_for(staff_a)
    before = snapshot()
    text = _post(client, "activity", content)
    assert error in text
    assert changes(before, snapshot()) == []


def test_the_good_files_the_cases_break_do_import(staff_a, year, client_for):
    client = client_for(staff_a)
    for name, content in [
        ("model_worker", GOOD_WORKERS),
        ("activity", workbook_bytes([ACTIVITY_HEADERS, activity_row()])),
    ]:
        upload = SimpleUploadedFile("导入.xlsx", content)
        response = client.post(reverse(f"volunteers:{name}_import"), {"file": upload})
        assert response.status_code == 302, html.unescape(response.content.decode())[-3000:]


def test_a_text_cell_that_looks_like_a_formula_is_not_one(unit_a, staff_a, year, client_for):
    """Text typed with a leading quote ('=) is stored as text, not a formula: it imports."""
    content = workbook_bytes([WORKER_HEADERS, worker_row("张三", 备注="=不是公式")])
    # openpyxl writes strings starting with "=" as formulas; force a text cell.
    workbook_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    text_xml = re.sub(
        r'<c r="J2"><f>不是公式</f><v /></c>',
        '<c r="J2" t="inlineStr"><is><t>=不是公式</t></is></c>',
        workbook_xml,
    )
    assert text_xml != workbook_xml
    content = rezip(content, replace={"xl/worksheets/sheet1.xml": text_xml.encode()})
    upload = SimpleUploadedFile("导入.xlsx", content)
    response = client_for(staff_a).post(reverse("volunteers:model_worker_import"), {"file": upload})
    assert response.status_code == 302
    assert unit_a.model_workers.get().remarks == "=不是公式"
