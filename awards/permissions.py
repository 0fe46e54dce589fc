"""Rules of the awards app, built from the shared predicates of competition/permissions.py.

Unit staff nominate for their own unit while the year is open and see their own unit's
nominations and certificates; the office sees every nomination and may override eligibility
with a reason, except for a unit it has a conflict with, shortlists and proposes the award
decisions; admins (the leading group) run evaluations, approve and publish the decisions, and
export.
"""

import rules

from competition.permissions import (
    is_admin,
    is_office,
    is_office_or_admin,
    is_staff_of_unit,
    office_acts,
    year_is_closed,
    year_is_open,
)


@rules.predicate
def may_export_competition_shortlist(user):
    # One rule for every shortlist export: the competition core's.
    return rules.test_rule("competition.export_shortlist", user)


rules.add_rule("awards.view_nominations", rules.is_authenticated)
rules.add_rule("awards.view_nomination", is_office_or_admin | is_staff_of_unit)
# obj: the Unit the nomination is for.
rules.add_rule("awards.create_nomination", is_staff_of_unit)
rules.add_rule("awards.edit_nomination", is_staff_of_unit & year_is_open)
rules.add_rule("awards.delete_nomination", is_staff_of_unit & year_is_open)
rules.add_rule("awards.download_attachment", is_office_or_admin | is_staff_of_unit)
# Never for a unit the office member has a conflict with (own unit, declared conflict).
rules.add_rule("awards.override_eligibility", office_acts)
# obj: the nomination. The office, or the nominating unit's staff, record a disciplinary
# finding on the nominee's record; only the office withdraws one (entered in error). Neither
# by an office member with a conflict with the unit.
rules.add_rule("awards.record_finding", office_acts | is_staff_of_unit)
rules.add_rule("awards.withdraw_finding", office_acts)
rules.add_rule("awards.record_work_start", office_acts | is_staff_of_unit)
rules.add_rule("awards.view_evaluation", is_office_or_admin)
# Applications for the 奖状 (obj: the unit, or the application): the unit's staff apply while
# the year is open; the office reviews, never its own unit's nor one it declared a conflict with.
rules.add_rule("awards.view_applications", rules.is_authenticated)
rules.add_rule("awards.view_application", is_office_or_admin | is_staff_of_unit)
rules.add_rule("awards.apply_for_unit", is_staff_of_unit)
rules.add_rule("awards.review_application", office_acts)
rules.add_rule("awards.run_evaluation", is_admin)
# obj: the year; its evaluation rules are read-only once it is closed (sealed).
rules.add_rule("awards.edit_evaluation_rules", is_admin & ~year_is_closed)
# The office builds the shortlist and proposes the decisions on it (never on a unit it has a
# conflict with); the admin, as the leading group, may adjust them too while they are a draft.
rules.add_rule("awards.manage_shortlist", office_acts)
# The procedure of a run's decisions (obj: the run, or the objection). The admin role is the
# leading group (竞赛领导小组, DOMAIN.md): it approves or returns the office's proposal and
# publishes the 表彰决定. Only the office submits its proposal, so no one approves their own.
rules.add_rule("awards.view_decision", is_office_or_admin)
rules.add_rule("awards.propose_decisions", is_office)
rules.add_rule("awards.approve_decisions", is_admin)
rules.add_rule("awards.run_publicity", is_office_or_admin)
# The 公示 is public to every logged-in user (units included), and anyone may object.
rules.add_rule("awards.view_publicity", rules.is_authenticated)
rules.add_rule("awards.lodge_objection", rules.is_authenticated)
rules.add_rule("awards.view_objections", is_office_or_admin)
rules.add_rule("awards.answer_objection", office_acts)
rules.add_rule("awards.export_shortlist", may_export_competition_shortlist)
# obj: a run; the office organises 劳模休养、交流 from its priority list.
rules.add_rule("awards.view_priority_list", is_office_or_admin)
# obj: a ShortlistItem; the awarded unit's staff may print its certificate.
rules.add_rule("awards.view_certificate", is_office_or_admin | is_staff_of_unit)
# obj: a run; the office prints every certificate of its awards in one PDF.
rules.add_rule("awards.print_certificates", is_office_or_admin)
