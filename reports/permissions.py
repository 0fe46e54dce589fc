"""Rules of the reports app, built from the shared predicates of competition/permissions.py.

Object rules take a Report (or a ReportAttachment, which exposes `unit_id`). Staff see and edit
only their own unit's reports; the office reviews and showcases every unit's except one the
reviewer has a conflict with (`competition.permissions.office_acts`); only admins reopen an
accepted report.
"""

import rules

from competition.permissions import (
    is_admin,
    is_office_or_admin,
    is_staff_of_subtree,
    is_staff_of_unit,
    office_acts,
)

from .enums import EDITABLE_STATUSES, ReportStatus


def _status(obj):
    report = getattr(obj, "report", obj)
    return getattr(report, "status", None)


@rules.predicate
def is_editable(user, obj):
    return _status(obj) in EDITABLE_STATUSES


@rules.predicate
def is_submitted(user, obj):
    return _status(obj) == ReportStatus.SUBMITTED


@rules.predicate
def no_object(user, obj):
    return obj is None


@rules.predicate
def is_accepted(user, obj):
    return _status(obj) == ReportStatus.ACCEPTED


# A parent unit's staff read its sub-units' reports too (competition.permissions).
can_see = is_office_or_admin | is_staff_of_subtree

rules.add_rule("reports.view_report", can_see)
# obj: the Unit a report would be started for.
rules.add_rule("reports.create_report", is_staff_of_unit)
rules.add_rule("reports.edit_report", is_staff_of_unit & is_editable)
# Never a report of a unit the reviewer has a conflict with (own unit, declared conflict).
rules.add_rule("reports.review_report", office_acts & is_submitted)
rules.add_rule("reports.reopen_report", is_admin & is_accepted)
rules.add_rule("reports.download_attachment", can_see)
rules.add_rule("reports.delete_attachment", is_staff_of_unit & is_editable)
rules.add_rule("reports.view_queue", is_office_or_admin)
rules.add_rule("reports.view_dashboard", is_office_or_admin)
rules.add_rule("reports.view_overdue", is_office_or_admin)
rules.add_rule("reports.view_quality", is_office_or_admin)
rules.add_rule("reports.view_showcase", rules.is_authenticated)
# Without an object: may use the showcase tools at all; with a report: it must be accepted.
rules.add_rule("reports.manage_showcase", office_acts & (no_object | is_accepted))
