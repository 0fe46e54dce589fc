"""Tokens: only by token (no session), refused when unknown, revoked or expired (401, JSON
in Chinese), scoped by endpoint and year (403), their use recorded, throttled per token."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from api import services
from api.models import ApiToken, ApiTokenUse
from api.selectors import secret_hash
from competition.models import CompetitionYear
from tests import factories

pytestmark = pytest.mark.django_db


def test_token_secret_stored_only_as_hash(make_token):
    token, secret = make_token()
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == secret_hash(secret)
    assert secret not in {stored.key_hash, stored.prefix, stored.name}
    assert secret.startswith(stored.prefix)


def test_token_valid_reads(api_get, secret, unit_a):
    response = api_get("api:unit_list", secret)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert [row["name"] for row in response.json()["results"]] == [unit_a.name]


def test_no_token_refused_in_chinese(api_get):
    response = api_get("api:unit_list")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "缺少访问令牌：请在 Authorization 请求头中提供“Bearer 令牌”。",
        "code": "not_authenticated",
    }
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_session_user_refused(client_for, admin_user, api_get):
    """A portal session is no way into the API, not even the admin's."""
    client_for(admin_user)
    response = api_get("api:unit_list")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_basic_auth_refused(client, admin_user):
    admin_user.set_password("pw-123456")
    admin_user.save()
    response = client.get("/api/v1/units/", headers={"Authorization": "Basic Ym9zczpwdy0xMjM0NTY="})
    assert response.status_code == 401


def test_unknown_token_refused(api_get):
    response = api_get("api:unit_list", "hbapi_not-a-real-token")
    assert response.status_code == 401
    assert response.json() == {"detail": "访问令牌无效。", "code": "invalid"}


def test_revoked_token_refused(api_get, make_token, admin_user):
    token, secret = make_token()
    assert api_get("api:unit_list", secret).status_code == 200
    services.api_token_revoke(actor=admin_user, token=token)
    response = api_get("api:unit_list", secret)
    assert response.status_code == 401
    assert response.json() == {"detail": "访问令牌已被撤销。", "code": "revoked"}


def test_expired_token_refused(api_get, make_token):
    token, secret = make_token()
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(1))
    response = api_get("api:unit_list", secret)
    assert response.status_code == 401
    assert response.json() == {"detail": "访问令牌已过期。", "code": "expired"}


def test_scope_refused(api_get, make_token):
    _token, secret = make_token(scopes=["years"])
    response = api_get("api:unit_list", secret)
    assert response.status_code == 403
    assert response.json() == {"detail": "该令牌无权访问此接口。", "code": "scope"}
    assert api_get("api:year_list", secret).status_code == 200


def test_year_scope(api_get, make_token, year):
    other = factories.competition_year(2020)
    _token, secret = make_token(years=[year])
    listed = api_get("api:year_list", secret).json()["results"]
    assert [row["year"] for row in listed] == [2019]
    refused = api_get("api:period_list", secret, year=2020)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "该令牌无权访问2020年度的数据。", "code": "year_scope"}
    periods = api_get("api:period_list", secret).json()["results"]
    assert {row["year"] for row in periods} == {2019}
    assert api_get("api:year_detail", secret, kwargs={"year": other.year}).status_code == 404


def test_all_years_token_reads_later_years(api_get, make_token, year):
    _token, secret = make_token(all_years=True)
    factories.competition_year(2020)
    listed = api_get("api:year_list", secret).json()["results"]
    assert [row["year"] for row in listed] == [2020, 2019]


def test_use_recorded(api_get, make_token):
    token, secret = make_token()
    api_get("api:unit_list", secret)
    api_get("api:year_list", secret)
    token.refresh_from_db()
    assert token.use_count == 2
    assert token.last_used_at is not None
    day = ApiTokenUse.objects.get(token=token)
    assert (day.day, day.count, day.last_path) == (timezone.localdate(), 2, "/api/v1/years/")


def test_refused_requests_not_counted(api_get, make_token, admin_user):
    token, secret = make_token()
    services.api_token_revoke(actor=admin_user, token=token)
    api_get("api:unit_list", secret)
    token.refresh_from_db()
    assert token.use_count == 0


def test_throttled_per_token(api_get, make_token, settings):
    settings.API_THROTTLE_RATE = "2/min"
    from django.core.cache import cache

    cache.clear()
    _a, first = make_token(name="甲")
    _b, second = make_token(name="乙")
    assert [api_get("api:unit_list", first).status_code for _ in range(3)] == [200, 200, 429]
    throttled = api_get("api:unit_list", first)
    assert throttled.json()["code"] == "throttled"
    assert throttled.json()["detail"].startswith("请求过于频繁")
    assert api_get("api:unit_list", second).status_code == 200
    cache.clear()


def test_write_methods_refused(client, secret):
    response = client.post("/api/v1/units/", {}, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_unknown_api_address_is_json_404(client, secret):
    response = client.get("/api/v1/nothing/", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- the services --------------------------------------------------------------------------


def test_create_refused_to_non_admin(office_user, year):
    with pytest.raises(PermissionDenied):
        services.api_token_create(
            actor=office_user,
            name="x",
            scopes=["units"],
            years=[year],
            expires_at=timezone.now() + datetime.timedelta(days=1),
        )


@pytest.mark.parametrize(
    ("scopes", "years", "days", "field"),
    [
        ([], True, 10, "scopes"),
        (["nope"], True, 10, "scopes"),
        (["units"], False, 10, "years"),
        (["units"], True, -1, "expires_at"),
        (["units"], True, 400, "expires_at"),
    ],
)
def test_create_validates(admin_user, year, scopes, years, days, field):
    with pytest.raises(ValidationError) as caught:
        services.api_token_create(
            actor=admin_user,
            name="x",
            scopes=scopes,
            years=[year] if years else [],
            expires_at=timezone.now() + datetime.timedelta(days=days),
        )
    assert field in caught.value.error_dict


def test_revoke_twice_refused(make_token, admin_user):
    token, _secret = make_token()
    services.api_token_revoke(actor=admin_user, token=token)
    with pytest.raises(ValidationError):
        services.api_token_revoke(actor=admin_user, token=token)
    token.refresh_from_db()
    assert token.revoked_by == admin_user
    assert token.history.count() == 2


def test_token_years_kept(make_token, year):
    token, _secret = make_token(years=[year])
    assert list(token.years.all()) == [year]
    assert CompetitionYear.objects.count() == 1
