"""Writes of the API app: tokens created and revoked by the admin, and their use recorded.

The API itself writes nothing else; a later write endpoint would call the owning app's
service (e.g. `reports.services.report_submit`) with the token's service user as `actor`.
"""

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from competition.models import CompetitionYear
from competition.permissions import require

from .enums import Scope
from .models import ApiToken, ApiTokenUse
from .selectors import SECRET_PREFIX, secret_hash

# The longest a token may live: a client asks for a new one at least once a year.
MAX_LIFETIME = datetime.timedelta(days=366)


@transaction.atomic
def api_token_create(
    *,
    actor,
    name: str,
    scopes: list[str],
    years: list[CompetitionYear],
    all_years: bool = False,
    expires_at: datetime.datetime,
) -> tuple[ApiToken, str]:
    """A new token for a named client; returns it with its secret, which is never stored
    (only its SHA-256) and so can be shown only now."""
    require(actor, "api.manage_tokens")
    errors = {}
    unknown = [scope for scope in scopes if scope not in Scope.values]
    if not scopes or unknown:
        errors["scopes"] = _("请至少选择一个接口范围。")
    if not all_years and not years:
        errors["years"] = _("请选择可访问的年度，或勾选“所有年度”。")
    now = timezone.now()
    if expires_at <= now:
        errors["expires_at"] = _("有效期须晚于现在。")
    elif expires_at > now + MAX_LIFETIME:
        errors["expires_at"] = _("有效期最长一年。")
    if errors:
        raise ValidationError(errors)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name.strip(),
        prefix=secret[: len(SECRET_PREFIX) + 6],
        key_hash=secret_hash(secret),
        scopes=[scope for scope in Scope.values if scope in scopes],
        all_years=all_years,
        expires_at=expires_at,
        created_by=actor,
    )
    token.full_clean()
    token.save()
    token.years.set([] if all_years else years)
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke a token at once: its next request is refused. A revoked token stays listed."""
    require(actor, "api.manage_tokens")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise ValidationError(_("该令牌已被撤销。"), code="already_revoked")
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.full_clean()
    token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def api_token_record_use(*, token: ApiToken, path: str) -> None:
    """Count one request of the token: its last use, its total, and the day's row. Two
    UPDATEs (and an INSERT on a day's first request) in their own transaction; no history
    row, since a use is not a change of the token."""
    now = timezone.now()
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, use_count=F("use_count") + 1)
        day = timezone.localdate(now)
        updated = ApiTokenUse.objects.filter(token=token, day=day).update(
            count=F("count") + 1, last_path=path[:300]
        )
        if not updated:
            _use, created = ApiTokenUse.objects.get_or_create(
                token=token, day=day, defaults={"count": 1, "last_path": path[:300]}
            )
            if not created:
                ApiTokenUse.objects.filter(pk=_use.pk).update(count=F("count") + 1)
