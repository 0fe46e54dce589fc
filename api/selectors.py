"""Reads of the API app: tokens, for the admin's pages and for authentication."""

import hashlib

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from competition import permissions
from competition.models import CompetitionYear, Participation, ReportingPeriod, Unit
from competition.selectors import taking_part, years

from .models import ApiToken, ApiTokenUse

# A token's secret starts with this, so a leaked one is recognisable (and greppable).
SECRET_PREFIX = "hbapi_"


def secret_hash(secret: str) -> str:
    """The stored digest of a secret: SHA-256 (the secret is 32 random bytes, so a slow
    password hash adds nothing but cost to every request)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def token_by_secret(secret: str) -> ApiToken | None:
    """The token of a secret, valid or not (the caller says why it is refused), with its
    years; None for a secret that was never issued."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        return None
    return ApiToken.objects.filter(key_hash=secret_hash(secret)).prefetch_related("years").first()


def tokens_for_user(user) -> QuerySet[ApiToken]:
    """Admins: every token; others: none."""
    if not permissions.may(user, "api.manage_tokens"):
        return ApiToken.objects.none()
    return ApiToken.objects.select_related("created_by", "revoked_by").prefetch_related("years")


def token_for_user(user, pk) -> ApiToken:
    return get_object_or_404(tokens_for_user(user), pk=pk)


def token_uses(token: ApiToken, *, days: int = 30) -> QuerySet[ApiTokenUse]:
    return token.uses.order_by("-day")[:days]


# --- what the read API serves (built on the owning apps' selectors) -------------------------


def token_years(token: ApiToken) -> QuerySet[CompetitionYear]:
    """The competition years a token may read."""
    if token.all_years:
        return years()
    return years().filter(pk__in=[year.pk for year in token.years.all()])


def units() -> QuerySet[Unit]:
    return (
        Unit.objects.select_related("kind", "parent")
        .annotate(taking_part=taking_part())
        .prefetch_related(
            Prefetch("participations", queryset=Participation.objects.order_by("start"))
        )
        .order_by("kind__order", "name", "pk")
    )


def periods() -> QuerySet[ReportingPeriod]:
    return ReportingPeriod.objects.select_related("year").order_by("-year__year", "number")
