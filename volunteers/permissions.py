"""Who may do what with model workers, the volunteer team, activities and quotas.

Unit staff manage their own unit's register and activities; office reviewers see every unit
but change nothing; admins see and change everything. Objects given to the object rules have
a `unit_id` (ModelWorker, Activity, VolunteerMembership, ServiceRecord, ActivityPhoto).
"""

import rules

from competition.permissions import (
    is_admin,
    is_office_or_admin,
    is_staff_of_subtree,
    is_staff_of_unit,
    is_unit_staff,
)

# A parent unit's staff read its sub-units' records too (competition.permissions).
can_see = is_office_or_admin | is_staff_of_subtree
can_change = is_staff_of_unit | is_admin
has_role = is_unit_staff | is_office_or_admin

rules.add_rule("volunteers.view_model_worker", can_see)
rules.add_rule("volunteers.add_model_worker", is_unit_staff | is_admin)
rules.add_rule("volunteers.edit_model_worker", can_change)
# The whole phone number: on the detail page, for the office and admins only.
rules.add_rule("volunteers.view_phone", is_office_or_admin)
rules.add_rule("volunteers.manage_team", can_change)
rules.add_rule("volunteers.view_activity", can_see)
rules.add_rule("volunteers.add_activity", is_unit_staff | is_admin)
rules.add_rule("volunteers.edit_activity", can_change)
rules.add_rule("volunteers.delete_activity", can_change)
rules.add_rule("volunteers.upload_photo", can_change)
rules.add_rule("volunteers.delete_photo", can_change)
rules.add_rule("volunteers.download_photo", can_see)
rules.add_rule("volunteers.import", is_unit_staff | is_admin)
rules.add_rule("volunteers.export", has_role)
rules.add_rule("volunteers.view_team", has_role)
rules.add_rule("volunteers.view_quota", is_office_or_admin)
