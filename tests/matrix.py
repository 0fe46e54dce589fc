"""The permission matrix: every URL the project defines × every role.

Each app lists its URLs in `tests/<app>/matrix.py` as a function `cases(world) -> list[Case]`.
`tests/test_permission_matrix.py` walks the URL resolver and fails when a named URL of ours
has no case, so a new view cannot be forgotten. Anonymous users are always sent to login.

Roles in the matrix: staff_a (unit staff of unit A), staff_b (unit staff of unit B),
staff_parent (unit staff of unit A's parent unit: reads unit A's records, changes none),
office (office reviewer of no unit), admin, and two office reviewers with a conflict with
unit A (the conflict rule, `competition.permissions.office_acts`): office_own (a member of
unit A) and office_declared (declared a conflict with unit A). Objects are always unit A's.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = ("staff_a", "staff_b", "office", "admin")
# Where a case does not name them, a conflict changes nothing: they get what `office` gets.
CONFLICTED = ("office_own", "office_declared")
# The staff of unit A's parent unit (the hierarchy): they read unit A's records, never change
# them. Where a case does not name them, they get what staff_b (another unit) gets.
PARENT = ("staff_parent",)
# Unit A's records the parent's staff find (their selectors take the subtree): the pages that
# read them answer 200, those that would change them 403 (visible, not theirs to use). Every
# other page answers them what it answers another unit's staff.
PARENT_READS = {
    "competition:unit_detail",
    "competition:entry_detail",
    "competition:self_assessment",
    "competition:spot_check_detail",
    "competition:spot_check_photo",
    "competition:spot_check_photo_thumbnail",
    "reports:report_detail",
    "reports:attachment_download",
    "volunteers:model_worker_detail",
    "volunteers:activity_detail",
    "volunteers:photo_download",
    "reports:attachment_thumbnail",
    "volunteers:photo_thumbnail",
}
PARENT_REFUSED = {
    "competition:entry_edit",
    "competition:sheet_edit",
    "reports:report_edit",
    "reports:report_review",
    "reports:report_reopen",
    "reports:attachment_upload",
    "reports:attachment_delete",
    "reports:showcase_mark",
    "reports:showcase_unmark",
    "volunteers:model_worker_edit",
    "volunteers:team_join",
    "volunteers:team_leave",
    "volunteers:service_record_create",
    "volunteers:activity_edit",
    "volunteers:photo_upload",
    "volunteers:activity_delete",
    "volunteers:photo_delete",
}


@dataclass
class World:
    """Unit A and B, their staff, an office reviewer, an admin and the year 2019; the office
    reviewers with a conflict with unit A."""

    unit_a: object
    unit_b: object
    staff_a: object
    staff_b: object
    office: object
    admin: object
    year: object
    office_own: object = None
    office_declared: object = None
    staff_parent: object = None
    extra: dict = field(default_factory=dict)


@dataclass
class Case:
    """One request. `kwargs(world)` builds fresh objects of unit A and returns URL kwargs.

    `expect` maps each role to the status (or set of statuses) it must get; a POST case gives
    `data(world, kwargs)` for the form. 302 for an allowed POST means it succeeded and
    redirected; anonymous gets a redirect to the login page, unless `anonymous` names the
    status it gets instead (the JSON API, outside the portal's login: 401).
    """

    url_name: str
    expect: dict
    kwargs: Callable[[World], dict] = lambda world: {}
    method: str = "get"
    data: Callable[[World, dict], dict] | None = None
    label: str = ""
    anonymous: int | None = None

    def expected(self, role: str) -> set[int]:
        if role in CONFLICTED and role not in self.expect:
            role = "office"
        if role in PARENT and role not in self.expect:
            if self.expect["staff_b"] == 404 and self.url_name in PARENT_READS:
                return {200} if self.method == "get" else {403}
            if self.expect["staff_b"] == 404 and self.url_name in PARENT_REFUSED:
                return {403}
            role = "staff_b"
        value = self.expect[role]
        return set(value) if isinstance(value, (set, list, tuple)) else {value}


def everyone(status=200) -> dict:
    return dict.fromkeys(ROLES, status)


def own_unit_and_office(ok=200, foreign=404) -> dict:
    return {"staff_a": ok, "staff_b": foreign, "office": ok, "admin": ok}


def office_only(ok=200, staff=403) -> dict:
    return {"staff_a": staff, "staff_b": staff, "office": ok, "admin": ok}


def conflicted(expect: dict, status=403) -> dict:
    """`expect`, where the office reviewers with a conflict with unit A get `status`."""
    return {**expect, **dict.fromkeys(CONFLICTED, status)}


def admin_only(ok=200, others=403) -> dict:
    return {"staff_a": others, "staff_b": others, "office": others, "admin": ok}
