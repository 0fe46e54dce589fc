"""Reads for model workers, the volunteer team, activities and quota progress.

User-scoped selectors (`*_for_user`) give office and admins every unit and unit staff only their
own; everyone else gets nothing. The unit/period selectors are not scoped: they serve pages
(quarterly report, competition entry, unit page) that have already checked the unit.
"""

import datetime
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from competition import permissions
from competition.models import ActivityType, CompetitionYear, Unit
from competition.selectors import (
    active_between,
    activity_types_of,
    own_quota,
    quota_for_year,
    visible_to,
    with_joined_quota,
)

from .models import (
    Activity,
    ActivityPhoto,
    ModelWorker,
    QuotaUnit,
    ServiceRecord,
    VolunteerMembership,
)


def _visible(user, queryset: QuerySet, unit_path: str = "unit") -> QuerySet:
    """The records of the user's unit and its sub-units (read-only there: changes are checked
    on the own unit), all for office and admins."""
    return visible_to(user, queryset, unit_path, subtree=True)


def year_bounds(year) -> tuple[datetime.date, datetime.date]:
    """First and last day of a competition year (a CompetitionYear or a plain number)."""
    if isinstance(year, CompetitionYear):
        return year.start_date, year.end_date
    number = int(year)
    return datetime.date(number, 1, 1), datetime.date(number, 12, 31)


# Model workers ---------------------------------------------------------------------------


def model_workers_for_user(user) -> QuerySet[ModelWorker]:
    return _visible(user, ModelWorker.objects.select_related("unit", "unit__kind"))


def model_worker_detail_for_user(user) -> QuerySet[ModelWorker]:
    """For the detail page: with team memberships and the latest activities."""
    return model_workers_for_user(user).prefetch_related(
        Prefetch(
            "team_memberships",
            queryset=VolunteerMembership.objects.annotate(
                total_hours=Coalesce(Sum("service_records__hours"), Value(Decimal(0))),
                record_count=Count("service_records"),
            ).order_by("-joined_on"),
        ),
        Prefetch(
            "activities",
            queryset=Activity.objects.select_related("unit", "nine_project", "activity_type"),
        ),
    )


# Volunteer team --------------------------------------------------------------------------


def memberships_for_user(user, *, year=None, current_only: bool = False):
    """Team memberships in scope, each with `total_hours` and `record_count` (of `year`)."""
    record_filter = Q()
    if year is not None:
        start, end = year_bounds(year)
        record_filter = Q(service_records__date__gte=start, service_records__date__lte=end)
    memberships = _visible(
        user,
        VolunteerMembership.objects.select_related("model_worker__unit"),
        "model_worker__unit",
    ).annotate(
        total_hours=Coalesce(
            Sum("service_records__hours", filter=record_filter),
            Value(Decimal(0)),
            output_field=DecimalField(max_digits=9, decimal_places=1),
        ),
        record_count=Count("service_records", filter=record_filter),
    )
    if current_only:
        memberships = memberships.filter(left_on__isnull=True)
    return memberships.order_by("model_worker__unit__name", "model_worker__name", "-joined_on")


def service_totals_by_unit(user, *, year=None) -> QuerySet[Unit]:
    """Units in scope with their team's `member_count`, `record_count` and `total_hours`."""
    record_filter = Q()
    if year is not None:
        start, end = year_bounds(year)
        record_filter = Q(
            model_workers__team_memberships__service_records__date__gte=start,
            model_workers__team_memberships__service_records__date__lte=end,
        )
    units = Unit.objects.all()
    if not permissions.is_office_or_admin(user):
        unit_id = permissions.unit_id_of(user)
        units = units.filter(pk=unit_id) if permissions.is_unit_staff(user) else units.none()
    path = "model_workers__team_memberships__service_records"
    return (
        units.annotate(
            record_count=Count(path, filter=record_filter),
            total_hours=Coalesce(
                Sum(f"{path}__hours", filter=record_filter),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=9, decimal_places=1),
            ),
        )
        .filter(record_count__gt=0)
        .order_by("-total_hours", "name")
    )


def service_records_for_user(user) -> QuerySet[ServiceRecord]:
    return _visible(
        user,
        ServiceRecord.objects.select_related("membership__model_worker__unit"),
        "membership__model_worker__unit",
    )


# Activities ------------------------------------------------------------------------------


def activities_for_user(user) -> QuerySet[Activity]:
    return _visible(
        user,
        Activity.objects.select_related("unit", "nine_project", "activity_type").annotate(
            worker_count=Count("model_workers", distinct=True)
        ),
    ).order_by("-date", "-id")


def activity_detail_for_user(user) -> QuerySet[Activity]:
    return _visible(
        user,
        Activity.objects.select_related(
            "unit", "nine_project", "activity_type", "created_by"
        ).prefetch_related("model_workers", "photos"),
    )


def flagged_activities(user, start, end) -> QuerySet[Activity]:
    """Activities dated in [start, end] with data-quality flags (the indexed `has_flags`)."""
    return (
        _visible(user, Activity.objects.select_related("unit__kind"))
        .filter(has_flags=True, date__gte=start, date__lte=end)
        .order_by("unit__kind__order", "unit__name", "date")
    )


def flagged_service_records(user, start, end) -> QuerySet[ServiceRecord]:
    return (
        service_records_for_user(user)
        .filter(has_flags=True, date__gte=start, date__lte=end)
        .order_by("membership__model_worker__unit__name", "date")
    )


def photos_for_user(user) -> QuerySet[ActivityPhoto]:
    return _visible(user, ActivityPhoto.objects.select_related("activity"), "activity__unit")


def _activities_between(unit, start, end) -> QuerySet[Activity]:
    return (
        Activity.objects.filter(unit=unit, date__gte=start, date__lte=end)
        .select_related("nine_project", "activity_type")
        .prefetch_related("model_workers")
        .order_by("date", "id")
    )


def activities_for_unit_period(unit, period) -> QuerySet[Activity]:
    """The unit's activities dated inside a reporting period (anything with .start/.end)."""
    return _activities_between(unit, period.start, period.end)


def activities_for_unit_year(unit, year) -> QuerySet[Activity]:
    """The unit's activities dated inside a competition year (CompetitionYear or number)."""
    start, end = year_bounds(year)
    return _activities_between(unit, start, end)


# Quota progress --------------------------------------------------------------------------


def type_count_name(activity_type: ActivityType | str) -> str:
    """The annotation name of a per-type count in `quota_progress`: e.g. `count_skills` (a
    type's code is a lower-case identifier, unique in its year)."""
    code = activity_type.code if isinstance(activity_type, ActivityType) else activity_type
    return f"count_{code}"


def activity_types_for(year) -> list[ActivityType]:
    """The activity types of a competition year (a CompetitionYear or a plain number; none
    for a number without a year), in their order."""
    if isinstance(year, CompetitionYear):
        return list(activity_types_of(year))
    return list(ActivityType.objects.filter(year__year=int(year)).order_by("number"))


def activity_count_for_outer_unit(year, unit=None):
    """An expression: the number of activities of the outer query's unit (`OuterRef("pk")`,
    or the reference given) dated inside the year: a correlated COUNT(*) on the (unit, date)
    index, for counting units by their activities (`units_behind` for a year number, the
    tallies' recount) without grouping every activity of the city.
    """
    start, end = year_bounds(year)
    unit = OuterRef("pk") if unit is None else unit
    rows = Activity.objects.filter(unit=unit, date__gte=start, date__lte=end)
    return RowCount(rows.order_by().values("unit"))


class RowCount(Subquery):
    """COUNT(*) of a (correlated) subquery's rows. Without the GROUP BY that
    `.values().annotate(Count())` adds, PostgreSQL counts on an index-only scan."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()


def activity_counts_by_unit(year) -> QuerySet[Activity]:
    """Per `unit`: `activity_count`, its activities dated inside the year, for every unit in
    ONE grouped query (to join; the awards unit ranking)."""
    start, end = year_bounds(year)
    return (
        Activity.objects.filter(date__gte=start, date__lte=end)
        .order_by()
        .values("unit")
        .annotate(activity_count=Count("pk"))
    )


def quota_units(year, *, by_parent: bool = False) -> QuerySet[QuotaUnit]:
    """The units `quota_progress` covers, in its order, without the counts: cheap to count
    and to page (a page of 50 then aggregates only its own units' activities). `by_parent`:
    each parent unit followed by its sub-units (the office's grouping, as on the reports'
    dashboard); each unit's quota stays its own (sub-units do not count in their parent's)."""
    start, end = year_bounds(year)
    # The EXISTS on the units themselves, not `pk IN (units active …)`: one pass over the
    # units instead of two (the home page's count of units behind: 8.5 → 4.5 ms at scale 10).
    units = QuotaUnit.objects.filter(active_between(start, end))
    if by_parent:
        group = Coalesce("parent__name", "name")
        return units.order_by(group, F("parent").asc(nulls_first=True), "name")
    return units.order_by("kind__order", "name")


def quota_progress(year, units=None, types=None) -> QuerySet[QuotaUnit]:
    """Each unit active in `year` against its quota, in ONE query (only `units`, a list of
    primary keys or a queryset of units, when given).

    `year` is a CompetitionYear or a year number. Units are those active during the year
    (units that joined or left mid-year are included; deactivated ones are not). Each unit is
    annotated, in the database:

    - `activity_count`: its activities dated inside the year;
    - `effective_quota`: the year's quota (`competition.selectors.quota_for_year`: its own
      UnitQuota, else its kind's KindQuota, else 0), and `quota_override` (its own, or None);
    - `behind`: True when `activity_count < effective_quota`;
    - `count_<code>` for each of the year's activity types (`count_skills`,
      `count_health`, ...; see `type_count_name`; `types`, when the caller has them, saves
      reading them again).

    The queryset can be filtered further (`.filter(behind=True)`, `.filter(pk=...)`),
    counted, or ordered by these annotations; awards uses it for quota fulfilment, reminders
    for the units behind. Ordered like the unit list (kind, then name); `kind` is joined.
    """
    start, end = year_bounds(year)
    joined = Q(volunteer_activities__date__gte=start, volunteer_activities__date__lte=end)
    scope = quota_units(year)
    if units is not None:
        scope = scope.filter(pk__in=units)
        if not isinstance(units, QuerySet):
            # Keys said of the activities too: PostgreSQL does not carry `unit.id IN (…)`
            # across the join, and without it hashes every activity of the city for a page
            # of 50 units. (A FilteredRelation cannot hold a queryset: one only scopes.)
            joined &= Q(volunteer_activities__unit__in=list(units))
    # The activities counted, joined with their conditions in the ON clause.
    counted = FilteredRelation("volunteer_activities", condition=joined)
    per_type = {
        type_count_name(t): Count("counted", filter=Q(counted__activity_type=t.pk))
        for t in (activity_types_for(year) if types is None else types)
    }
    return (
        scope.select_related("kind")
        .alias(counted=counted)
        .annotate(
            activity_count=Count("counted"),
            effective_quota=quota_for_year(year),
            quota_override=own_quota(year),
            **per_type,
        )
        .annotate(
            behind=Case(
                When(activity_count__lt=F("effective_quota"), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("kind__order", "name")
    )


def activities_rolled_up(unit_ids, year) -> dict:
    """Activities, households and people over all the units (a parent and its sub-units) in
    the year, summed by the database."""
    start, end = year_bounds(year)
    return Activity.objects.filter(
        unit_id__in=list(unit_ids), date__gte=start, date__lte=end
    ).aggregate(activities=Count("pk"), households=Sum("households"), people=Sum("people"))


def _counted_units(year) -> QuerySet[QuotaUnit]:
    """`quota_units` with `activity_count` and `effective_quota`. For a CompetitionYear, the
    count is the unit's `ActivityTally` and the quota its year's rows, all joined: one row
    of each per unit. For a plain year number, which has no tallies, one correlated count per
    unit on the (unit, date) index."""
    if not isinstance(year, CompetitionYear):
        return quota_units(year).annotate(
            effective_quota=quota_for_year(year),
            activity_count=activity_count_for_outer_unit(year),
        )
    tally = FilteredRelation("activity_tallies", condition=Q(activity_tallies__year=year))
    return (
        with_joined_quota(quota_units(year), year)
        .alias(tally=tally)
        .annotate(activity_count=Coalesce("tally__count", Value(0), output_field=IntegerField()))
    )


BEHIND = Q(activity_count__lt=F("effective_quota"))


def units_behind(year) -> QuerySet[QuotaUnit]:
    """The units of `quota_progress` that are behind their quota, for counting (the home
    page shows how many)."""
    return _counted_units(year).filter(BEHIND)


def quota_summary(year) -> dict[str, int]:
    """How many units `quota_progress` covers (`units`) and how many of them are behind
    their quota (`behind`): one query, for the quota page's pager and heading."""
    return _counted_units(year).aggregate(units=Count("pk"), behind=Count("pk", filter=BEHIND))


def quota_for_unit(unit, year) -> QuotaUnit | None:
    """One unit's row of `quota_progress` (None when it was not active that year)."""
    return quota_progress(year).filter(pk=unit.pk).first()
