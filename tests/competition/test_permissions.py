import pytest
from django.contrib.auth.models import AnonymousUser

from competition import permissions, selectors
from tests.factories import UserFactory

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
    from tests.factories import user_with_role

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
