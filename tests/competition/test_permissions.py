import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from awards import services as awards_services
from awards.models import DisciplinaryFinding, UnitApplication
from competition import permissions, selectors
from competition import services as competition_services
from competition.models import NineProject, SpotCheck
from reports import services as report_services
from reports.enums import ReportStatus
from reports.models import ShowcaseItem
from tests.awards import factories as af
from tests.competition import factories as scoring
from tests.factories import UserFactory, user_with_role
from tests.reports import factories as rf

pytestmark = pytest.mark.django_db

RULES = [
    "competition.view_unit",
    "competition.edit_unit_data",
    "competition.view_all_units",
    "competition.review",
    "competition.manage",
    "competition.export_shortlist",
]


@pytest.fixture
def users(staff_a, staff_b, office_user, admin_user):
    return {
        "anonymous": AnonymousUser(),
        "no_role": UserFactory(username="norole"),
        "staff_a": staff_a,
        "staff_b": staff_b,
        "office": office_user,
        "admin": admin_user,
    }


# Expected answers on unit A's objects, per rule, for each user.
EXPECTED = {
    "competition.view_unit": {"staff_a": True, "staff_b": False, "office": True, "admin": True},
    "competition.edit_unit_data": {
        "staff_a": True,
        "staff_b": False,
        "office": False,
        "admin": True,
    },
    "competition.view_all_units": {
        "staff_a": False,
        "staff_b": False,
        "office": True,
        "admin": True,
    },
    "competition.review": {"staff_a": False, "staff_b": False, "office": True, "admin": True},
    "competition.manage": {"staff_a": False, "staff_b": False, "office": False, "admin": True},
    "competition.export_shortlist": {
        "staff_a": False,
        "staff_b": False,
        "office": False,
        "admin": True,
    },
}


@pytest.mark.parametrize("rule", RULES)
def test_rule_matrix_on_unit_a(rule, users, unit_a):
    for name, user in users.items():
        expected = EXPECTED[rule].get(name, False)
        assert permissions.may(user, rule, unit_a) is expected, (rule, name)


def test_staff_rule_applies_to_objects_with_unit_id(users, unit_a, unit_b):
    class Thing:
        unit_id = unit_a.pk

    assert permissions.may(users["staff_a"], "competition.edit_unit_data", Thing())
    assert not permissions.may(users["staff_b"], "competition.edit_unit_data", Thing())


def test_office_member_of_a_unit_is_still_office(unit_a):
    reviewer = user_with_role("office", unit=unit_a, username="reviewer_from_a")
    assert permissions.role_of(reviewer) == "office"
    assert permissions.is_own_unit(reviewer, unit_a)
    assert not permissions.may(reviewer, "competition.edit_unit_data", unit_a)


def test_superuser_without_membership_is_admin():
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert permissions.role_of(root) == "admin"


def test_units_for_user_scopes(users, unit_a, unit_b):
    assert list(selectors.units_for_user(users["staff_a"])) == [unit_a]
    assert set(selectors.units_for_user(users["office"])) == {unit_a, unit_b}
    assert set(selectors.units_for_user(users["admin"])) == {unit_a, unit_b}
    assert list(selectors.units_for_user(users["no_role"])) == []
    assert list(selectors.units_for_user(users["anonymous"])) == []


# --- the conflict rule: no office action on a unit the actor has a conflict with -------------


@pytest.fixture
def conflicted(unit_a):
    """Office reviewers with a conflict with unit A: its member, and one who declared it."""
    own = user_with_role("office", unit=unit_a, username="office_of_a")
    declared = user_with_role("office", username="office_declared")
    competition_services.conflict_declare(actor=declared, unit=unit_a, reason="亲属任职")
    return {"own_unit": own, "declared": declared}


def _office_objects(unit_a, staff_a, office_user, year):
    """Each office action on unit A's records, with the object its rule is asked about."""

    def report(number, status):
        return rf.make_report(
            unit_a, rf.period(year, number), status=status, actor=staff_a, reviewer=office_user
        )

    entry = scoring.entry(unit_a, year)
    nomination = af.nomination(unit_a, year, entry=entry)
    return {
        "reports.review_report": report(1, ReportStatus.SUBMITTED),
        "reports.manage_showcase": report(2, ReportStatus.ACCEPTED),
        "awards.override_eligibility": nomination,
        "awards.record_finding": nomination,
        "awards.withdraw_finding": nomination,
        "awards.review_application": UnitApplication.objects.create(
            year=year, unit=unit_a, statement="-", evidence="-", submitted_at=timezone.now()
        ),
        "competition.score_entry": entry,
        "competition.view_sheets": entry,
        "competition.record_spot_check": unit_a,
    }


@pytest.mark.parametrize("conflict", ["own_unit", "declared"])
def test_office_actions_refused_on_a_conflicted_unit(
    conflict, conflicted, unit_a, unit_b, staff_a, office_user, year
):
    objects = _office_objects(unit_a, staff_a, office_user, year)
    reviewer = conflicted[conflict]
    allowed = {rule: permissions.may(office_user, rule, obj) for rule, obj in objects.items()}
    assert all(allowed.values()), allowed  # without a conflict, the office may
    refused = {rule: permissions.may(reviewer, rule, obj) for rule, obj in objects.items()}
    assert refused == dict.fromkeys(objects, False)
    # Another unit's records stay open to the same reviewer.
    assert permissions.may(reviewer, "competition.record_spot_check", unit_b)


@pytest.mark.parametrize("conflict", ["own_unit", "declared"])
def test_office_services_refuse_a_conflicted_unit(
    conflict, conflicted, unit_a, staff_a, office_user, year
):
    objects = _office_objects(unit_a, staff_a, office_user, year)
    reviewer = conflicted[conflict]
    submitted = objects["reports.review_report"]
    accepted = objects["reports.manage_showcase"]
    nomination = objects["awards.override_eligibility"]
    project = NineProject.objects.get(year=year, number=1)
    finding = DisciplinaryFinding.objects.create(
        nomination=nomination, found_on=datetime.date(2020, 2, 1), description="-", evidence="-"
    )
    calls = {
        "accept": lambda: report_services.report_accept(actor=reviewer, report=submitted),
        "return": lambda: report_services.report_return(
            actor=reviewer, report=submitted, comment="补充"
        ),
        "showcase": lambda: report_services.showcase_mark(
            actor=reviewer, report=accepted, title="好做法", project=project
        ),
        "unshowcase": lambda: report_services.showcase_unmark(actor=reviewer, report=accepted),
        "override": lambda: awards_services.nomination_override(
            actor=reviewer, nomination=nomination, override=True, reason="特批"
        ),
        "record finding": lambda: awards_services.finding_record(
            actor=reviewer,
            nomination=nomination,
            found_on=datetime.date(2020, 3, 1),
            description="情况",
            evidence="文号",
        ),
        "withdraw finding": lambda: awards_services.finding_withdraw(
            actor=reviewer, finding=finding, nomination=nomination, reason="录入有误"
        ),
    }
    allowed = []
    for name, call in calls.items():
        try:
            call()
        except PermissionDenied:
            continue
        allowed.append(name)
    assert allowed == []
    with pytest.raises(ValidationError) as exc:
        competition_services.spot_check_record(
            actor=reviewer,
            year=year,
            unit=unit_a,
            date=datetime.date(2019, 6, 1),
            inspectors="宫蕾",
            findings="台账齐全",
            rating="good",
        )
    assert exc.value.message_dict["unit"] == [
        "您与该单位存在利益冲突（本单位或已申报回避），不能记录对它的抽查。"
    ]
    submitted.refresh_from_db()
    nomination.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED
    assert not nomination.override
    assert list(DisciplinaryFinding.objects.values_list("pk", "withdrawn_at")) == [
        (finding.pk, None)
    ]
    assert not ShowcaseItem.objects.exists()
    assert not SpotCheck.objects.exists()
