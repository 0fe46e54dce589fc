"""Logging in: the backend that loads the user's role and unit with the user, and the
django-axes handler that gives each lockout rule its own limit.

Every page needs the role and unit (navigation, permission checks); fetching them in the
same query as the user saves two queries on every request.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Sum


class PortalModelBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("membership__unit__kind").get(
                pk=user_id
            )
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class PortalAxesHandler(AxesDatabaseHandler):
    """django-axes' database handler, with a limit per lockout rule (`LOGIN_LOCKOUT_RULES`:
    a username at one address after AXES_FAILURE_LIMIT failures, a username over every
    address after LOGIN_USERNAME_FAILURE_LIMIT).

    Axes counts the failures of each rule of AXES_LOCKOUT_PARAMETERS and compares the
    largest count with its one AXES_FAILURE_LIMIT; its maintainers point to a custom handler
    for separate limits (django-axes issue 661). `get_failures` therefore answers in units of
    AXES_FAILURE_LIMIT: each rule's count times AXES_FAILURE_LIMIT / the rule's own limit,
    rounded down, which reaches AXES_FAILURE_LIMIT exactly when the count reaches the rule's
    limit. Everything else (cool-off, reset on success, the lockout page) is axes' own.
    """

    def get_failures(self, request, credentials=None) -> int:
        unit = settings.AXES_FAILURE_LIMIT
        counts = [
            attempts.aggregate(failures=Sum("failures_since_start"))["failures"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        limits = [limit for _parameters, limit in settings.LOGIN_LOCKOUT_RULES]
        scaled = [count * unit // limit for count, limit in zip(counts, limits, strict=True)]
        locking = [index for index, value in enumerate(scaled) if value >= unit]
        if locking and request is not None:
            # The lockout page names the rule: the first that locks (one address before all).
            parameters, limit = settings.LOGIN_LOCKOUT_RULES[locking[0]]
            request.login_lockout = {
                "all_addresses": "ip_address" not in parameters,
                "limit": limit,
            }
        return max(scaled, default=0)
