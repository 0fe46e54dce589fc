from django.conf import settings
from django.utils.functional import SimpleLazyObject

from common import selectors

from . import permissions
from .enums import Role


def portal(request):
    """What every page needs: the office's contacts and the user's role and unit."""
    user = getattr(request, "user", None)
    membership = permissions.membership_of(user) if user is not None else None
    role = permissions.role_of(user) if user is not None else None
    return {
        "OFFICE_NAME": settings.OFFICE_NAME,
        "OFFICE_PHONE": settings.OFFICE_PHONE,
        "OFFICE_EMAIL": settings.OFFICE_EMAIL,
        "portal_role": role,
        "portal_role_label": Role(role).label if role else "",
        "portal_unit": membership.unit if membership else None,
        # Lazy: one COUNT on the partial unread index, only when a template shows it.
        "portal_unread_notifications": SimpleLazyObject(lambda: selectors.unread_count(user)),
    }
