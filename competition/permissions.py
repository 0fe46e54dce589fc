"""The one place that answers "may this user do this (to this object)".

Rules are django-rules predicates registered under dotted names; views call `may`/`require`,
templates `{% may "name" obj as ok %}` (common/templatetags/portal.py). Other apps register
their own rules in their `permissions.py`, built from the predicates here.

Roles: 单位填报员 (unit staff: their own unit only), 竞赛办公室 (office reviewers: every unit,
never scoring their own), 管理员 (admins: everything office does not, such as exports and
configuration). A Django superuser without a membership counts as admin.
"""

import rules
from django.core.exceptions import PermissionDenied

from .enums import Role


def membership_of(user):
    """The user's Membership, or None (anonymous, or no role assigned yet)."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.membership
    except user._meta.model.membership.RelatedObjectDoesNotExist:
        return None


def role_of(user) -> str | None:
    membership = membership_of(user)
    if membership is not None:
        return membership.role
    if user is not None and user.is_authenticated and user.is_superuser:
        return Role.ADMIN
    return None


def unit_id_of(user) -> int | None:
    membership = membership_of(user)
    return membership.unit_id if membership else None


def _unit_id(obj) -> int | None:
    """The unit an object belongs to: a Unit itself, or anything with `unit_id`."""
    if obj is None:
        return None
    from .models import Unit

    if isinstance(obj, Unit):
        return obj.pk
    return getattr(obj, "unit_id", None)


@rules.predicate
def is_unit_staff(user):
    return role_of(user) == Role.UNIT_STAFF


@rules.predicate
def is_office(user):
    return role_of(user) == Role.OFFICE


@rules.predicate
def is_admin(user):
    return role_of(user) == Role.ADMIN


@rules.predicate
def is_office_or_admin(user):
    return role_of(user) in (Role.OFFICE, Role.ADMIN)


@rules.predicate
def is_own_unit(user, obj):
    """The object belongs to the user's own unit (whatever the user's role)."""
    unit_id = unit_id_of(user)
    return unit_id is not None and unit_id == _unit_id(obj)


is_staff_of_unit = is_unit_staff & is_own_unit

rules.add_rule("competition.view_dashboard", rules.is_authenticated)
rules.add_rule("competition.view_unit", is_office_or_admin | is_staff_of_unit)
rules.add_rule("competition.view_all_units", is_office_or_admin)
rules.add_rule("competition.edit_unit_data", is_staff_of_unit | is_admin)
rules.add_rule("competition.review", is_office_or_admin)
rules.add_rule("competition.manage", is_admin)
rules.add_rule("competition.export_shortlist", is_admin)


def may(user, action: str, obj=None) -> bool:
    return rules.test_rule(action, user, obj)


def require(user, action: str, obj=None) -> None:
    """Raise PermissionDenied (403) unless allowed. Scope first, so foreign objects are 404."""
    if not may(user, action, obj):
        raise PermissionDenied
