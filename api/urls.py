"""/api/: the read API (v1), its OpenAPI schema and documentation page.

Every view here is `login_not_required`: the portal's login does not apply, the API's token
authentication does (a session alone is refused with 401)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularSwaggerSplitView

from . import views

app_name = "api"


def _open(view_class, **initkwargs):
    return login_not_required(view_class.as_view(**initkwargs))


urlpatterns = [
    path("v1/units/", _open(views.UnitList), name="unit_list"),
    path("v1/units/<int:pk>/", _open(views.UnitDetail), name="unit_detail"),
    path("v1/years/", _open(views.YearList), name="year_list"),
    path("v1/years/<int:year>/", _open(views.YearDetail), name="year_detail"),
    path("v1/periods/", _open(views.PeriodList), name="period_list"),
    path("v1/report-status/", _open(views.ReportStatusList), name="report_status"),
    path("v1/completeness/", _open(views.Completeness), name="completeness"),
    path("v1/quotas/", _open(views.QuotaList), name="quota_list"),
    path("v1/rankings/units/", _open(views.UnitRankingList), name="unit_rankings"),
    path("v1/rankings/entries/", _open(views.EntryRankingList), name="entry_rankings"),
    path(
        "v1/rankings/nominations/", _open(views.NominationRankingList), name="nomination_rankings"
    ),
    path("v1/awards/", _open(views.AwardList), name="award_list"),
    path("v1/recommendations/", _open(views.RecommendationList), name="recommendation_list"),
    path("schema/", _open(views.SchemaView), name="schema"),
    path(
        "docs/",
        _open(
            SpectacularSwaggerSplitView, url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    re_path(r"^.*$", login_not_required(views.not_found), name="not_found"),
]
