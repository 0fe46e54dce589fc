"""Excel in the Django admin (django-import-export) under the portal's rules: exports escaped
and never a 500, imports capped, and an import never overwrites a user silently."""

import html
import re
import tempfile
import zipfile
from io import BytesIO

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from common.xlsx import IMPORT_MAX_COLUMNS
from competition.enums import Role
from competition.models import Membership, Unit
from tests.volunteers.factories import ActivityFactory, ModelWorkerFactory
from tests.xlsx_bombs import add_cell_at_row, cells_read, claim_dimension, workbook_bytes

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def admin_client_(client, admin_user):
    client.force_login(admin_user)
    return client


def export(client, name) -> list[tuple]:
    address = reverse(f"admin:{name}_export")
    form = client.get(address).context["form"]
    data = {"format": "0", "resource": "0"}
    data |= {key: "on" for key in form.fields if key not in (*data, "export_items")}
    response = client.post(address, data)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(
        openpyxl.load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)
    )


def test_model_worker_export_is_escaped(admin_client_, unit_a):
    ModelWorkerFactory(unit=unit_a, name="=HYPERLINK(1)\x01", remarks="@备注", phone="13812341234")
    header, row = export(admin_client_, "volunteers_modelworker")
    assert header[:2] == ("所属单位", "姓名")
    assert row[1] == "'=HYPERLINK(1)"  # escaped, the control character dropped
    assert row[-2:] == ("13812341234", "'@备注")


def test_activity_export_is_escaped(admin_client_, unit_a):
    worker = ModelWorkerFactory(unit=unit_a, name="-张三")
    ActivityFactory(unit=unit_a, title="+培训", town="\t渠沟镇").model_workers.set([worker])
    header, row = export(admin_client_, "volunteers_activity")
    assert header[:2] == ("组织单位", "活动名称")
    assert (row[1], row[5], row[7]) == ("'+培训", "'\t渠沟镇", "'-张三")


def test_unit_and_user_exports(admin_client_, unit_a, staff_a):
    assert ("相山区总工会", "县区总工会") in [
        row[:2] for row in export(admin_client_, "competition_unit")
    ]
    users = export(admin_client_, "auth_user")
    assert ("staff_a", staff_a.first_name, staff_a.email, "单位填报员", "相山区总工会") in users


# --- imports ---------------------------------------------------------------------------------


USER_HEADERS = ["用户名", "姓名", "电子邮箱", "角色", "所属单位"]


def xlsx(rows, headers=USER_HEADERS) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("users.xlsx", buffer.getvalue())


def dry_run(client, upload, name="auth_user"):
    return client.post(
        reverse(f"admin:{name}_import"), {"resource": "0", "format": "0", "import_file": upload}
    )


def confirm(client, response, name="auth_user"):
    form = response.context["confirm_form"]
    data = {key: form.initial.get(key, "") for key in form.fields}
    return client.post(reverse(f"admin:{name}_process_import"), data)


def test_reimporting_a_user_with_other_details_is_refused(admin_client_, staff_a):
    before = (staff_a.email, staff_a.first_name, staff_a.membership.role)
    upload = xlsx([["staff_a", staff_a.first_name, "new@example.org", "管理员", ""]])
    response = dry_run(admin_client_, upload)
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    page = response.content.decode()
    assert "用户“staff_a”已存在，导入不修改已有用户（电子邮箱、角色、所属单位与现有不同）" in page
    staff_a.refresh_from_db()
    assert (staff_a.email, staff_a.first_name, staff_a.membership.role) == before
    assert staff_a.membership.unit.name == "相山区总工会" and not staff_a.is_superuser


def test_reimporting_a_user_as_exported_changes_nothing(admin_client_, staff_a, admin_user):
    rows = [["staff_a", staff_a.first_name, staff_a.email, "单位填报员", "相山区总工会"]]
    response = dry_run(admin_client_, xlsx(rows))
    assert "confirm_form" in response.context
    confirm(admin_client_, response)
    assert User.objects.count() == 2
    membership = Membership.objects.get(user=staff_a)
    assert (membership.role, membership.unit.name) == (Role.UNIT_STAFF, "相山区总工会")
    assert membership.history.count() == 1  # not written again


def test_new_user_imported_with_role_through_the_service(admin_client_, unit_a, admin_user):
    rows = [["li", "李四", "li@example.org", "单位填报员", "相山区总工会"]]
    response = dry_run(admin_client_, xlsx(rows))
    assert not User.objects.filter(username="li").exists()  # a dry run writes nothing
    confirm(admin_client_, response)
    user = User.objects.get(username="li")
    assert (user.email, user.has_usable_password()) == ("li@example.org", False)
    membership = user.membership
    assert (membership.role, membership.unit) == (Role.UNIT_STAFF, unit_a)
    assert membership.history.get().history_user == admin_user


def test_unknown_role_and_unit_are_row_errors_in_chinese(admin_client_, unit_a):
    rows = [
        ["a", "甲", "a@example.org", "局长", ""],
        ["b", "乙", "b@example.org", "单位填报员", "无此单位"],
    ]
    response = dry_run(admin_client_, xlsx(rows))
    page = response.content.decode()
    assert "未知角色“局长”。" in page and "未知单位“无此单位”。" in page
    assert "confirm_form" not in response.context
    assert not User.objects.filter(username__in=["a", "b"]).exists()


def test_new_unit_imported_through_the_service(admin_client_, year, admin_user):
    headers = ["单位名称", "单位类别", "上级单位", "联系人", "联系电话", "电子邮箱"]
    upload = xlsx([["杜集区总工会", "县区总工会", "", "王", "1", ""]], headers)
    response = dry_run(admin_client_, upload, "competition_unit")
    assert "confirm_form" in response.context
    assert not Unit.objects.filter(name="杜集区总工会").exists()
    confirm(admin_client_, response, "competition_unit")
    unit = Unit.objects.get(name="杜集区总工会")
    assert unit.participations.get().start == timezone.localdate()
    assert unit.history.get().history_user == admin_user


def test_import_caps_rows(admin_client_, settings):
    settings.IMPORT_MAX_ROWS = 2
    rows = [[f"u{n}", "名", f"u{n}@example.org", "", ""] for n in range(3)]
    response = dry_run(admin_client_, xlsx(rows))
    assert response.status_code == 200
    assert "数据超过 2 行的上限，请拆分后再导入。" in response.content.decode()
    assert not User.objects.filter(username__startswith="u").exists()


def test_import_caps_the_unpacked_size(admin_client_, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 1000
    response = dry_run(admin_client_, xlsx([["u", "名", "u@example.org", "", ""]]))
    assert "Excel 文件解压后过大，已拒绝。请拆分后再导入。" in response.content.decode()


def test_import_refuses_formulas_and_non_excel(admin_client_):
    response = dry_run(admin_client_, xlsx([["u", "=1+1", "u@example.org", "", ""]]))
    assert "第 2 行有公式" in response.content.decode()
    response = dry_run(admin_client_, SimpleUploadedFile("users.xlsx", b"not a zip"))
    assert "文件不是有效的 Excel（.xlsx）文件。" in response.content.decode()
    assert not User.objects.filter(username="u").exists()


def test_import_ignores_a_claimed_huge_dimension(admin_client_):
    """A sheet claiming 16,384 columns is read as wide as its cells, capped (FIELD-NOTES)."""
    upload = xlsx([["wide", "宽", "wide@example.org", "", ""]])
    raw = BytesIO(upload.read())
    out = BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:E2" />', b'<dimension ref="A1:XFD2" />')
                assert b"XFD2" in data
            target.writestr(info, data)
    response = dry_run(admin_client_, SimpleUploadedFile("users.xlsx", out.getvalue()))
    assert "confirm_form" in response.context


# --- issue 17: caps whatever the file claims, Chinese refusals, nothing left behind -----------


def test_unit_and_user_exports_escape_repeated_equals_signs(admin_client_, unit_a, staff_a):
    """import-export's own escape removes one `=`; `==HYPERLINK(…)` must stay text."""
    Unit.objects.filter(pk=unit_a.pk).update(name='==HYPERLINK("http://x")')
    User.objects.filter(pk=staff_a.pk).update(first_name="==1+1")
    units = export(admin_client_, "competition_unit")
    assert ('\'==HYPERLINK("http://x")', "县区总工会") in [row[:2] for row in units]
    users = export(admin_client_, "auth_user")
    assert ("staff_a", "'==1+1") in [row[:2] for row in users]


@pytest.fixture
def tmp_dir(tmp_path, monkeypatch):
    """import-export's temporary copies of uploads go here (TempFolderStorage)."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def page_text(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ")


def test_import_over_the_size_cap_is_refused_before_a_copy_is_kept(
    admin_client_, settings, tmp_dir
):
    settings.UPLOAD_MAX_BYTES = 1000
    response = dry_run(admin_client_, xlsx([["u", "名", "u@example.org", "", ""]]))
    assert "超过上限 1000 字节" in page_text(response)
    assert "confirm_form" not in response.context
    assert list(tmp_dir.iterdir()) == []


def test_refused_imports_leave_no_upload_behind(admin_client_, unit_a, tmp_dir):
    response = dry_run(admin_client_, xlsx([["a", "甲", "a@example.org", "局长", ""]]))
    assert "未知角色“局长”。" in page_text(response)
    response = dry_run(admin_client_, xlsx([["u", "=1+1", "u@example.org", "", ""]]))
    assert "第 2 行有公式" in page_text(response)
    assert list(tmp_dir.iterdir()) == []
    # A clean preview keeps its copy for the confirmation, which removes it.
    response = dry_run(admin_client_, xlsx([["li", "李四", "li@example.org", "", ""]]))
    assert len(list(tmp_dir.iterdir())) == 1
    confirm(admin_client_, response)
    assert User.objects.filter(username="li").exists()
    assert list(tmp_dir.iterdir()) == []


@pytest.mark.parametrize("name", ["auth_user", "competition_unit"])
def test_import_with_wrong_headers_is_said_in_chinese_without_traceback(
    admin_client_, settings, name
):
    settings.DEBUG = False
    response = dry_run(admin_client_, xlsx([["x", "y"]], ["foo", "bar"]), name)
    page = page_text(response)
    assert response.status_code == 200 and "confirm_form" not in response.context
    assert "缺少列：" in page and "请以导出的文件为模板（第一行是这些列名）。" in page
    for leak in ("Traceback", "site-packages", "import_id_fields", "FieldError", "Error"):
        assert leak not in page


def test_import_row_errors_are_chinese_and_named_by_column(admin_client_):
    response = dry_run(admin_client_, xlsx([["u" * 200, "名", "not-an-address", "管理员", ""]]))
    page = page_text(response)
    assert "confirm_form" not in response.context
    labels = re.findall(r'validation-error-field-label">([^<]*)<', page)
    assert set(labels) == {"用户名", "电子邮箱"}  # not username, email
    assert "150" in page and "Email" in page  # Django's own Chinese messages for them
    assert not User.objects.filter(email="not-an-address").exists()


def test_unit_staff_without_a_unit_is_a_chinese_row_error(admin_client_):
    response = dry_run(admin_client_, xlsx([["li", "李四", "li@example.org", "单位填报员", ""]]))
    page = page_text(response)
    assert "单位填报员必须填写所属单位。" in page
    assert "membership_staff_has_unit" not in page


def test_database_error_in_a_row_is_said_in_chinese(admin_client_, year, monkeypatch, settings):
    settings.DEBUG = False

    def refused(**kwargs):
        raise IntegrityError('duplicate key value violates unique constraint "unit_name"')

    monkeypatch.setattr("competition.services.unit_save", refused)
    headers = ["单位名称", "单位类别", "上级单位", "联系人", "联系电话", "电子邮箱"]
    upload = xlsx([["杜集区总工会", "县区总工会", "", "王", "1", ""]], headers)
    page = page_text(dry_run(admin_client_, upload, "competition_unit"))
    assert "这一行无法保存（内容不符合要求，例如过长或与已有记录重复），整个文件未导入。" in page
    assert "duplicate key" not in page and "Traceback" not in page
    assert not Unit.objects.filter(name="杜集区总工会").exists()


def test_rows_refused_when_confirmed_write_nothing(admin_client_, unit_a):
    rows = [
        ["li", "李四", "li@example.org", "", ""],
        ["wang", "王五", "wang@example.org", "", ""],
    ]
    response = dry_run(admin_client_, xlsx(rows))
    assert "confirm_form" in response.context
    User.objects.create(username="li", email="other@example.org")  # since the preview
    response = confirm(admin_client_, response)
    assert response.status_code == 302
    assert not User.objects.filter(username="wang").exists()  # all rows or none
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("导入未完成，没有写入任何数据" in m for m in messages)


def user_rows(count):
    return [[f"u{n}", "名", f"u{n}@example.org", "", ""] for n in range(count)]


@pytest.mark.parametrize("ref", ["A1:XFD20000", "A1:XFD1048576", "A1:E2"])
def test_import_reads_the_rows_the_sheet_holds_whatever_it_claims(admin_client_, ref):
    content = claim_dimension(workbook_bytes(USER_HEADERS, user_rows(4)), ref)
    with cells_read() as reading:
        response = dry_run(admin_client_, SimpleUploadedFile("users.xlsx", content))
    assert "confirm_form" in response.context
    assert response.context["result"].totals["new"] == 4  # not 1 for A1:E2
    assert reading.rows == 5 and reading.cells <= 5 * IMPORT_MAX_COLUMNS


def test_import_over_the_row_cap_stops_while_reading(admin_client_, settings):
    settings.IMPORT_MAX_ROWS = 5
    content = claim_dimension(workbook_bytes(USER_HEADERS, user_rows(40)), "A1:XFD20000")
    with cells_read() as reading:
        response = dry_run(admin_client_, SimpleUploadedFile("users.xlsx", content))
    assert "数据超过 5 行的上限，请拆分后再导入。" in page_text(response)
    assert reading.rows == 7


def test_import_of_a_stray_cell_at_the_last_row_is_refused_while_reading(admin_client_, settings):
    settings.IMPORT_MAX_ROWS = 5
    content = add_cell_at_row(workbook_bytes(USER_HEADERS, user_rows(2)), 1_048_576)
    with cells_read() as reading:
        response = dry_run(admin_client_, SimpleUploadedFile("users.xlsx", content))
    assert "工作表中的空行超过 50 行，请删除多余的空行后再导入。" in page_text(response)
    assert reading.rows == 3 + 50 + 1
    assert not User.objects.filter(username__startswith="u").exists()
