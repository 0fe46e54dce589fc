import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from volunteers import services
from volunteers.models import Activity, ModelWorker

pytestmark = pytest.mark.django_db

WORKER_HEADERS = [
    "所属单位",
    "姓名",
    "性别",
    "出生年份",
    "职务",
    "荣誉等级",
    "获评年份",
    "专业领域",
    "联系电话",
    "备注",
]
ACTIVITY_HEADERS = [
    "组织单位",
    "活动名称",
    "活动类型",
    "九大工程",
    "活动日期",
    "乡镇",
    "村",
    "参与劳模",
    "受益贫困户（户）",
    "受益人数（人）",
    "活动说明",
]


def xlsx(headers, rows, name="导入.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def worker_row(name="张三", **overrides):
    row = dict(
        zip(
            WORKER_HEADERS,
            ["", name, "男", 1970, "理事长", "全国劳模", 2015, "种植", "13800001111", ""],
            strict=True,
        )
    )
    row.update(overrides)
    return [row[h] for h in WORKER_HEADERS]


def test_import_good_worker_file_into_own_unit(staff_a, unit_a):
    upload = xlsx(WORKER_HEADERS, [worker_row("张三"), worker_row("李四", 性别="女")])
    outcome = services.model_workers_import(actor=staff_a, upload=upload)
    assert outcome.errors == []
    assert outcome.created == 2
    workers = ModelWorker.objects.order_by("name")
    assert [(w.name, w.unit, w.gender, w.honour_level) for w in workers] == [
        ("张三", unit_a, "m", "national"),
        ("李四", unit_a, "f", "national"),
    ]


def test_import_bad_rows_writes_nothing_and_names_every_row(staff_a, unit_a, worker_a):
    upload = xlsx(
        WORKER_HEADERS,
        [
            worker_row("好人"),  # row 2: good
            worker_row("王五", 荣誉等级="县级劳模"),  # row 3: unknown honour level
            worker_row("赵六", 所属单位="不存在的单位"),  # row 4: not own unit
            worker_row("张建国"),  # row 5: already registered in unit A
            worker_row("好人"),  # row 6: duplicate of row 2
            worker_row("", 出生年份="一九七〇"),  # row 7: missing name, bad year
        ],
    )
    outcome = services.model_workers_import(actor=staff_a, upload=upload)
    assert outcome.created == 0
    assert ModelWorker.objects.count() == 1  # only worker_a, nothing written
    found = {(e.row, e.column) for e in outcome.errors}
    assert found == {
        (3, "荣誉等级"),
        (4, "所属单位"),
        (5, "姓名"),
        (6, "姓名"),
        (7, "姓名"),
        (7, "出生年份"),
    }
    messages = {(e.row, e.column): e.message for e in outcome.errors}
    assert "县级劳模" in messages[(3, "荣誉等级")]
    assert "只能导入本单位" in messages[(4, "所属单位")]
    assert "已登记" in messages[(5, "姓名")]
    assert "第 2 行" in messages[(6, "姓名")]


def test_admin_import_names_unit_per_row(admin_user, unit_a, unit_b):
    upload = xlsx(
        WORKER_HEADERS,
        [worker_row("甲", 所属单位="相山区总工会"), worker_row("乙", 所属单位="濉溪县总工会")],
    )
    outcome = services.model_workers_import(actor=admin_user, upload=upload)
    assert outcome.ok and outcome.created == 2
    assert ModelWorker.objects.get(name="乙").unit == unit_b


def test_admin_import_unknown_unit_rejected(admin_user, unit_a):
    upload = xlsx(WORKER_HEADERS, [worker_row("甲", 所属单位="火星工会"), worker_row("乙")])
    outcome = services.model_workers_import(actor=admin_user, upload=upload)
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "所属单位"), (3, "所属单位")]
    assert "火星工会" in outcome.errors[0].message
    assert not ModelWorker.objects.exists()


def activity_row(**overrides):
    row = dict(
        zip(
            ACTIVITY_HEADERS,
            [
                "",
                "种植培训",
                "技能扶贫",
                "产业脱贫工程",
                datetime.date(2019, 5, 20),
                "渠沟镇",
                "钟楼村",
                "张建国",
                10,
                20,
                "说明",
            ],
            strict=True,
        )
    )
    row.update(overrides)
    return [row[h] for h in ACTIVITY_HEADERS]


def test_import_good_activity_file(staff_a, unit_a, worker_a, year):
    upload = xlsx(
        ACTIVITY_HEADERS,
        [
            activity_row(),
            activity_row(活动名称="义诊", 活动类型="健康扶贫", 活动日期="2019/6/1", 参与劳模=""),
        ],
    )
    outcome = services.activities_import(actor=staff_a, upload=upload)
    assert outcome.errors == [] and outcome.created == 2
    training = Activity.objects.get(title="种植培训")
    assert (training.unit, training.date, training.created_by) == (
        unit_a,
        datetime.date(2019, 5, 20),
        staff_a,
    )
    assert list(training.model_workers.all()) == [worker_a]
    assert Activity.objects.get(title="义诊").date == datetime.date(2019, 6, 1)


def test_import_bad_activity_file_writes_nothing(staff_a, unit_a, worker_a, worker_b, year):
    upload = xlsx(
        ACTIVITY_HEADERS,
        [
            activity_row(),
            activity_row(活动名称="甲", 活动日期="2019-13-45"),  # bad date
            activity_row(活动名称="乙", 参与劳模="周海峰"),  # worker of another unit
            activity_row(活动名称="丙", 九大工程="第十工程", 活动类型="文艺扶贫"),
            activity_row(),  # duplicate of row 2
        ],
    )
    outcome = services.activities_import(actor=staff_a, upload=upload)
    assert {(e.row, e.column) for e in outcome.errors} == {
        (3, "活动日期"),
        (4, "参与劳模"),
        (5, "九大工程"),
        (5, "活动类型"),
        (6, "活动名称"),
    }
    assert not Activity.objects.exists()


def test_import_resolves_project_and_type_in_the_year_of_each_row(
    staff_a, unit_a, worker_a, year, admin_user
):
    from awards import services as awards_services
    from competition import services as competition_services

    y2020 = awards_services.year_open(actor=admin_user, source=year, number=2020)
    skills = y2020.activity_types.get(code="skills")
    competition_services.activity_type_save(
        actor=admin_user, year=y2020, activity_type=skills, name="技能培训"
    )
    project = y2020.projects.get(number=1)
    competition_services.project_save(
        actor=admin_user, year=y2020, project=project, name="产业振兴工程"
    )
    rows = [
        activity_row(),  # 2019's names
        activity_row(活动名称="二〇年", 活动类型="技能培训", 九大工程="产业振兴工程",
                     活动日期="2020-05-20"),
        activity_row(活动名称="按代码", 活动类型="health", 九大工程="1", 活动日期="2020-06-01"),
    ]  # fmt: skip
    outcome = services.activities_import(actor=staff_a, upload=xlsx(ACTIVITY_HEADERS, rows))
    assert outcome.errors == [] and outcome.created == 3
    found = Activity.objects.values_list(
        "title", "activity_type__year__year", "activity_type__name", "nine_project__year__year",
        "nine_project__name",
    )  # fmt: skip
    assert set(found) == {
        ("种植培训", 2019, "技能扶贫", 2019, "产业脱贫工程"),
        ("二〇年", 2020, "技能培训", 2020, "产业振兴工程"),
        ("按代码", 2020, "健康扶贫", 2020, "产业振兴工程"),
    }

    # 2020's names are not 2019's.
    late = [activity_row(活动名称="错年", 活动类型="技能培训", 九大工程="产业振兴工程")]
    outcome = services.activities_import(actor=staff_a, upload=xlsx(ACTIVITY_HEADERS, late))
    assert {(e.row, e.column) for e in outcome.errors} == {(2, "活动类型"), (2, "九大工程")}


def test_import_refuses_non_xlsx(staff_a):
    upload = SimpleUploadedFile("a.xlsx", b"not a zip at all")
    outcome = services.model_workers_import(actor=staff_a, upload=upload)
    assert [e.message for e in outcome.errors] == ["文件不是有效的 Excel（.xlsx）文件。"]


def test_import_refuses_zip_bomb(staff_a, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 1000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "x" * 5000)
    outcome = services.model_workers_import(
        actor=staff_a, upload=SimpleUploadedFile("a.xlsx", buffer.getvalue())
    )
    assert "解压后过大" in outcome.errors[0].message


def test_import_caps_rows(staff_a, settings):
    settings.IMPORT_MAX_ROWS = 2
    upload = xlsx(WORKER_HEADERS, [worker_row(f"人{i}") for i in range(3)])
    outcome = services.model_workers_import(actor=staff_a, upload=upload)
    assert "上限" in outcome.errors[0].message
    assert not ModelWorker.objects.exists()


def test_import_missing_columns(staff_a):
    upload = xlsx(["姓名"], [["张三"]])
    outcome = services.model_workers_import(actor=staff_a, upload=upload)
    assert "缺少列" in outcome.errors[0].message and "荣誉等级" in outcome.errors[0].message


def test_import_page_lists_errors_in_chinese(client_for, staff_a, unit_a):
    upload = xlsx(WORKER_HEADERS, [worker_row("王五", 荣誉等级="县级劳模")])
    response = client_for(staff_a).post(reverse("volunteers:model_worker_import"), {"file": upload})
    body = response.content.decode()
    assert response.status_code == 200
    assert "第 2 行" in body and "荣誉等级" in body and "未导入任何数据" in body
    assert not ModelWorker.objects.exists()


def test_import_page_success_redirects(client_for, staff_a, unit_a):
    upload = xlsx(WORKER_HEADERS, [worker_row("王五")])
    response = client_for(staff_a).post(reverse("volunteers:model_worker_import"), {"file": upload})
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:model_worker_list")
    assert ModelWorker.objects.get().unit == unit_a


@pytest.mark.parametrize(
    ("url_name", "headers"),
    [
        ("volunteers:model_worker_template", WORKER_HEADERS),
        ("volunteers:activity_template", ACTIVITY_HEADERS),
    ],
)
def test_template_has_chinese_headers(client_for, staff_a, url_name, headers):
    response = client_for(staff_a).get(reverse(url_name))
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    first = next(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(first) == headers
    assert workbook.sheetnames[1] == "填写说明"


def test_template_round_trip_of_export(client_for, staff_a, worker_a):
    """An export of unit A can be edited and imported back as a template."""
    response = client_for(staff_a).get(reverse("volunteers:model_worker_export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == WORKER_HEADERS
    assert rows[1][:3] == ("相山区总工会", "张建国", "男")
    assert rows[1][8] == "138****1234"  # staff get masked phones in exports too
