"""The evaluation rules are the year's: service years, the late-report factor, the award per
category and the per-unit limits, saved on the evaluation page, copied by year_open, and
read-only (refused) once the year is closed (issue 13)."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from awards import rankings, selectors, services
from awards.models import EvaluationSettings, UnitAwardLimit, YearAward
from competition.enums import YearStatus
from competition.models import CompetitionYear
from reports.enums import ReportStatus
from tests import factories
from tests.awards import factories as af
from tests.competition import factories as scoring
from tests.reports import factories as rf

pytestmark = pytest.mark.django_db

SEALED = "该竞赛年度已结束并封存，记录不能再修改。"


def _settings(year, **fields):
    EvaluationSettings.objects.update_or_create(year=year, defaults=fields)


def _run(year, admin_user):
    return services.evaluation_run_build(
        run=services.evaluation_run_create(actor=admin_user, year=year)
    )


def _form(**changes):
    data = {
        "weight_entries": "0.6",
        "weight_timeliness": "0.2",
        "weight_quota": "0.2",
        "late_report_factor": "0.5",
        "min_service_years": "2",
        "max_awards_per_unit": "",
        "rule_1": "effect",
        "rule_2": "satisfaction",
        "rule_3": "income",
        "rule_4": "submitted",
        "award_collective": "淮北市五一劳动奖状",
        "award_individual": "淮北市五一劳动奖章",
        "award_unit": "淮北市五一劳动奖状",
    }
    return {**data, **changes}


@pytest.fixture
def finished_run(admin_user, unit_a, year, reviewers):
    nomination = af.nomination(unit_a, year)
    scoring.sheet(nomination.entry, reviewers[0], 20, 20, 20, 20)
    return _run(year, admin_user)


def seal(year):
    CompetitionYear.objects.filter(pk=year.pk).update(status=YearStatus.CLOSED)
    year.refresh_from_db()


# --- service years ---------------------------------------------------------------------------


def test_service_years_come_from_the_years_settings(year, unit_a, admin_user, reviewers):
    entry = scoring.entry(unit_a, year)
    started = datetime.date(2017, 6, 1)  # 2 full years at 2020-04-15, not 3
    af.nomination(unit_a, year, entry=entry, category="individual", work_started_on=started)
    assert _run(year, admin_user).nomination_rankings.get().eligible

    _settings(year, min_service_years=3)
    run = _run(year, admin_user)
    row = run.nomination_rankings.get()
    assert run.settings["min_service_years"] == 3
    assert (row.eligible, row.eligibility_note) == (
        False,
        "从事扶贫工作不满3年（2017-06-01起，评比日为2020-04-15）",
    )


def test_a_run_without_service_years_reads_the_notices_two(year, unit_a, admin_user):
    entry = scoring.entry(unit_a, year)
    af.nomination(
        unit_a, year, entry=entry, category="individual", work_started_on=datetime.date(2017, 6, 1)
    )
    _settings(year, min_service_years=3)
    run = services.evaluation_run_create(actor=admin_user, year=year)
    run.settings.pop("min_service_years")
    run.save(update_fields=["settings"])
    assert services.evaluation_run_build(run=run).nomination_rankings.get().eligible


def test_nomination_pages_show_the_years_service_rule(client_for, staff_a, unit_a, year):
    _settings(year, min_service_years=3)
    client = client_for(staff_a)
    form = client.get(reverse("awards:nomination_create") + "?year=2019").content.decode()
    assert "先锋个人须从事扶贫工作满3年（截至评比日 2020-04-15）" in form
    nomination = af.nomination(
        unit_a, year, category="individual", work_started_on=datetime.date(2017, 6, 1)
    )
    page = client.get(reverse("awards:nomination_detail", args=[nomination.pk])).content.decode()
    assert "从事扶贫工作不满3年（2017-06-01起，评比日为2020-04-15）" in page
    listing = client.get(reverse("awards:nomination_list") + "?year=2019").content.decode()
    assert "不满3年" in listing


# --- the late-report factor ------------------------------------------------------------------


def _timeliness(year, admin_user, unit):
    return _run(year, admin_user).unit_rankings.get(unit=unit).timeliness


def test_late_reports_count_by_the_years_factor(year, unit_a, staff_a, admin_user):
    rf.make_report(unit_a, rf.period(year, 1), status=ReportStatus.SUBMITTED, actor=staff_a)
    rf.make_report(
        unit_a, rf.period(year, 2), status=ReportStatus.SUBMITTED, actor=staff_a, is_late=True
    )
    # 4 reports due, 1 on time and 1 late.
    assert _timeliness(year, admin_user, unit_a) == 100 * (1 + 0.5) / 4
    _settings(year, late_report_factor=Decimal("0.25"))
    assert _timeliness(year, admin_user, unit_a) == 100 * (1 + 0.25) / 4
    _settings(year, late_report_factor=Decimal("0"))
    assert _timeliness(year, admin_user, unit_a) == 25


def test_a_run_without_the_late_factor_counts_half(year, admin_user):
    _settings(year, late_report_factor=Decimal("0.25"))
    run = services.evaluation_run_create(actor=admin_user, year=year)
    assert run.settings["late_factor"] == "0.25"
    assert 0.25 in rankings.unit_rows_sql(run)[2]
    del run.settings["late_factor"]  # as runs made before the factor was the year's
    params = rankings.unit_rows_sql(run)[2]
    assert 0.5 in params and 0.25 not in params


# --- the award per category ------------------------------------------------------------------


def test_a_year_without_award_rows_gets_the_notices(year):
    awards = selectors.year_awards(year)
    assert [(c, a.code, a.name, a.pk) for c, a in awards.items()] == [
        ("collective", "certificate", "淮北市五一劳动奖状", None),
        ("individual", "medal", "淮北市五一劳动奖章", None),
        ("unit", "certificate", "淮北市五一劳动奖状", None),
    ]


def test_award_names_are_the_years(client_for, admin_user, staff_a, year, finished_run):
    services.evaluation_settings_save(
        actor=admin_user, year=year, data={"award_names": {"collective": "工人先锋号"}}
    )
    y2020 = factories.competition_year(2020)
    assert selectors.year_awards(y2020)["collective"].name == "淮北市五一劳动奖状"
    item = services.shortlist_build(
        actor=admin_user, run=finished_run, category="collective", top_n=1
    )[0]
    with pytest.raises(ValidationError):
        services.shortlist_decide(actor=admin_user, item=item, award="medal")
    services.shortlist_decide(actor=admin_user, item=item, award="certificate")
    client = client_for(admin_user)
    shortlist = client.get(reverse("awards:shortlist", args=[finished_run.pk])).content.decode()
    assert '<option value="certificate" selected>工人先锋号</option>' in shortlist
    af.published(finished_run)
    response = client.get(reverse("awards:certificate", args=[item.pk]))
    reader = PdfReader(BytesIO(b"".join(response.streaming_content)))
    certificate = "".join(page.extract_text() for page in reader.pages)
    assert "工人先锋号" in certificate and "五一劳动奖状" not in certificate


def test_a_blank_award_name_is_refused(year, admin_user):
    with pytest.raises(ValidationError):
        services.evaluation_settings_save(
            actor=admin_user, year=year, data={"award_names": {"unit": " "}}
        )
    assert not YearAward.objects.exists()


# --- per-unit limits -------------------------------------------------------------------------


def test_unit_award_limit_set_and_removed(year, unit_a, admin_user, office_user):
    limit = services.unit_award_limit_set(actor=admin_user, year=year, unit=unit_a, max_awards=1)
    assert (limit.year, limit.unit, limit.max_awards) == (year, unit_a, 1)
    services.unit_award_limit_set(actor=admin_user, year=year, unit=unit_a, max_awards=3)
    assert UnitAwardLimit.objects.get().max_awards == 3
    with pytest.raises(PermissionDenied):
        services.unit_award_limit_set(actor=office_user, year=year, unit=unit_a, max_awards=0)
    services.unit_award_limit_set(actor=admin_user, year=year, unit=unit_a, max_awards=None)
    assert not UnitAwardLimit.objects.exists()


def test_evaluation_page_saves_every_rule(client_for, admin_user, unit_a, year):
    client = client_for(admin_user)
    url = reverse("awards:settings_save") + "?year=2019"
    response = client.post(
        url,
        _form(
            late_report_factor="0.3",
            min_service_years="3",
            weight_quota="0.4",
            rule_1="income",
            rule_2="",
            rule_3="",
            rule_4="",
            award_unit="先进单位",
            max_awards_per_unit="2",
        ),
    )
    assert response.status_code == 302
    settings = EvaluationSettings.objects.get(year=year)
    assert (
        settings.late_report_factor,
        settings.min_service_years,
        settings.weight_quota,
        settings.tie_break,
        settings.max_awards_per_unit,
    ) == (Decimal("0.30"), 3, Decimal("0.40"), ["income"], 2)
    assert selectors.year_awards(year)["unit"].name == "先进单位"
    client.post(
        reverse("awards:award_limit_set") + "?year=2019", {"unit": unit_a.pk, "max_awards": "1"}
    )
    page = client.get(reverse("awards:evaluation") + "?year=2019").content.decode()
    assert 'name="late_report_factor" value="0.30"' in page
    assert 'value="先进单位"' in page
    assert f'<td>{unit_a.name}</td><td class="text-end">1</td>' in page


def test_evaluation_page_refuses_a_factor_above_one(client_for, admin_user, year):
    client = client_for(admin_user)
    response = client.post(
        reverse("awards:settings_save") + "?year=2019", _form(late_report_factor="1.5"), follow=True
    )
    assert "确保该值小于或等于1" in response.content.decode()
    assert not EvaluationSettings.objects.exists()


# --- a closed year ---------------------------------------------------------------------------


def test_closed_years_rules_are_read_only(client_for, admin_user, office_user, unit_a, year):
    _settings(year, min_service_years=3, late_report_factor=Decimal("0.25"))
    seal(year)
    for call, kwargs in (
        (services.evaluation_settings_save, {"year": year, "data": {"min_service_years": 4}}),
        (services.unit_award_limit_set, {"year": year, "unit": unit_a, "max_awards": 1}),
    ):
        with pytest.raises(ValidationError) as info:
            call(actor=admin_user, **kwargs)
        assert info.value.messages == [SEALED]
    client = client_for(admin_user)
    page = client.get(reverse("awards:evaluation") + "?year=2019").content.decode()
    assert "该竞赛年度已结束并封存，评选规则只读。" in page
    assert 'name="late_report_factor"' not in page
    assert "满3年" in page and "0.25" in page
    response = client.post(reverse("awards:settings_save") + "?year=2019", _form(), follow=True)
    assert SEALED in response.content.decode()
    assert EvaluationSettings.objects.get(year=year).min_service_years == 3
    response = client.post(
        reverse("awards:award_limit_set") + "?year=2019",
        {"unit": unit_a.pk, "max_awards": "1"},
        follow=True,
    )
    assert SEALED in response.content.decode()
    assert not UnitAwardLimit.objects.exists()
    # The office reads the rules too, without forms.
    office_page = client_for(office_user).get(reverse("awards:evaluation") + "?year=2019")
    assert "满3年" in office_page.content.decode()


# --- opening a year --------------------------------------------------------------------------


def test_year_open_copies_every_evaluation_rule(admin_user, unit_a, year):
    _settings(
        year,
        min_service_years=3,
        late_report_factor=Decimal("0.25"),
        weight_entries=Decimal("0.5"),
        tie_break=["income", "submitted"],
        max_awards_per_unit=2,
    )
    services.evaluation_settings_save(
        actor=admin_user, year=year, data={"award_names": {"individual": "劳动模范"}}
    )
    services.unit_award_limit_set(actor=admin_user, year=year, unit=unit_a, max_awards=1)
    preview = services.year_open_preview(source=year, number=2020)
    assert preview["settings"].min_service_years == 3
    assert preview["tie_break"] == ["比经济收入", "提交时间早"]
    assert [a.name for a in preview["awards"]] == [
        "淮北市五一劳动奖状",
        "劳动模范",
        "淮北市五一劳动奖状",
    ]

    y2020 = services.year_open(actor=admin_user, source=year, number=2020)
    copied = EvaluationSettings.objects.get(year=y2020)
    assert (
        copied.min_service_years,
        copied.late_report_factor,
        copied.weight_entries,
        copied.tie_break,
        copied.max_awards_per_unit,
    ) == (3, Decimal("0.25"), Decimal("0.5"), ["income", "submitted"], 2)
    assert {c: a.name for c, a in selectors.year_awards(y2020).items()} == {
        "collective": "淮北市五一劳动奖状",
        "individual": "劳动模范",
        "unit": "淮北市五一劳动奖状",
    }
    assert UnitAwardLimit.objects.get(year=y2020).max_awards == 1
    # Rows of 2020's own: changing them leaves 2019 as it was.
    services.evaluation_settings_save(
        actor=admin_user,
        year=y2020,
        data={"min_service_years": 4, "award_names": {"individual": "五一劳动奖章"}},
    )
    assert EvaluationSettings.objects.get(year=year).min_service_years == 3
    assert selectors.year_awards(year)["individual"].name == "劳动模范"


def test_year_open_page_lists_the_evaluation_rules(client_for, admin_user, year):
    _settings(year, min_service_years=3, late_report_factor=Decimal("0.25"))
    page = client_for(admin_user).get(
        reverse("awards:year_open"), {"source": year.pk, "year": 2020}
    )
    text = page.content.decode()
    assert "满3年" in text and "0.25" in text and "淮北市五一劳动奖章" in text
