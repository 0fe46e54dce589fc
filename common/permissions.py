"""The one permission module's entry points, and the rules of notifications.

Rules are django-rules predicates registered under dotted names by each app's
`permissions.py` (the roles and their predicates: `competition.permissions`); views and
services call `may`/`require`, templates `{% may "name" obj as ok %}`
(common/templatetags/portal.py). Every app's rules are registered from its AppConfig.
"""

import rules
from django.core.exceptions import PermissionDenied


class _System:
    """The portal itself acting: a management command (seed_demo) or a scheduled task.

    Not a user and never a request's user, so no page can act as it. Services allow it
    every action and record it as no user (shown as 系统 in the histories).
    """

    is_authenticated = False
    is_active = False
    pk = None

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = _System()


def may(user, action: str, obj=None) -> bool:
    if user is SYSTEM:
        return True
    return rules.test_rule(action, user, obj)


def require(user, action: str, obj=None) -> None:
    """Raise PermissionDenied (403) unless allowed. Scope first, so foreign objects are 404."""
    if not may(user, action, obj):
        raise PermissionDenied


@rules.predicate
def is_recipient(user, notification):
    return notification is not None and notification.recipient_id == user.pk


rules.add_rule("common.view_notification", rules.is_authenticated & is_recipient)
