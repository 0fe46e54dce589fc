"""Rules for notifications: each user sees and marks only his own."""

import rules

from competition import permissions  # noqa: F401  (the shared predicates and require/may)


@rules.predicate
def is_recipient(user, notification):
    return notification is not None and notification.recipient_id == user.pk


rules.add_rule("common.view_notification", rules.is_authenticated & is_recipient)
