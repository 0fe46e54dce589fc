"""The API in the permission matrix: a portal session is no way in (every role 401, and
anonymous too, in JSON: the portal's login page is not the API's answer); the schema and its
documentation page are open; the token pages are the admin's."""

import datetime

from django.utils import timezone

from api import services
from tests.matrix import Case, everyone

# Every data endpoint of /api/v1/, with the parameters a real client sends.
ENDPOINTS = (
    ("api:unit_list", {}),
    ("api:year_list", {}),
    ("api:period_list", {}),
    ("api:report_status", {}),
    ("api:completeness", {}),
    ("api:quota_list", {}),
    ("api:unit_rankings", {}),
    ("api:entry_rankings", {}),
    ("api:nomination_rankings", {}),
    ("api:award_list", {}),
    ("api:recommendation_list", {}),
)


def _token(w):
    token, _secret = services.api_token_create(
        actor=w.admin,
        name="省总工会评选系统",
        scopes=["units"],
        years=[w.year],
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    return {"pk": token.pk}


def _unit(w):
    return {"pk": w.unit_a.pk}


def _year(w):
    return {"year": w.year.year}


def _token_data(w, kwargs):
    return {
        "name": "省扶贫办",
        "scopes": ["units", "recommendations"],
        "years": [w.year.pk],
        "expires_on": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
    }


def cases(world):
    refused = everyone(401)
    tokens_admin = {"staff_a": 403, "staff_b": 403, "office": 403, "admin": 200}
    token_hidden = {"staff_a": 404, "staff_b": 404, "office": 404, "admin": 200}
    return [
        *(Case(name, refused, anonymous=401) for name, _kwargs in ENDPOINTS),
        Case("api:unit_detail", refused, kwargs=_unit, anonymous=401),
        Case("api:year_detail", refused, kwargs=_year, anonymous=401),
        Case("api:schema", everyone(200), anonymous=200),
        Case("api:docs", everyone(200), anonymous=200),
        Case("api:not_found", everyone(404), anonymous=404),
        Case("api_tokens:token_list", tokens_admin),
        Case("api_tokens:token_create", tokens_admin),
        Case(
            "api_tokens:token_create",
            tokens_admin,
            method="post",
            data=_token_data,
            label="post",
        ),
        Case("api_tokens:token_detail", token_hidden, kwargs=_token),
        Case(
            "api_tokens:token_revoke",
            {**token_hidden, "admin": 302},
            kwargs=_token,
            method="post",
        ),
    ]
