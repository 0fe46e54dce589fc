"""Bad input on every form of the project: a clear Chinese error, and nothing written.

Table-driven: each case posts one wrong value (out-of-range number, text over its
max_length, wrong file type, date outside the competition year) to the real view, as a user
allowed to use the form, follows the redirect if any, and asserts that the page shows the
Chinese error and that the database is exactly as before (tests/snapshot.py). The broken
.xlsx files of the volunteers imports are in tests/volunteers/test_bad_input.py.
"""

import html
import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import BaseForm, CharField
from django.urls import reverse

from common.forms import TextGuardMixin
from reports.enums import ReportStatus
from tests import factories
from tests.competition import factories as cf
from tests.reports.factories import COMPLETE, make_report, period
from tests.snapshot import changes, snapshot
from tests.volunteers.factories import ActivityFactory, MembershipFactory, ModelWorkerFactory
from volunteers.models import Activity

pytestmark = pytest.mark.django_db

APPS = ("common", "competition", "reports", "volunteers", "awards", "api")

PNG = (  # a 1×1 PNG that decodes (uploads are decoded in full: common/uploads.py)
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\xdacd`\xf8_\x0f\x00\x02\x87\x01\x80\xebG\xba\x92"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
# Right header, broken data: passed a check that reads only the first bytes.
BROKEN_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"PE\x00\x00"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


# Wrong files, as every upload field must refuse them (name → expected Chinese error).
BAD_FILES = [
    ("exe-renamed", "帮扶台账.pdf", EXE, "内容与扩展名不符"),
    ("html-as-pdf", "报告.pdf", HTML, "内容与扩展名不符"),
    ("html-as-image", "照片.jpg", HTML, "内容与扩展名不符"),
    ("svg-with-script-as-png", "照片.png", SVG, "内容与扩展名不符"),
    ("svg", "照片.svg", SVG, "不支持的文件类型“svg”"),
    ("exe", "setup.exe", EXE, "不支持的文件类型“exe”"),
    ("html", "page.html", HTML, "不支持的文件类型“html”"),
    ("broken-png", "照片.png", BROKEN_PNG, "已损坏或不是完整的图片"),
    ("html-after-pdf", "报告.pdf", b"%PDF-1.4\n%%EOF\n" + HTML, "文件结尾之后还附带了其他内容"),
]


def image_error(name: str, error: str) -> str:
    """Photo fields refuse a document's name (.pdf) before looking at the content."""
    return re.escape("不支持的文件类型“pdf”" if name.endswith(".pdf") else error)


@dataclass
class World:
    year: object
    unit: object
    staff: object
    office: object
    admin: object
    objects: dict = field(default_factory=dict)

    def __getitem__(self, name):
        return self.objects[name]


@pytest.fixture
def world(year, unit_a, staff_a, office_user, admin_user):
    objects = {
        "draft": make_report(unit_a, period(year, 1), actor=staff_a),
        "submitted": make_report(
            unit_a, period(year, 2), status=ReportStatus.SUBMITTED, actor=staff_a
        ),
        "accepted": make_report(
            unit_a,
            period(year, 3),
            status=ReportStatus.ACCEPTED,
            actor=staff_a,
            reviewer=office_user,
        ),
        "worker": ModelWorkerFactory(unit=unit_a, name="王劳模"),
        "activity": ActivityFactory(unit=unit_a, title="技能培训"),
        "entry": cf.entry(unit_a, year, title="石榴种植"),
    }
    objects["membership"] = MembershipFactory(model_worker=objects["worker"])
    return World(year, unit_a, staff_a, office_user, admin_user, objects)


@dataclass
class Bad:
    label: str
    role: str  # attribute of World: staff, office or admin
    url: Callable[[World], str]
    data: Callable[[World], dict]
    error: str  # what the page must say (a regular expression)


def url(name, key=None):
    return lambda w: reverse(name, kwargs={"pk": w[key].pk} if key else {})


def report_data(w, **changes):
    data = {name: COMPLETE[name] for name in COMPLETE}
    data["projects"] = [factories.nine_project(1).pk]
    data["submit"] = "1"
    data.update(changes)
    return data


def worker_data(w, **changes):
    data = {
        "name": "李劳模",
        "gender": "f",
        "birth_year": 1975,
        "position": "主任",
        "honour_level": "city",
        "honour_year": 2015,
        "expertise": "planting",
        "phone": "13812345678",
        "remarks": "",
    }
    return {**data, **changes}


def activity_data(w, **changes):
    data = {
        "title": "健康义诊",
        "activity_type": "health",
        "nine_project": factories.nine_project(6).number,  # the form takes the number
        "date": "2019-06-01",
        "town": "渠沟镇",
        "village": "钟楼村",
        "households": 5,
        "people": 12,
        "description": "",
    }
    return {**data, **changes}


def record_data(w, **changes):
    return {"date": "2019-03-01", "hours": "4", "place": "钟楼村", "content": "技术指导", **changes}


def entry_data(w, **changes):
    data = {
        "nine_project": factories.nine_project(2).pk,
        "title": "就业帮扶",
        "description": "说明",
        "target_villages": "桃园村",
        "target_households": 10,
    }
    return {**data, **changes}


def score_data(w, **changes):
    data = {"work": "20", "effect": "20", "income": "20", "satisfaction": "20", "comment": ""}
    return {**data, **changes}


def spot_check_data(w, **changes):
    data = {
        "unit": w.unit.pk,
        "date": "2019-09-01",
        "inspectors": "张三、李四",
        "findings": "台账完整。",
        "rating": "good",
    }
    return {**data, **changes}


LONG = "长" * 1001
CONTROL = "不可见的控制字符"


def token_data(w, **changes):
    return {
        "name": "省总工会评选系统",
        "scopes": ["units"],
        "years": [w.year.pk],
        "expires_on": "2099-01-01",
        **changes,
    }


CASES = [
    # Quarterly reports ------------------------------------------------------------------
    Bad("report: negative households", "staff", url("reports:report_edit", "draft"),
        lambda w: report_data(w, households_helped=-1), "大于或等于0"),
    Bad("report: negative funds", "staff", url("reports:report_edit", "draft"),
        lambda w: report_data(w, funds_invested="-0.01"), "不能为负数"),
    Bad("report: funds with too many digits", "staff", url("reports:report_edit", "draft"),
        lambda w: report_data(w, funds_invested="123456789012345"), "总共不超过 14 个数字"),
    Bad("report: funds with three decimals", "staff", url("reports:report_edit", "draft"),
        lambda w: report_data(w, funds_invested="1.005"), "小数不超过 2 位"),
    Bad("report: people beyond any integer", "staff", url("reports:report_edit", "draft"),
        lambda w: report_data(w, people_helped=10**12), "小于或等于10000000"),
    Bad("report: not a number", "staff", url("reports:report_edit", "draft"),
        lambda w: report_data(w, people_trained="十个"), "输入整数"),
    Bad("report: unknown nine project", "staff", url("reports:report_edit", "draft"),
        lambda w: report_data(w, projects=[999]), "选择一个有效的选项"),
    Bad("report: submit without sections", "staff", url("reports:report_edit", "draft"),
        lambda w: report_data(w, progress="", experience="  "), "这个字段是必填项"),
    *[
        Bad(f"report attachment: {label}", "staff", url("reports:attachment_upload", "draft"),
            lambda w, n=name, c=content: {"file": upload(n, c)}, re.escape(error))
        for label, name, content, error in BAD_FILES
    ],
    Bad("report attachment: empty file", "staff", url("reports:attachment_upload", "draft"),
        lambda w: {"file": upload("空.pdf", b"")}, "空文件"),
    Bad("review: return without comment", "office", url("reports:report_review", "submitted"),
        lambda w: {"decision": "return", "comment": "  "}, "退回时必须填写审核意见"),
    Bad("review: unknown decision", "office", url("reports:report_review", "submitted"),
        lambda w: {"decision": "delete", "comment": "x"}, "选择一个有效的选项"),
    Bad("reopen: no reason", "admin", url("reports:report_reopen", "accepted"),
        lambda w: {"reason": " "}, "重新开放时必须填写原因"),
    Bad("reopen: reason over 1000", "admin", url("reports:report_reopen", "accepted"),
        lambda w: {"reason": LONG}, "不超过 1000 字符"),
    Bad("showcase: title over 100", "office", url("reports:showcase_mark", "accepted"),
        lambda w: {"title": "题" * 101, "project": factories.nine_project(1).pk},
        "不超过 100 字符"),
    # Model workers, team, service records, activities, photos ----------------------------
    Bad("worker: birth year 1800", "staff", url("volunteers:model_worker_create"),
        lambda w: worker_data(w, birth_year=1800), "大于或等于1920"),
    Bad("worker: negative honour year", "staff", url("volunteers:model_worker_create"),
        lambda w: worker_data(w, honour_year=-1), "大于或等于"),
    Bad("worker: name over 50", "staff", url("volunteers:model_worker_create"),
        lambda w: worker_data(w, name="名" * 51), "不超过 50 字符"),
    Bad("worker: phone with letters", "staff", url("volunteers:model_worker_create"),
        lambda w: worker_data(w, phone="call me"), "请填写有效的电话号码"),
    Bad("worker: unknown honour level", "staff", url("volunteers:model_worker_edit", "worker"),
        lambda w: worker_data(w, honour_level="king"), "选择一个有效的选项"),
    Bad("team: remarks over 200", "staff", url("volunteers:team_join", "worker"),
        lambda w: {"joined_on": "2019-02-01", "remarks": "备" * 201}, "不超过 200 字符"),
    Bad("team: leave before joining", "staff", url("volunteers:team_leave", "membership"),
        lambda w: {"left_on": "2018-01-01"}, "离队日期不能早于入队日期"),
    Bad("service: 25 hours", "staff", url("volunteers:service_record_create", "membership"),
        lambda w: record_data(w, hours="25"), "小于或等于24"),
    Bad("service: negative hours", "staff", url("volunteers:service_record_create", "membership"),
        lambda w: record_data(w, hours="-2"), "大于或等于0.5"),
    Bad("service: place over 100", "staff", url("volunteers:service_record_create", "membership"),
        lambda w: record_data(w, place="地" * 101), "不超过 100 字符"),
    Bad("service: before joining", "staff", url("volunteers:service_record_create", "membership"),
        lambda w: record_data(w, date="2018-06-01"), "服务日期不在该队员的在队期间内"),
    Bad("activity: negative households", "staff", url("volunteers:activity_create"),
        lambda w: activity_data(w, households=-3), "大于或等于0"),
    Bad("activity: a billion people", "staff", url("volunteers:activity_create"),
        lambda w: activity_data(w, people=10**9), "小于或等于10000000"),
    Bad("activity: title over 200", "staff", url("volunteers:activity_create"),
        lambda w: activity_data(w, title="活" * 201), "不超过 200 字符"),
    Bad("activity: impossible date", "staff", url("volunteers:activity_create"),
        lambda w: activity_data(w, date="2019-02-30"), "有效的日期"),
    Bad("activity: date before the competition", "staff", url("volunteers:activity_create"),
        lambda w: activity_data(w, date="1990-05-01"), "不在任何竞赛年度内"),
    Bad("activity: date after the competition", "staff", url("volunteers:activity_edit", "activity"),
        lambda w: activity_data(w, date="2031-01-01"), "不在任何竞赛年度内"),
    *[
        Bad(f"activity photo: {label}", "staff", url("volunteers:photo_upload", "activity"),
            lambda w, n=name, c=content: {"file": upload(n, c)}, image_error(name, error))
        for label, name, content, error in BAD_FILES
    ],
    Bad("activity photo: a PDF is not a photo", "staff", url("volunteers:photo_upload", "activity"),
        lambda w: {"file": upload("a.pdf", b"%PDF-1.4\n%%EOF\n")}, "不支持的文件类型“pdf”"),
    Bad("activity photo: caption over 200", "staff", url("volunteers:photo_upload", "activity"),
        lambda w: {"file": upload("a.png", PNG), "caption": "说" * 201}, "不超过 200 字符"),
    # Scoring, assignments, conflicts, spot checks, notices -------------------------------
    Bad("entry: title over 200", "staff", url("competition:entry_create"),
        lambda w: entry_data(w, title="项" * 201), "不超过 200 字符"),
    Bad("entry: negative households", "staff", url("competition:entry_edit", "entry"),
        lambda w: entry_data(w, target_households=-1), "大于或等于0"),
    Bad("entry: a billion households", "staff", url("competition:entry_create"),
        lambda w: entry_data(w, target_households=10**9), "小于或等于10000000"),
    Bad("score: above the maximum", "office", url("competition:sheet_edit", "entry"),
        lambda w: score_data(w, work="25.5"), "小于或等于25"),
    Bad("score: negative", "office", url("competition:sheet_edit", "entry"),
        lambda w: score_data(w, income="-1"), "大于或等于0"),
    Bad("score: too many digits", "office", url("competition:sheet_edit", "entry"),
        lambda w: score_data(w, effect="12.25"), "小数不超过 1 位"),
    Bad("score: huge", "office", url("competition:sheet_edit", "entry"),
        lambda w: score_data(w, satisfaction="1e9"), "小于或等于25|总共不超过 5 个数字"),
    Bad("conflict: unknown unit", "office", url("competition:conflict_list"),
        lambda w: {"unit": 99999, "reason": "亲属"}, "选择一个有效的选项"),
    Bad("assignment: zero reviewers", "admin", url("competition:assignment_spread"),
        lambda w: {"per_entry": 0, "seed": 1}, "请填写每个项目的评委数和随机种子"),
    Bad("assignment: negative seed", "admin", url("competition:assignment_spread"),
        lambda w: {"per_entry": 2, "seed": -5}, "请填写每个项目的评委数和随机种子"),
    Bad("draw: zero units", "office", url("competition:draw_create"),
        lambda w: {"count": 0}, "请填写有效的抽取数量"),
    Bad("draw: 101 units", "office", url("competition:draw_create"),
        lambda w: {"count": 101}, "请填写有效的抽取数量"),
    Bad("spot check: inspectors over 200", "office", url("competition:spot_check_create"),
        lambda w: spot_check_data(w, inspectors="人" * 201), "不超过 200 字符"),
    Bad("spot check: date outside the year", "office", url("competition:spot_check_create"),
        lambda w: spot_check_data(w, date="2017-09-01"), "不在2019年度"),
    Bad("spot check: after the evaluation", "office", url("competition:spot_check_create"),
        lambda w: spot_check_data(w, date="2020-05-01"), "不在2019年度"),
    Bad("spot check: unknown rating", "office", url("competition:spot_check_create"),
        lambda w: spot_check_data(w, rating="perfect"), "选择一个有效的选项"),
    *[
        Bad(f"spot check photo: {label}", "office", url("competition:spot_check_create"),
            lambda w, n=name, c=content: spot_check_data(w, photos=[upload(n, c)]),
            image_error(name, error))
        for label, name, content, error in BAD_FILES
    ],
    Bad("notice: title over 200", "office", url("competition:notice_create"),
        lambda w: {"year": w.year.pk, "title": "通" * 201, "body": "正文"}, "不超过 200 字符"),
    # Control characters (issue 17: one of them failed every export of the value) ---------
    Bad("worker: \\x01 in the name", "staff", url("volunteers:model_worker_create"),
        lambda w: worker_data(w, name="王\x01劳模"), CONTROL),
    Bad("worker: \\x7f in the remarks", "staff", url("volunteers:model_worker_edit", "worker"),
        lambda w: worker_data(w, remarks="备注\x7f"), CONTROL),
    Bad("activity: \\x0b in the title", "staff", url("volunteers:activity_create"),
        lambda w: activity_data(w, title="健康\x0b义诊"), CONTROL),
    Bad("activity: a tab in a one-line field", "staff", url("volunteers:activity_edit", "activity"),
        lambda w: activity_data(w, village="钟楼\t村"), CONTROL),
    Bad("activity: \\x08 in the description", "staff", url("volunteers:activity_create"),
        lambda w: activity_data(w, description="第一行\n\x08第二行"), CONTROL),
    Bad("entry: \\x1b in the title", "staff", url("competition:entry_create"),
        lambda w: entry_data(w, title="石榴\x1b种植"), CONTROL),
    Bad("report: \\x07 in a section", "staff", url("reports:report_edit", "draft"),
        lambda w: report_data(w, progress="进展\x07"), CONTROL),
    Bad("review: \\x1f in the comment", "office", url("reports:report_review", "submitted"),
        lambda w: {"decision": "return", "comment": "请\x1f补充"}, CONTROL),
    Bad("service: \\x0c in the place", "staff", url("volunteers:service_record_create", "membership"),
        lambda w: record_data(w, place="钟楼\x0c村"), CONTROL),
    Bad("spot check: \\x01 in the findings", "office", url("competition:spot_check_create"),
        lambda w: spot_check_data(w, findings="台账\x01完整"), CONTROL),
    Bad("notice: \\x85 in the title", "office", url("competition:notice_create"),
        lambda w: {"year": w.year.pk, "title": "通\x85报", "body": "正文"}, CONTROL),
    # API tokens -------------------------------------------------------------------------
    Bad("api token: \\x07 in the client's name", "admin", url("api_tokens:token_create"),
        lambda w: token_data(w, name="省\x07总"), CONTROL),
    Bad("api token: no scope", "admin", url("api_tokens:token_create"),
        lambda w: token_data(w, scopes=[]), "这个字段是必填项"),
    Bad("api token: expired already", "admin", url("api_tokens:token_create"),
        lambda w: token_data(w, expires_on="2000-01-01"), "有效期须晚于现在"),
]  # fmt: skip


def page_text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("case", CASES, ids=[case.label for case in CASES])
def test_bad_input_is_refused_in_chinese_and_writes_nothing(case, world, client_for):
    client = client_for(getattr(world, case.role))
    target, data = case.url(world), case.data(world)
    before = snapshot()
    response = client.post(target, data, follow=True)
    assert response.status_code == 200, response.redirect_chain
    text = page_text(response)
    assert re.search(case.error, text), f"{case.error!r} not on the page"
    assert changes(before, snapshot()) == []


def test_multiline_text_keeps_tabs_and_line_breaks(world, client_for):
    text = "第一行\r\n\t第二行"
    response = client_for(world.staff).post(
        reverse("volunteers:activity_create"), activity_data(world, description=text)
    )
    assert response.status_code == 302, page_text(response)[:3000]
    assert Activity.objects.get(title="健康义诊").description == text


def _form_classes(base):
    for cls in base.__subclasses__():
        yield cls
        yield from _form_classes(cls)


def test_every_portal_form_refuses_control_characters():
    """A form class of the apps that does not derive from `common.forms.PortalForm` or
    `PortalModelForm` (or another TextGuardMixin) would let control characters in."""
    for app in APPS:
        importlib.import_module(f"{app}.forms")
    ours = [cls for cls in set(_form_classes(BaseForm)) if cls.__module__.split(".")[0] in APPS]
    assert len(ours) > 30
    assert [cls for cls in ours if not issubclass(cls, TextGuardMixin)] == []


def test_the_admins_service_forms_refuse_control_characters(rf, admin_user):
    """The Django admin's writes go through `ServiceAdminMixin`, whose form has the guard."""
    from django.contrib import admin

    from common.admin import ServiceAdminMixin

    request = rf.get("/admin/")
    request.user = admin_user
    admins = [a for a in admin.site._registry.values() if isinstance(a, ServiceAdminMixin)]
    assert admins
    for model_admin in admins:
        form_class = model_admin.get_form(request)
        assert issubclass(form_class, TextGuardMixin), type(model_admin).__name__
        text_fields = [
            name for name, f in form_class.base_fields.items() if isinstance(f, CharField)
        ]
        if text_fields:
            form = form_class(data={name: "\x01" for name in text_fields})
            form.is_valid()
            assert "不可见的控制字符" in str(form.errors[text_fields[0]]), model_admin


def test_the_valid_versions_of_the_cases_are_accepted(world, client_for):
    """The tables change one value of a good form: the good form itself goes through."""
    staff = client_for(world.staff)
    good = [
        (url("reports:report_edit", "draft"), report_data),
        (url("volunteers:model_worker_create"), worker_data),
        (url("volunteers:activity_create"), activity_data),
        (url("volunteers:service_record_create", "membership"), record_data),
        (url("competition:entry_create"), entry_data),
    ]
    for target, data in good:
        response = staff.post(target(world), data(world))
        assert response.status_code == 302, (target(world), page_text(response)[:3000])
    office = client_for(world.office)
    for target, data in [
        (url("competition:sheet_edit", "entry"), score_data),
        (url("competition:spot_check_create"), spot_check_data),
    ]:
        response = office.post(target(world), data(world))
        assert response.status_code == 302, (target(world), page_text(response)[:3000])
