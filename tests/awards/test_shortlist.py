"""Shortlists, decisions, per-unit limits and the Excel export."""

import datetime
from io import BytesIO

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from awards import export, services
from awards.models import (
    EvaluationRun,
    EvaluationSettings,
    Nomination,
    ShortlistItem,
    UnitAwardLimit,
)
from competition import services as competition_services
from competition.models import Entry, Unit
from tests.awards import factories as af
from tests.competition import factories as scoring
from volunteers.models import ModelWorker

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(year, unit_a, unit_b, reviewers):
    entries = {}
    for unit, title, points in [
        (unit_a, "甲项目", 25),
        (unit_b, "乙项目", 20),
        (unit_a, "丙项目", 15),
    ]:
        entry = scoring.entry(unit, year, title=title)
        for reviewer in reviewers:
            scoring.sheet(entry, reviewer, points, points, points, points)
        entries[title] = entry
    return {
        "best": af.nomination(unit_a, year, entry=entries["甲项目"]),
        "second": af.nomination(unit_b, year, entry=entries["乙项目"], collective_kind="team",
                                team_name="=HYPERLINK(\"http://x\")"),
        "incomplete": af.nomination(unit_a, year, entry=entries["丙项目"], evidence_promotion=""),
        "young": af.nomination(
            unit_a, year, entry=entries["甲项目"], category="individual",
            work_started_on=datetime.date(2019, 6, 1),
        ),
        "person": af.nomination(
            unit_b, year, entry=entries["乙项目"], category="individual", person_name="@李四"
        ),
    }  # fmt: skip


@pytest.fixture
def run(world, year, admin_user):
    # Every unit with an entry applied for the 奖状 and was accepted: all are unit candidates.
    for unit in Unit.objects.filter(entries__year=year).distinct():
        af.accepted_application(unit, year)
    return services.evaluation_run_build(
        run=services.evaluation_run_create(actor=admin_user, year=year)
    )


def test_top_n_skips_ineligible_and_incomplete(run, admin_user):
    services.shortlist_build(actor=admin_user, run=run, category="collective", top_n=5)
    services.shortlist_build(actor=admin_user, run=run, category="individual", top_n=5)
    assert list(run.shortlist.values_list("category", "recipient", "rank")) == [
        ("collective", "相山区总工会", 1),
        ("collective", '=HYPERLINK("http://x")', 2),
        ("individual", "@李四", 2),
    ]
    # Again: nothing twice.
    assert services.shortlist_build(actor=admin_user, run=run, category="collective", top_n=5) == []


def test_override_lets_an_incomplete_nomination_in(run, world, admin_user, office_user):
    services.nomination_override(
        actor=office_user, nomination=world["incomplete"], override=True, reason="材料已补交纸质版"
    )
    created = services.shortlist_build(actor=admin_user, run=run, category="collective", top_n=3)
    assert [item.recipient for item in created] == [
        "相山区总工会",
        '=HYPERLINK("http://x")',
        "相山区总工会",
    ]
    assert world["incomplete"].override_by == office_user


def test_override_needs_a_reason(world, office_user, staff_a):
    with pytest.raises(ValidationError):
        services.nomination_override(actor=office_user, nomination=world["young"], override=True)
    with pytest.raises(PermissionDenied):
        services.nomination_override(
            actor=staff_a, nomination=world["young"], override=True, reason="自己特批"
        )


def test_threshold_and_units(run, admin_user):
    created = services.shortlist_build(actor=admin_user, run=run, category="unit", threshold=0)
    assert {item.recipient for item in created} == {"相山区总工会", "濉溪县总工会"}
    with pytest.raises(ValidationError):
        services.shortlist_build(actor=admin_user, run=run, category="unit", top_n=1, threshold=1)


def test_adding_an_ineligible_row_by_hand_is_refused(run, admin_user):
    row = run.nomination_rankings.get(recipient="张先锋")
    with pytest.raises(ValidationError) as exc:
        services.shortlist_add(actor=admin_user, run=run, nomination_ranking=row)
    assert "不能入围" in exc.value.messages[0]


def test_shortlist_from_an_unfinished_run_is_refused(year, admin_user):
    run = services.evaluation_run_create(actor=admin_user, year=year)
    with pytest.raises(ValidationError):
        services.shortlist_build(actor=admin_user, run=run, category="collective", top_n=1)


def test_decisions_check_the_award_and_the_unit_limit(run, admin_user, unit_a, year):
    services.shortlist_build(actor=admin_user, run=run, category="collective", top_n=5)
    services.shortlist_build(actor=admin_user, run=run, category="unit", top_n=5)
    collective = run.shortlist.get(category="collective", rank=1)
    with pytest.raises(ValidationError):
        services.shortlist_decide(actor=admin_user, item=collective, award="medal")
    with pytest.raises(ValidationError):
        services.shortlist_decide(
            actor=admin_user, item=collective, award="certificate", recuperation_priority=True
        )
    UnitAwardLimit.objects.create(year=year, unit=unit_a, max_awards=1)
    services.shortlist_decide(
        actor=admin_user, item=collective, award="certificate", recommend_province=True
    )
    unit_item = run.shortlist.get(category="unit", unit=unit_a)
    with pytest.raises(ValidationError) as exc:
        services.shortlist_decide(actor=admin_user, item=unit_item, award="certificate")
    assert exc.value.code == "unit_limit"
    # Re-saving the awarded item stays within the limit.
    services.shortlist_decide(actor=admin_user, item=collective, award="certificate")
    assert ShortlistItem.objects.exclude(award="").count() == 1


def test_year_limit_applies_when_the_unit_has_none(world, year, admin_user, unit_a):
    EvaluationSettings.objects.create(year=year, max_awards_per_unit=0)
    for unit in Unit.objects.filter(entries__year=year).distinct():
        af.accepted_application(unit, year)
    run = services.evaluation_run_build(
        run=services.evaluation_run_create(actor=admin_user, year=year)
    )
    item = services.shortlist_build(actor=admin_user, run=run, category="unit", top_n=1)[0]
    with pytest.raises(ValidationError):
        services.shortlist_decide(actor=admin_user, item=item, award="certificate")


def _workbook(run) -> openpyxl.Workbook:
    buffer = BytesIO()
    export.export_run(run, buffer)
    buffer.seek(0)
    return openpyxl.load_workbook(buffer)


HEADERS = [
    "名次", "名称", "单位", "九大工程", "比工作落实", "比项目成效", "比经济收入", "比群众满意",
    "总分", "并列说明", "资格审查", "入围", "表彰决定",
]  # fmt: skip


def test_export_sheets_headers_rows_and_escaping(run, admin_user):
    services.shortlist_build(actor=admin_user, run=run, category="individual", top_n=5)
    item = run.shortlist.get()
    nomination = item.nomination_ranking.nomination
    nomination.model_worker = ModelWorker.objects.create(
        unit=nomination.unit, name=nomination.person_name, gender="m", honour_level="city"
    )
    nomination.save()
    services.shortlist_decide(
        actor=admin_user, item=item, award="medal", recuperation_priority=True
    )
    # The run snapshots the honour when it is built (here linked after: set as a build would).
    type(item.nomination_ranking).objects.filter(pk=item.nomination_ranking_id).update(
        model_worker_level="city"
    )
    book = _workbook(run)
    assert book.sheetnames == ["先锋集体", "先锋个人", "参赛单位", "参赛项目"]
    for sheet in book:
        # 先锋个人 ends with the registry's honour (劳模优先, issue 15.3).
        extra = ["劳模荣誉"] if sheet.title == "先锋个人" else []
        assert [c.value for c in sheet[1]] == HEADERS + extra
        assert sheet.freeze_panes == "A2"
        assert sheet.column_dimensions["B"].width == 30
    collective = list(book["先锋集体"].iter_rows(min_row=2, values_only=True))
    assert collective[0][:9] == (
        1,
        "相山区总工会",
        "相山区总工会",
        "产业脱贫工程",
        25,
        25,
        25,
        25,
        100,
    )
    assert collective[1][1] == '\'=HYPERLINK("http://x")'
    assert collective[2][10] == "缺少以下标准的事实材料：大力推动"
    individual = list(book["先锋个人"].iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in individual] == ["张先锋", "'@李四"]
    assert individual[1][11:] == ("是", "淮北市五一劳动奖章；优先安排劳模休养、交流", "市级劳模")
    assert individual[0][13] is None  # not a registered model worker
    assert len(list(book["参赛项目"].iter_rows(min_row=2))) == 3


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@"])
def test_export_escapes_each_formula_prefix(run, prefix):
    run.entry_rankings.filter(rank=1).update(title=f"{prefix}1+1")
    rows = list(_workbook(run)["参赛项目"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert rows[0][1] == f"'{prefix}1+1"


def test_commands_build_and_export(world, year, tmp_path, capsys):
    call_command("build_rankings", "--year", "2019")
    out = capsys.readouterr().out
    assert "3 个参赛项目" in out and "1. 甲项目" in out
    target = tmp_path / "s.xlsx"
    call_command("export_shortlist", "--year", "2019", "--out", str(target))
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["先锋集体", "先锋个人", "参赛单位", "参赛项目"]
    assert EvaluationRun.objects.get().status == "done"


def test_export_view_and_command_survive_control_characters(
    world, year, admin_user, client_for, tmp_path
):
    """Issue 17: one control character in a stored title or name failed the whole export."""
    Entry.objects.filter(title="甲项目").update(title="甲\x1b项目")
    Nomination.objects.filter(pk=world["person"].pk).update(person_name="@李\x01四")
    run = services.evaluation_run_build(
        run=services.evaluation_run_create(actor=admin_user, year=year)
    )
    response = client_for(admin_user).get(reverse("awards:export", kwargs={"pk": run.pk}))
    assert response.status_code == 200
    book = openpyxl.load_workbook(BytesIO(response.content))
    assert "甲项目" in [row[1] for row in book["参赛项目"].iter_rows(values_only=True)]
    assert "'@李四" in [row[1] for row in book["先锋个人"].iter_rows(values_only=True)]
    target = tmp_path / "s.xlsx"
    call_command("export_shortlist", "--year", "2019", "--out", str(target))
    book = openpyxl.load_workbook(target)
    assert "甲项目" in [row[1] for row in book["参赛项目"].iter_rows(values_only=True)]


def test_build_rankings_refuses_a_closed_year(world, year, admin_user):
    competition_services.competition_year_close(actor=admin_user, year=year)
    with pytest.raises(CommandError, match="已结束并封存"):
        call_command("build_rankings", "--year", "2019")
    assert not EvaluationRun.objects.exists()
