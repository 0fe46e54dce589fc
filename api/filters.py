"""Query parameters of /api/v1/ (django-filter: validated, documented in the schema)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import PermissionDenied

from awards.enums import Category, ShortlistCategory
from competition.enums import UnitKindCode
from competition.models import CompetitionYear

YEAR_BOUNDS = {"min_value": 2000, "max_value": 2100}
NUMBER_BOUNDS = {"min_value": 1, "max_value": 32767}
ID_BOUNDS = {"min_value": 1, "max_value": 2**31 - 1}


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def refuse_year(year: int):
    return PermissionDenied(
        _("该令牌无权访问%(year)s年度的数据。") % {"year": year}, code="year_scope"
    )


class YearFilterSet(django_filters.FilterSet):
    """`?year=2019`: one year of those the token may read (403 for another)."""

    year_path = "year__year"
    year = IntegerFilter(method="filter_year", label=_("年度，如 2019"), **YEAR_BOUNDS)

    def filter_year(self, queryset, name, value):
        allowed = getattr(self.request, "allowed_years", None)
        if allowed is not None and value not in allowed:
            raise refuse_year(value)
        return queryset.filter(**{self.year_path: value})


class UnitFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        field_name="kind__code", choices=UnitKindCode.choices, label=_("单位类别代码")
    )
    parent = IntegerFilter(field_name="parent_id", label=_("上级单位编号"), **ID_BOUNDS)


class PeriodFilter(YearFilterSet):
    number = IntegerFilter(field_name="number", label=_("报送期序号"), **NUMBER_BOUNDS)


class RunRowFilter(YearFilterSet):
    year_path = "run__year__year"


class NominationRankingFilter(RunRowFilter):
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("类别"))


class DecisionFilter(RunRowFilter):
    category = django_filters.ChoiceFilter(choices=ShortlistCategory.choices, label=_("类别"))


class YearPeriodQuery(django_filters.FilterSet):
    """Required `?year=2019&period=1` (the period's number in its year)."""

    year = IntegerFilter(label=_("年度，如 2019"), required=True, **YEAR_BOUNDS)
    period = IntegerFilter(label=_("报送期序号，如 1"), required=True, **NUMBER_BOUNDS)

    class Meta:
        # Only validates the parameters: the view finds the period.
        model = CompetitionYear
        fields = []


class QuotaQuery(django_filters.FilterSet):
    year = IntegerFilter(label=_("年度，如 2019"), required=True, **YEAR_BOUNDS)
    unit = IntegerFilter(label=_("单位编号（只看一个单位）"), **ID_BOUNDS)

    class Meta:
        model = CompetitionYear
        fields = []
