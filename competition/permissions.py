"""The one place that answers "may this user do this (to this object)".

Rules are django-rules predicates registered under dotted names; views call `may`/`require`
(defined in `common.permissions`, re-exported here), templates `{% may "name" obj as ok %}`
(common/templatetags/portal.py). Other apps register
their own rules in their `permissions.py`, built from the predicates here.

Roles: 单位填报员 (unit staff: their own unit only), 竞赛办公室 (office reviewers: every unit,
never acting on one they have a conflict with, `office_acts`), 管理员 (admins: everything office
does not, such as exports and configuration). A Django superuser without a membership counts
as admin.
"""

import rules

from common.permissions import may, require

from .enums import Role, YearStatus

__all__ = ["may", "require"]  # the entry points, for the apps that import them from here


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


# --- the unit hierarchy (上级单位 / 下级单位) ----------------------------------------------------
# A unit's staff read (never change) the records of its sub-units, at any depth: the subtree
# of their unit. `scope_unit_ids` is the one answer, kept on the user object for the request.


def scope_unit_ids(user) -> list[int]:
    """The user's unit and its sub-units at any depth (for unit staff; [] for others)."""
    unit_id = unit_id_of(user)
    if unit_id is None:
        return []
    cached = getattr(user, "_unit_scope", None)
    if cached is not None and cached[0] == unit_id:
        return cached[1]
    from .models import subtree_ids

    ids = subtree_ids(unit_id)
    user._unit_scope = (unit_id, ids)
    return ids


@rules.predicate
def in_own_subtree(user, obj):
    """The object belongs to the user's unit or one of its sub-units."""
    unit_id = _unit_id(obj)
    return unit_id is not None and unit_id in scope_unit_ids(user)


# Read-only rules of unit staff take the subtree; rules that change records keep the own unit.
is_staff_of_subtree = is_unit_staff & in_own_subtree

rules.add_rule("competition.view_dashboard", rules.is_authenticated)
rules.add_rule("competition.view_unit", is_office_or_admin | is_staff_of_subtree)
rules.add_rule("competition.view_all_units", is_office_or_admin)
rules.add_rule("competition.edit_unit_data", is_staff_of_unit | is_admin)
rules.add_rule("competition.review", is_office_or_admin)
rules.add_rule("competition.manage", is_admin)
# A year's rules (quotas) and the units' participation dates: configuration, admins only.
rules.add_rule("competition.manage_years", is_admin)
# Years and their reporting periods are configuration: admins only.
rules.add_rule("competition.manage_periods", is_admin)
rules.add_rule("competition.export_shortlist", is_admin)
# Who changed what (common.history): a unit's records to its staff, office and admins;
# records of no unit (a year's rules, notices) to office and admins.
rules.add_rule("competition.view_history", is_office_or_admin | is_staff_of_subtree)
rules.add_rule("competition.view_office_history", is_office_or_admin)


# --- 四比双争 scoring -------------------------------------------------------------------------


def _year_of(obj):
    """The CompetitionYear of an entry (or the year itself)."""
    from .models import CompetitionYear

    if isinstance(obj, CompetitionYear):
        return obj
    return getattr(obj, "year", None)


@rules.predicate
def year_is_open(user, obj):
    year = _year_of(obj)
    return year is not None and year.is_open


@rules.predicate
def year_is_closed(user, obj):
    """The year (of the object) is closed, so sealed: its records and rules are read-only."""
    year = _year_of(obj)
    return year is not None and year.status == YearStatus.CLOSED


# A year's rules (quotas, periods, the units taking part, evaluation rules): the admin edits
# them until the year is closed; a closed year's rule pages are read-only. obj: the year.
rules.add_rule("competition.edit_year_rules", is_admin & ~year_is_closed)
# Its criteria only while it is open: the standings follow a change at once.
rules.add_rule("competition.edit_criteria", is_admin & year_is_open)


@rules.predicate
def results_published(user, obj):
    year = _year_of(obj)
    return year is not None and year.results_published


@rules.predicate
def declared_conflict(user, obj):
    """The user declared a conflict of interest with the object's unit."""
    unit_id = _unit_id(obj)
    if unit_id is None or not user.is_authenticated:
        return False
    return unit_id in declared_conflict_unit_ids(user)


def declared_conflict_unit_ids(user) -> frozenset[int]:
    """The units the user declared a conflict with (one query), kept on the user object for
    the request: a page asks for several of a unit's records. `conflict_declare` forgets it."""
    cached = getattr(user, "_declared_conflicts", None)
    if cached is None:
        from .models import ConflictDeclaration

        declared = ConflictDeclaration.objects.filter(reviewer=user).values_list(
            "unit_id", flat=True
        )
        cached = user._declared_conflicts = frozenset(declared)
    return cached


def forget_declared_conflicts(user) -> None:
    """After the user declared a conflict: `declared_conflict_unit_ids` reads them again."""
    user.__dict__.pop("_declared_conflicts", None)


# The conflict rule of every office action on a unit's records (reviewing its reports, marking
# its showcase, recording its spot checks, approving its nominations, scoring its entries and
# reading who gave what on them): the unit is the actor's own (Membership.unit) or one they
# declared a conflict with. Without an object (may the user use the tool at all) nothing
# conflicts; the object is checked when there is one.
has_conflict = is_own_unit | declared_conflict
office_acts = is_office_or_admin & ~has_conflict


@rules.predicate
def assignment_allows(user, entry):
    """Assigned to the entry, or the year lets unassigned reviewers score."""
    if entry is None:
        return False
    if entry.year.unassigned_may_score:
        return True
    return entry.assignments.filter(reviewer=user).exists()


@rules.predicate
def is_published(user, obj):
    return bool(getattr(obj, "published", False))


# An office reviewer scores while the year is open, never a unit he has a conflict with.
# Admins judge nothing unless they are also office reviewers.
may_score = is_office & year_is_open & ~has_conflict & assignment_allows
rules.add_rule("competition.score_entry", may_score)
# A parent unit's staff read its sub-units' entries, spot checks and self-assessments.
rules.add_rule("competition.view_entry", is_office_or_admin | is_staff_of_subtree)
rules.add_rule("competition.create_entry", is_staff_of_unit)
rules.add_rule("competition.edit_entry", is_staff_of_unit & year_is_open)
# Aggregated scores of an entry: unit staff see their own unit's, other units' only once the
# year's results are published. Individual sheets (who gave what) stay with the office.
rules.add_rule(
    "competition.view_scores",
    is_office_or_admin | (is_unit_staff & (is_own_unit | results_published)),
)
rules.add_rule(
    "competition.view_standings", is_office_or_admin | (is_unit_staff & results_published)
)
# Named sheets (who gave what): never on an entry of a unit the reader has a conflict with.
rules.add_rule("competition.view_sheets", office_acts)
rules.add_rule("competition.view_progress", is_office_or_admin)
rules.add_rule("competition.manage_assignments", is_admin)
rules.add_rule("competition.publish_results", is_admin)
rules.add_rule("competition.declare_conflict", is_office)
rules.add_rule("competition.view_conflicts", is_office_or_admin)
rules.add_rule("competition.view_spot_check", is_office_or_admin | is_staff_of_subtree)
# obj: the unit checked (none: may record spot checks at all).
rules.add_rule("competition.record_spot_check", office_acts)
rules.add_rule("competition.draw_spot_check", is_office_or_admin)
rules.add_rule("competition.view_notice", is_published | is_office_or_admin)
rules.add_rule("competition.publish_notice", is_office_or_admin)
# A draft only (services.notice_delete refuses a published one with a message).
rules.add_rule("competition.delete_notice", is_office_or_admin)


# --- self-assessment (自查) ------------------------------------------------------------------
# obj: the unit. Its staff fill it in (the deadline is the service's); the office and admins
# read every unit's, a parent unit's staff its sub-units'; other units' staff never see it
# (their selector finds no such unit).
rules.add_rule("competition.edit_self_assessment", is_staff_of_unit)
rules.add_rule("competition.view_self_assessment", is_office_or_admin | is_staff_of_subtree)
