"""The unit hierarchy: a parent unit's staff read their subtree (never change it), and its
figures roll up to the parent."""

import datetime

import pytest
from django.urls import reverse

from competition import permissions, selectors
from competition.models import subtree_ids
from reports import selectors as report_selectors
from reports.enums import ReportStatus
from tests import factories
from tests.reports import factories as rf
from tests.volunteers.factories import ActivityFactory
from volunteers import selectors as volunteer_selectors


@pytest.fixture
def tree(db, year):
    parent = factories.UnitFactory(name="濉溪县总工会", kind_code="county")
    towns = [
        factories.UnitFactory(name=name, kind_code="county", parent=parent)
        for name in ("百善镇工会", "临涣镇工会")
    ]
    village = factories.UnitFactory(name="道东村工会", kind_code="county", parent=towns[0])
    other = factories.UnitFactory(name="相山区总工会", kind_code="county")
    staff = factories.user_with_role("unit_staff", unit=parent, username="suixi")
    return {"parent": parent, "towns": towns, "village": village, "other": other, "staff": staff}


def test_subtree_is_the_unit_and_its_sub_units_at_any_depth(tree):
    ids = subtree_ids(tree["parent"].pk)
    assert ids[0] == tree["parent"].pk
    assert set(ids) == {tree["parent"].pk, *(t.pk for t in tree["towns"]), tree["village"].pk}
    visible = set(selectors.units_for_user(tree["staff"]).values_list("pk", flat=True))
    assert visible == set(ids) and tree["other"].pk not in visible


def test_parent_staff_read_sub_units_reports_and_activities_but_change_none(tree, year):
    town = tree["towns"][0]
    report = rf.make_report(town, rf.period(year, 1), status=ReportStatus.SUBMITTED)
    foreign = rf.make_report(tree["other"], rf.period(year, 1), status=ReportStatus.SUBMITTED)
    activity = ActivityFactory(unit=town)
    staff = tree["staff"]
    assert set(report_selectors.reports_for_user(staff)) == {report}
    assert foreign not in report_selectors.reports_for_user(staff)
    assert list(volunteer_selectors.activities_for_user(staff)) == [activity]
    assert permissions.may(staff, "reports.view_report", report)
    assert not permissions.may(staff, "reports.edit_report", report)
    assert not permissions.may(staff, "volunteers.edit_activity", activity)
    assert not permissions.may(staff, "reports.view_report", foreign)


def test_rolled_up_totals_equal_the_sum_of_the_sub_units_figures(tree, year, client_for):
    units = [tree["parent"], *tree["towns"], tree["village"]]
    for n, unit in enumerate(units):
        for number in (1, 2):
            report = rf.make_report(unit, rf.period(year, number), status=ReportStatus.SUBMITTED)
            report.households_helped, report.people_helped = 10 + n, 30 + n
            report.save()
        ActivityFactory(unit=unit, date=datetime.date(2019, 5, 1 + n), households=n, people=n + 2)
    rf.make_report(tree["other"], rf.period(year, 1), status=ReportStatus.SUBMITTED)
    ids = subtree_ids(tree["parent"].pk)
    by_unit = report_selectors.figures_by_unit(ids, year)
    total = report_selectors.figures_rolled_up(ids, year)
    assert total["households_helped"] == sum(row["households_helped"] for row in by_unit.values())
    assert total["households_helped"] == sum(2 * (10 + n) for n in range(len(units)))
    assert total["reports"] == 2 * len(units)
    activities = volunteer_selectors.activities_rolled_up(ids, year)
    assert (activities["activities"], activities["households"]) == (4, 0 + 1 + 2 + 3)
    page = client_for(tree["staff"]).get(
        reverse("competition:unit_detail", args=[tree["parent"].pk])
    )
    body = page.content.decode()
    assert 'id="rollup-reports"' in body and 'id="rollup-activities"' in body
    assert "百善镇工会" in body and "相山区总工会" not in body.split('id="rollup-reports"')[1]
    assert 'id="children"' in body


def test_a_sub_units_staff_do_not_see_their_parent(tree, year):
    town = tree["towns"][0]
    staff = factories.user_with_role("unit_staff", unit=town, username="baishan")
    visible = set(selectors.units_for_user(staff).values_list("pk", flat=True))
    assert visible == {town.pk, tree["village"].pk}


def test_office_dashboard_groups_units_by_parent(tree, year, client_for, office_user):
    page = client_for(office_user).get(
        reverse("reports:dashboard"), {"period": rf.period(year, 1).pk, "group": "parent"}
    )
    names = [row["name"] for row in page.context["page"]]
    parent = names.index("濉溪县总工会")
    assert set(names[parent : parent + 3]) == {"濉溪县总工会", "百善镇工会", "临涣镇工会"}
    assert names.index("道东村工会") > parent  # a grandchild groups under its own parent
    assert [row["parent__name"] for row in page.context["page"] if row["name"] == "百善镇工会"] == [
        "濉溪县总工会"
    ]


def test_a_parents_home_page_is_about_its_own_unit_not_a_sub_unit(tree, client_for):
    """The home panels of a parent's staff name their own unit, whichever unit sorts first."""
    response = client_for(tree["staff"]).get(reverse("home"))
    panels = {panel.template: panel.context for panel in response.context["panels"]}
    assert panels["competition/_panel_my_unit.html"]["unit"] == tree["parent"]
    assert panels["reports/_panel_staff.html"]["unit"] == tree["parent"]


def test_parent_staff_read_sub_units_entries_spot_checks_and_self_assessments(
    tree, year, client_for
):
    from competition.models import SelfAssessment
    from tests.competition import factories as scoring

    town, staff = tree["towns"][0], tree["staff"]
    entry = scoring.entry(town, year)
    foreign = scoring.entry(tree["other"], year)
    assert set(selectors.entries_for_user(staff)) == {entry}
    assert permissions.may(staff, "competition.view_entry", entry)
    assert not permissions.may(staff, "competition.edit_entry", entry)
    assert not permissions.may(staff, "competition.view_entry", foreign)
    assessment = SelfAssessment.objects.create(unit=town, year=year)
    assert permissions.may(staff, "competition.view_self_assessment", town)
    assert not permissions.may(staff, "competition.edit_self_assessment", town)
    assert not permissions.may(staff, "competition.view_self_assessment", tree["other"])
    page = client_for(staff).get(
        reverse("competition:self_assessment", args=[town.pk]), {"year": year.year}
    )
    assert page.status_code == 200 and page.context["form"] is None
    assert page.context["assessment"] == assessment


def test_the_quota_page_groups_by_parent_and_keeps_each_units_own_count(
    tree, year, client_for, office_user
):
    town = tree["towns"][0]
    for day in (1, 2):
        ActivityFactory(unit=town, date=datetime.date(2019, 3, day))
    url = reverse("volunteers:quota")
    grouped = client_for(office_user).get(url, {"year": 2019, "group": "parent"})
    names = [row["name"] for row in grouped.context["rows"]]
    parent, towns = tree["parent"].name, [t.name for t in tree["towns"]]
    assert names.index(parent) + 1 == names.index(min(towns))  # the parent, then its towns
    assert names.index(max(towns)) == names.index(parent) + 2
    counts = {row["name"]: row["activity_count"] for row in grouped.context["rows"]}
    # Sub-units' activities are their own: the parent's quota counts only the parent's.
    assert (counts[town.name], counts[parent]) == (2, 0)
    assert "按类别排列" in grouped.content.decode()
