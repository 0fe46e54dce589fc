"""The read API (/api/v1/): every view answers GET only, to a valid token whose scopes
include the view's `required_scope`, restricted to the token's years; lists are paged.

Published results and decisions come from `awards.selectors` (`published_runs`,
`published_award_items`, `province_recommendations`): nothing unpublished is read here.
"""

from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from awards import selectors as awards_selectors
from awards import services as awards_services
from competition import selectors as competition_selectors
from reports import selectors as reports_selectors
from volunteers import selectors as volunteers_selectors

from . import filters, selectors, serializers
from .enums import Scope
from .filters import refuse_year

ERRORS = {
    400: serializers.ErrorSerializer,
    401: serializers.ErrorSerializer,
    403: serializers.ErrorSerializer,
    404: serializers.ErrorSerializer,
    429: serializers.ErrorSerializer,
}


def documented(tag, summary, description="", **kwargs):
    """extend_schema with the Chinese tag, summary and description, and the error answers."""
    response = kwargs.pop("response")
    return extend_schema(
        tags=[tag],
        summary=summary,
        description=description,
        responses={200: response, **ERRORS},
        **kwargs,
    )


class TokenScoped:
    """What every API view shares: the token's years (`request.allowed_years`, None for
    every year) and the rows restricted to them (`year_path`)."""

    required_scope: str
    year_path: str | None = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        token = request.auth
        request.allowed_years = (
            None if token.all_years else {year.year for year in token.years.all()}
        )

    def in_token_years(self, queryset):
        # None also while the schema is generated (no token then).
        allowed = getattr(self.request, "allowed_years", None)
        if self.year_path is None or allowed is None:
            return queryset
        return queryset.filter(**{f"{self.year_path}__in": allowed})

    def year_allowed(self, year: int) -> None:
        allowed = self.request.allowed_years
        if allowed is not None and year not in allowed:
            raise refuse_year(year)

    def query(self, filterset_class) -> dict:
        """The query parameters, validated by a filter set (400 with the errors)."""
        filterset = filterset_class(self.request.query_params, request=self.request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset.form.cleaned_data


class ListView(TokenScoped, generics.ListAPIView):
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self):
        return self.in_token_years(self.base_queryset())


# --- units -----------------------------------------------------------------------------------

UNITS = _("参赛单位")


@documented(
    UNITS,
    _("参赛单位列表"),
    _("各参赛单位的类别、上级单位和参赛记录。"),
    response=serializers.UnitSerializer(many=True),
)
class UnitList(ListView):
    required_scope = Scope.UNITS
    serializer_class = serializers.UnitSerializer
    filterset_class = filters.UnitFilter

    def base_queryset(self):
        return selectors.units()


@documented(UNITS, _("参赛单位"), response=serializers.UnitSerializer)
class UnitDetail(TokenScoped, generics.RetrieveAPIView):
    required_scope = Scope.UNITS
    serializer_class = serializers.UnitSerializer

    def get_queryset(self):
        return selectors.units()


# --- years, their rules and periods ----------------------------------------------------------

YEARS = _("竞赛年度与规则")


@documented(
    YEARS,
    _("竞赛年度列表"),
    _("令牌可访问的竞赛年度。"),
    response=serializers.YearSerializer(many=True),
)
class YearList(ListView):
    required_scope = Scope.YEARS
    serializer_class = serializers.YearSerializer
    year_path = "year"

    def base_queryset(self):
        return competition_selectors.years().order_by("-year")


@documented(
    YEARS,
    _("竞赛年度及其规则"),
    _("年度的评比标准、九大工程、活动类型、活动数要求、报送期、评选设置和表彰奖项。"),
    response=serializers.YearDetailSerializer,
)
class YearDetail(TokenScoped, APIView):
    required_scope = Scope.YEARS

    def get(self, request, year: int):
        found = competition_selectors.years().filter(year=year).first()
        if found is None or (
            request.allowed_years is not None and found.year not in request.allowed_years
        ):
            raise Http404
        rules = awards_services.evaluation_rules(found)
        data = {
            **serializers.YearSerializer(found).data,
            "criteria": serializers.CriterionSerializer(
                competition_selectors.criteria_of(found), many=True
            ).data,
            "projects": serializers.ProjectSerializer(
                competition_selectors.projects_of(found), many=True
            ).data,
            "activity_types": serializers.ActivityTypeSerializer(
                competition_selectors.activity_types_of(found), many=True
            ).data,
            "kind_quotas": serializers.KindQuotaSerializer(
                competition_selectors.kind_quotas(found).select_related("kind"), many=True
            ).data,
            "unit_quotas": serializers.UnitQuotaSerializer(
                competition_selectors.unit_quotas(found), many=True
            ).data,
            "periods": serializers.PeriodSerializer(
                competition_selectors.periods_of(found).select_related("year"), many=True
            ).data,
            "evaluation_settings": serializers.EvaluationSettingsSerializer(rules["settings"]).data,
            "awards": serializers.YearAwardSerializer(rules["awards"].values(), many=True).data,
        }
        return Response(data)


@documented(
    YEARS,
    _("报送期列表"),
    _("各年度的报送期及截止日。"),
    response=serializers.PeriodSerializer(many=True),
)
class PeriodList(ListView):
    required_scope = Scope.YEARS
    serializer_class = serializers.PeriodSerializer
    filterset_class = filters.PeriodFilter
    year_path = "year__year"

    def base_queryset(self):
        return selectors.periods()


# --- reports ---------------------------------------------------------------------------------

REPORTS = _("季度报告")
YEAR_PERIOD = [
    OpenApiParameter("year", int, required=True, description=_("年度，如 2019")),
    OpenApiParameter("period", int, required=True, description=_("报送期序号，如 1")),
]


class PeriodScoped(TokenScoped):
    def period(self):
        params = self.query(filters.YearPeriodQuery)
        self.year_allowed(params["year"])
        period = (
            competition_selectors.periods_of(
                competition_selectors.years().filter(year=params["year"]).first()
            )
            .filter(number=params["period"])
            .select_related("year")
            .first()
        )
        if period is None:
            raise NotFound
        return period


@documented(
    REPORTS,
    _("各单位的报送情况"),
    _("一个报送期内应报单位的报告状态：按时、逾期、退回、草稿或未报。"),
    response=serializers.ReportStatusSerializer(many=True),
    parameters=YEAR_PERIOD,
)
class ReportStatusList(PeriodScoped, generics.ListAPIView):
    required_scope = Scope.REPORTS
    serializer_class = serializers.ReportStatusSerializer

    def get_queryset(self):
        return reports_selectors.completeness_units(self.period())


@documented(
    REPORTS,
    _("报送完整率"),
    _("一个报送期全市及各类单位的应报、已报、按时数及报送率。"),
    response=serializers.CompletenessSerializer,
    parameters=YEAR_PERIOD,
)
class Completeness(PeriodScoped, APIView):
    required_scope = Scope.REPORTS

    def get(self, request):
        period = self.period()
        rates = reports_selectors.period_completeness(period)
        data = {
            "year": period.year.year,
            "period": period.number,
            "label": str(period),
            "deadline": period.deadline,
            **rates,
        }
        return Response(serializers.CompletenessSerializer(data).data)


# --- activities and quotas -------------------------------------------------------------------


@documented(
    _("劳模扶贫活动"),
    _("各单位活动数与要求"),
    _("一年内各单位组织的劳模扶贫活动数（按活动类型）及其活动数要求。"),
    response=serializers.QuotaSerializer(many=True),
    parameters=[
        OpenApiParameter("year", int, required=True, description=_("年度，如 2019")),
        OpenApiParameter("unit", int, description=_("单位编号（只看一个单位）")),
    ],
)
class QuotaList(TokenScoped, generics.ListAPIView):
    required_scope = Scope.ACTIVITIES
    serializer_class = serializers.QuotaSerializer

    def list(self, request):
        params = self.query(filters.QuotaQuery)
        self.year_allowed(params["year"])
        year = competition_selectors.years().filter(year=params["year"]).first()
        if year is None:
            raise NotFound
        keys = volunteers_selectors.quota_units(year)
        if params.get("unit"):
            keys = keys.filter(pk=params["unit"])
        page = self.paginate_queryset(keys.values_list("pk", flat=True))
        types = volunteers_selectors.activity_types_for(year)
        rows = {row.pk: row for row in volunteers_selectors.quota_progress(year, list(page), types)}
        for row in rows.values():
            row.by_type = {
                t.code: getattr(row, volunteers_selectors.type_count_name(t)) for t in types
            }
        ordered = [rows[key] for key in page if key in rows]
        return self.get_paginated_response(self.get_serializer(ordered, many=True).data)


# --- published results -----------------------------------------------------------------------

RESULTS = _("评选结果（已公布）")
PUBLISHED_RUN = _("只含评分结果已公布年度的最新一次评选排名；未公布的年度没有数据。")


class RankingList(ListView):
    required_scope = Scope.RESULTS
    year_path = "run__year__year"
    filterset_class = filters.RunRowFilter


@documented(
    RESULTS,
    _("单位排名"),
    PUBLISHED_RUN,
    response=serializers.UnitRankingSerializer(many=True),
)
class UnitRankingList(RankingList):
    serializer_class = serializers.UnitRankingSerializer

    def base_queryset(self):
        return awards_selectors.published_unit_rankings()


@documented(
    RESULTS,
    _("参赛项目排名"),
    PUBLISHED_RUN,
    response=serializers.EntryRankingSerializer(many=True),
)
class EntryRankingList(RankingList):
    serializer_class = serializers.EntryRankingSerializer

    def base_queryset(self):
        return awards_selectors.published_entry_rankings()


@documented(
    RESULTS,
    _("推荐对象排名"),
    PUBLISHED_RUN,
    response=serializers.NominationRankingSerializer(many=True),
)
class NominationRankingList(RankingList):
    serializer_class = serializers.NominationRankingSerializer
    filterset_class = filters.NominationRankingFilter

    def base_queryset(self):
        return awards_selectors.published_nomination_rankings()


# --- published decisions ---------------------------------------------------------------------

AWARDS = _("表彰决定（已公布）")


@documented(
    AWARDS,
    _("表彰决定"),
    _("已公布的表彰决定：先锋集体、先锋个人和参赛单位获得的五一劳动奖状、奖章。"),
    response=serializers.AwardSerializer(many=True),
)
class AwardList(ListView):
    required_scope = Scope.AWARDS
    serializer_class = serializers.AwardSerializer
    filterset_class = filters.DecisionFilter
    year_path = "run__year__year"

    def base_queryset(self):
        return awards_selectors.published_award_items()


@documented(
    AWARDS,
    _("推荐参加省级评选名单"),
    _("已公布的推荐参加全省评选表彰的对象：单位、类别、九大工程、得分、事实材料标题。"),
    response=serializers.RecommendationSerializer(many=True),
)
class RecommendationList(ListView):
    required_scope = Scope.RECOMMENDATIONS
    serializer_class = serializers.RecommendationSerializer
    filterset_class = filters.DecisionFilter
    year_path = "run__year__year"

    def base_queryset(self):
        return awards_selectors.province_recommendations()


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, as a download with an ASCII name (drf-spectacular names it after
    the title, Chinese here, which Django then sends as an encoded header)."""

    def _get_schema_response(self, request):
        response = super()._get_schema_response(request)
        suffix = self.perform_content_negotiation(request, force=True)[0].format
        response["Content-Disposition"] = f'attachment; filename="huaibei-api.{suffix}"'
        return response


def not_found(request, *args, **kwargs):
    """Any other address under /api/: a JSON 404, like the API's own."""
    return JsonResponse({"detail": str(_("未找到该接口。")), "code": "not_found"}, status=404)
