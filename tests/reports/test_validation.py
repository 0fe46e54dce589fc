"""Data-quality flags on quarterly reports: refusal, warning with explanation, previous period,
peers, stored flags equal to recomputation, the queue's filter."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from competition.models import NineProject
from reports import services, validation
from reports.enums import ReportStatus
from reports.models import Report
from tests import factories
from tests.reports import factories as rf


def _submit(unit, period, actor, **figures):
    report = services.report_create(actor=actor, unit=unit, period=period)
    data = {**rf.COMPLETE, **figures}
    project = NineProject.objects.get(year=period.year_id, number=1)
    return services.report_save(
        actor=actor, report=report, data=data, projects=[project], submit=True,
        at=rf.on_time(period),
    )  # fmt: skip


def _staff(unit, n):
    return factories.user_with_role("unit_staff", unit=unit, username=f"s{n}_{unit.pk}")


@pytest.fixture
def county_units(db):
    return [factories.UnitFactory(name=f"县区{n}", kind_code="county") for n in range(6)]


def test_people_fewer_than_households_is_refused_and_not_saved(year, draft_a, staff_a):
    with pytest.raises(ValidationError) as exc:
        services.report_save(
            actor=staff_a,
            report=draft_a,
            data={"households_helped": 999_999, "people_helped": 1},
        )
    assert "people_helped" in exc.value.error_dict
    draft_a.refresh_from_db()
    assert (draft_a.households_helped, draft_a.people_helped) == (0, 0)


def test_a_warning_needs_an_explanation_to_submit(year, unit_a, staff_a, period_1):
    report = services.report_create(actor=staff_a, unit=unit_a, period=period_1)
    project = NineProject.objects.get(year=year, number=1)
    data = {**rf.COMPLETE, "households_helped": 6000, "people_helped": 18000}
    data["funds_invested"] = 6_000_000
    with pytest.raises(ValidationError) as exc:
        services.report_save(
            actor=staff_a, report=report, data=data, projects=[project], submit=True
        )
    assert exc.value.error_dict["quality_explanation"][0].code == services.EXPLANATION_REQUIRED
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    data["quality_explanation"] = "本季度开展全县集中帮扶行动。"
    services.report_save(actor=staff_a, report=report, data=data, projects=[project], submit=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.has_flags
    assert [f["field"] for f in report.quality_flags] == ["households_helped"]


def test_a_draft_with_a_warning_saves_and_keeps_its_flag(draft_a, staff_a):
    services.report_save(
        actor=staff_a, report=draft_a, data={"households_helped": 6000, "people_helped": 6000}
    )
    draft_a.refresh_from_db()
    assert draft_a.has_flags and draft_a.quality_flags[0]["kind"] == "bound"


def test_jump_against_the_units_previous_report(year, unit_a, staff_a):
    _submit(unit_a, rf.period(year, 1), staff_a, households_helped=20, people_helped=50)
    second = _submit(
        unit_a, rf.period(year, 2), staff_a, households_helped=100, people_helped=250,
        quality_explanation="新增结对村。",
    )  # fmt: skip
    kinds = {(f["kind"], f["field"]) for f in second.quality_flags}
    assert ("jump", "households_helped") in kinds


def test_outlier_against_the_same_kind_of_units(year, county_units):
    period = rf.period(year, 1)
    for n, unit in enumerate(county_units[:5]):
        _submit(unit, period, _staff(unit, n), households_helped=20 + n, people_helped=60)
    odd = _submit(
        county_units[5], period, _staff(county_units[5], 5),
        households_helped=400, people_helped=900, quality_explanation="含整村搬迁。",
    )  # fmt: skip
    assert ("outlier", "households_helped") in {(f["kind"], f["field"]) for f in odd.quality_flags}
    # A system union's report is no peer of the county federations'.
    system = factories.UnitFactory(name="市教育工会", kind_code="system")
    other = _submit(system, period, _staff(system, 9), households_helped=400, people_helped=900)
    assert not [f for f in other.quality_flags if f["kind"] == "outlier"]


def test_stored_flags_equal_recomputation_from_scratch(year, county_units, office_user):
    """Flags depend on other reports (peers, the previous period): after saves, submissions,
    returns and corrections in any order, every stored flag list is what `compute` gives."""
    p1, p2 = rf.period(year, 1), rf.period(year, 2)
    for n, unit in enumerate(county_units):
        staff = _staff(unit, n)
        households = 300 if n == 0 else 20 + n
        _submit(unit, p1, staff, households_helped=households, people_helped=900,
                quality_explanation="说明")  # fmt: skip
        report = services.report_create(actor=staff, unit=unit, period=p2)
        services.report_save(
            actor=staff,
            report=report,
            data={"households_helped": 10 * (n + 1), "people_helped": 99},
        )
    first = Report.objects.get(unit=county_units[0], period=p1)
    services.report_return(actor=office_user, report=first, comment="请核实户数")
    services.report_save(
        actor=_staff(county_units[0], 0),
        report=first,
        data={"households_helped": 22, "people_helped": 60},
        submit=True,
    )
    stored = {r.pk: r.quality_flags for r in Report.objects.all()}
    recomputed = {
        r.pk: validation.compute(r) for r in Report.objects.select_related("period__year", "unit")
    }
    assert stored == recomputed
    assert any(stored.values())
    assert all(r.has_flags == bool(r.quality_flags) for r in Report.objects.all())


def test_changing_a_rule_recomputes_the_years_flags(
    year, draft_a, staff_a, django_capture_on_commit_callbacks
):
    from competition import services as competition_services

    services.report_save(
        actor=staff_a,
        report=draft_a,
        data={"households_helped": 600, "people_helped": 600, "funds_invested": 600_000},
    )
    draft_a.refresh_from_db()
    assert not draft_a.has_flags
    rule = year.quality_rules.get(kind="bound", field="households_helped")
    admin = factories.user_with_role("admin")
    with django_capture_on_commit_callbacks(execute=True):
        competition_services.quality_rule_save(actor=admin, year=year, rule=rule, high=500)
    draft_a.refresh_from_db()
    assert draft_a.has_flags and draft_a.quality_flags[0]["high"] == "500"


def _queue(client, **params):
    return client.get(reverse("reports:review_queue"), params)


def test_queue_filter_flagged_shows_only_flagged_reports_with_explanation(
    client, office_user, year, county_units
):
    period = rf.period(year, 1)
    _submit(county_units[0], period, _staff(county_units[0], 0),
            households_helped=6000, people_helped=9000, quality_explanation="集中帮扶行动")  # fmt: skip
    _submit(county_units[1], period, _staff(county_units[1], 1))
    client.force_login(office_user)
    response = _queue(client, status="submitted", flagged="1")
    rows = list(response.context["page"])
    assert [row["unit__name"] for row in rows] == [county_units[0].name]
    assert "集中帮扶行动" in response.content.decode()
    assert "高于本年度规则的上限" in response.content.decode()
    clean = list(_queue(client, status="submitted", flagged="0").context["page"])
    assert [row["unit__name"] for row in clean] == [county_units[1].name]


def test_queue_query_count_is_constant_in_the_number_of_flagged_reports(
    client, office_user, year, county_units, django_assert_max_num_queries
):
    period = rf.period(year, 1)
    client.force_login(office_user)

    def add(units):
        for unit in units:
            _submit(unit, period, _staff(unit, unit.pk), households_helped=6000,
                    people_helped=9000, quality_explanation="说明")  # fmt: skip

    add(county_units[:2])
    with django_assert_max_num_queries(12) as few:
        _queue(client, flagged="1")
    add(county_units[2:])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = _queue(client, flagged="1")
    assert len(response.context["page"]) == 6


def test_edit_page_warns_beside_the_field_and_submits_with_an_explanation(
    client, staff_a, draft_a, year
):
    client.force_login(staff_a)
    url = reverse("reports:report_edit", args=[draft_a.pk])
    project = NineProject.objects.get(year=year, number=1)
    data = {**rf.COMPLETE, "projects": [project.pk], "households_helped": 6000,
            "people_helped": 9000, "funds_invested": 6_000_000, "submit": "1"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["quality_explanation"] == [
        "数据有异常提示，提交前请在“异常说明”中说明原因。"
    ]
    assert "高于本年度规则的上限 5000" in str(form["households_helped"].help_text)
    data["quality_explanation"] = "本季度开展全县集中帮扶行动。"
    response = client.post(url, data)
    assert response.status_code == 302
    draft_a.refresh_from_db()
    assert draft_a.status == ReportStatus.SUBMITTED
    detail = client.get(reverse("reports:report_detail", args=[draft_a.pk])).content.decode()
    assert "本季度开展全县集中帮扶行动。" in detail and "数据异常提示" in detail


def _refresh_queries(report, **kwargs) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report = Report.objects.select_related("period__year", "unit").get(pk=report.pk)
    with CaptureQueriesContext(connection) as queries:
        validation.flags_refresh(report, **kwargs)
    return len(queries)


def test_refreshing_the_peers_costs_the_same_queries_for_2_and_5_peers(year, county_units):
    """A submission recomputes the period's reports of its kind from two reads, not two
    queries per peer (the deadline rush: a city's 140 peers made each save take a second)."""
    period = rf.period(year, 1)
    reports = [
        _submit(unit, period, _staff(unit, n), households_helped=20 + n, people_helped=60)
        for n, unit in enumerate(county_units[:3])
    ]
    with_two = _refresh_queries(reports[0])
    for n, unit in enumerate(county_units[3:]):
        _submit(unit, period, _staff(unit, n + 3), households_helped=21 + n, people_helped=60)
    with_five = _refresh_queries(reports[0])
    assert with_two == with_five
    # A draft counts for no one: its save reads and stores its own flags only.
    assert _refresh_queries(reports[0], dependents=False) < with_two
