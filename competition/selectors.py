"""Reads for the competition core, always scoped to what the user may see."""

import datetime
import functools
import operator
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, Greatest, NullIf, Round, Sqrt
from django.shortcuts import get_object_or_404
from django.utils import timezone

from common.web import once_per_request

from . import permissions
from .enums import SPOT_CHECK_POINTS, Role, YearStatus
from .models import (
    STANDING_TOTAL_ORDER,
    ActivityType,
    CompetitionYear,
    ConflictDeclaration,
    Criterion,
    Entry,
    KindQuota,
    NineProject,
    Notice,
    Participation,
    QualityRule,
    ReportingPeriod,
    ReviewerAssignment,
    Score,
    ScoreSheet,
    SelfAssessment,
    SelfScore,
    SpotCheck,
    SpotCheckDraw,
    SpotCheckPhoto,
    Unit,
    UnitKind,
    UnitQuota,
    overlapping,
)


def visible_to(user, queryset: QuerySet, unit_path: str = "unit", *, subtree=False) -> QuerySet:
    """The one answer to "which of these records may this user see": every one for office
    and admins, unit staff only their own unit's (`unit_path` leads from the record to its
    unit; "" for units themselves) or, with `subtree`, also its sub-units' (to read: changes
    stay with the own unit), nobody else any."""
    if permissions.may(user, "competition.view_all_units"):
        return queryset
    unit_id = permissions.unit_id_of(user)
    if unit_id is None or not permissions.is_unit_staff(user):
        return queryset.none()
    ids = permissions.scope_unit_ids(user) if subtree else [unit_id]
    return queryset.filter(**{f"{unit_path}_id__in" if unit_path else "pk__in": ids})


def units_for_user(user) -> QuerySet[Unit]:
    """Every unit for office and admins; unit staff their own and its sub-units (to read);
    nobody else anything. A page about the user's own unit filters on `unit_id_of(user)`."""
    return visible_to(user, Unit.objects.select_related("kind", "parent"), "", subtree=True)


def own_unit(user) -> Unit | None:
    """The user's own unit (unit staff; office members may have one too), or None: the one
    answer where a page or a write is about "my unit" (never a sub-unit)."""
    unit_id = permissions.unit_id_of(user)
    if unit_id is None:
        return None
    return Unit.objects.select_related("kind", "parent").filter(pk=unit_id).first()


def unit_for_user(user, pk) -> Unit:
    """One unit, 404 when out of the user's scope."""
    return get_object_or_404(units_for_user(user), pk=pk)


def participations_overlapping(start, end, unit=None) -> QuerySet[Participation]:
    """Participations of `unit` (by default the outer query's unit) overlapping [start, end];
    `start` and `end` may be dates or outer references (a period's bounds)."""
    unit = OuterRef("pk") if unit is None else unit
    return Participation.objects.filter(overlapping(start, end), unit=unit)


def active_between(start: datetime.date, end: datetime.date) -> Exists:
    """An expression over units: a participation overlapping [start, end] (an EXISTS)."""
    return Exists(participations_overlapping(start, end))


def units_active_between(start: datetime.date, end: datetime.date) -> QuerySet[Unit]:
    """Units with a participation overlapping [start, end]: the denominators of reporting
    rates and the units a year's quotas apply to (an EXISTS subquery)."""
    return Unit.objects.filter(active_between(start, end))


def units_taking_part(today: datetime.date | None = None) -> QuerySet[Unit]:
    """Units taking part today (参赛中)."""
    today = today or timezone.localdate()
    return units_active_between(today, today)


def taking_part(today: datetime.date | None = None) -> Exists:
    """An expression over units: taking part today (annotated as `taking_part` in lists)."""
    today = today or timezone.localdate()
    return Exists(participations_overlapping(today, today))


def _of_year(year) -> Q:
    if isinstance(year, CompetitionYear):
        return Q(year=year.pk)
    return Q(year__year=int(year))


def own_quota(year) -> Subquery:
    """An expression over units: the unit's own quota for `year` (UnitQuota), else NULL."""
    # No ordering: a (unit, year) row is unique, and the model's ordering would join units
    # and kinds into every evaluation of the subquery.
    own = UnitQuota.objects.filter(_of_year(year), unit=OuterRef("pk"))
    quota = own.order_by().values("quota")[:1]
    return Subquery(quota, output_field=IntegerField())


def quota_for_year(year) -> Coalesce:
    """An expression over units: the unit's activity quota for `year` (a CompetitionYear or a
    year number), its own UnitQuota, else its kind's KindQuota, else 0. Each year has its
    own rows, so changing one year's quota never changes another year's figures."""
    of_kind = KindQuota.objects.filter(_of_year(year), kind=OuterRef("kind_id"))
    kind = of_kind.order_by().values("quota")[:1]
    return Coalesce(
        own_quota(year),
        Subquery(kind, output_field=IntegerField()),
        Value(0),
        output_field=IntegerField(),
    )


def with_joined_quota(units: QuerySet[Unit], year: CompetitionYear) -> QuerySet[Unit]:
    """`units` annotated with `effective_quota` as `quota_for_year` gives it, from the year's
    UnitQuota and KindQuota rows LEFT JOINed (each unique per unit or kind and year) instead of
    two subqueries per unit: for counting over every unit of a large city."""
    return units.alias(
        own_quota_row=FilteredRelation("quotas", condition=Q(quotas__year=year.pk)),
        kind_quota_row=FilteredRelation("kind__quotas", condition=Q(kind__quotas__year=year.pk)),
    ).annotate(
        effective_quota=Coalesce(
            "own_quota_row__quota",
            "kind_quota_row__quota",
            Value(0),
            output_field=IntegerField(),
        )
    )


def with_quota(units: QuerySet[Unit], year) -> QuerySet[Unit]:
    """`units` annotated with `effective_quota` for `year` and `quota_override` (the unit's
    own quota, None when it follows its kind): for the unit pages."""
    if year is None:
        return units.annotate(
            effective_quota=Value(None, output_field=IntegerField()),
            quota_override=Value(None, output_field=IntegerField()),
        )
    return units.annotate(effective_quota=quota_for_year(year), quota_override=own_quota(year))


def units_with_status_for_user(user, year) -> QuerySet[Unit]:
    """`units_for_user` with `taking_part` (today) and `year`'s `effective_quota` and
    `quota_override` (see `with_quota`): the unit list, the unit page, the home panels."""
    return with_quota(units_for_user(user), year).annotate(taking_part=taking_part())


def first_units_taking_part(user, year, count: int) -> tuple[list[Unit], int]:
    """The first `count` of the user's units taking part today (in the list's order), each
    with its kind and `year`'s `effective_quota`, and how many take part in all (a window
    count over the same rows): one query. The quota's subqueries are in the select list
    only, so PostgreSQL evaluates them after the sort and the cut, for the rows kept, not
    for every unit of the city."""
    quota = quota_for_year(year) if year is not None else Value(None, IntegerField())
    units = list(
        units_for_user(user)
        .select_related(None)
        .select_related("kind")
        .filter(taking_part())
        .annotate(total=Window(Count("pk")), effective_quota=quota)[:count]
    )
    return units, (units[0].total if units else 0)


def unit_with_status_for_user(user, pk, year) -> Unit:
    """One unit of `units_with_status_for_user`, 404 when out of the user's scope."""
    return get_object_or_404(units_with_status_for_user(user, year), pk=pk)


def kind_quotas(year) -> QuerySet[KindQuota]:
    return KindQuota.objects.filter(_of_year(year)).select_related("kind").order_by("kind__order")


def unit_kinds() -> QuerySet[UnitKind]:
    return UnitKind.objects.order_by("order")


def unit_quotas(year: CompetitionYear) -> QuerySet[UnitQuota]:
    """The units with a quota of their own in the year (单独设定), by kind and name."""
    return (
        UnitQuota.objects.filter(year=year)
        .select_related("unit__kind")
        .order_by("unit__kind__order", "unit__name")
    )


def units_with_participations(year: CompetitionYear) -> QuerySet[Unit]:
    """Every unit with its participation records and whether it takes part in the year at
    all (`in_year`), by kind and name: the year's 参赛单位 page."""
    return (
        Unit.objects.select_related("kind")
        .prefetch_related("participations")
        .annotate(in_year=Exists(participations_overlapping(year.start_date, year.end_date)))
        .order_by("kind__order", "name")
    )


def periods_of(year: CompetitionYear) -> QuerySet[ReportingPeriod]:
    return ReportingPeriod.objects.filter(year=year).select_related("year").order_by("number")


def _current_year_qs(today: datetime.date) -> QuerySet[CompetitionYear]:
    # One query instead of up to three: the open year containing today ranks first, then the
    # latest open one, then the latest one (every page asks, some several times).
    rank = Case(
        When(status=YearStatus.OPEN, start_date__lte=today, end_date__gte=today, then=Value(0)),
        When(status=YearStatus.OPEN, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return CompetitionYear.objects.order_by(rank, "-year")


def current_year(today: datetime.date | None = None) -> CompetitionYear | None:
    """The open year containing today, else the latest open one, else the latest one."""
    return _current_year_qs(today or timezone.localdate()).first()


def current_period(today: datetime.date | None = None) -> ReportingPeriod | None:
    """The period whose deadline comes next in the current year, else its last one (1 query)."""
    today = today or timezone.localdate()
    year = _current_year_qs(today).values("pk")[:1]
    upcoming = Case(When(deadline__gte=today, then=Value(0)), default=Value(1))
    return (
        ReportingPeriod.objects.filter(year=Subquery(year))
        .select_related("year")
        .order_by(
            upcoming,
            Case(When(deadline__gte=today, then=F("deadline"))).asc(),
            "-number",
        )
        .first()
    )


def unit_staff_by_unit(unit_ids) -> dict[int, list]:
    """Active unit staff users (单位填报员) of the given units, by unit id. One query."""
    users = (
        get_user_model()
        .objects.filter(
            is_active=True, membership__role=Role.UNIT_STAFF, membership__unit_id__in=list(unit_ids)
        )
        .select_related("membership")
        .order_by("username")
    )
    by_unit = defaultdict(list)
    for user in users:
        by_unit[user.membership.unit_id].append(user)
    return by_unit


def current_year_for(request) -> CompetitionYear | None:
    """`current_year()`, asked once per request: several panels of one page need it. It is
    the year of `current_period_for` (one query gives both), when the year has periods."""

    def year():
        period = current_period_for(request)
        return period.year if period is not None else current_year()

    return once_per_request(request, "current_year", year)


def current_period_for(request) -> ReportingPeriod | None:
    """`current_period()`, asked once per request."""
    return once_per_request(request, "current_period", current_period)


def years() -> QuerySet[CompetitionYear]:
    return CompetitionYear.objects.all()


def year_by_number(number: int) -> CompetitionYear:
    return get_object_or_404(CompetitionYear, year=number)


def year_of_date(date: datetime.date | None) -> CompetitionYear | None:
    """The competition year a dated record (an activity) belongs to: the one whose dates
    contain the day (the earliest, should two overlap)."""
    if date is None:
        return None
    containing = CompetitionYear.objects.filter(start_date__lte=date, end_date__gte=date)
    return containing.order_by("start_date", "year").first()


def projects_of(year: CompetitionYear | None) -> QuerySet[NineProject]:
    """The year's projects (the nine projects by default), in their order."""
    if year is None:
        return NineProject.objects.none()
    return NineProject.objects.filter(year=year).order_by("number")


def activity_types_of(year: CompetitionYear | None) -> QuerySet[ActivityType]:
    """The year's activity types (the “5+1” by default), in their order."""
    if year is None:
        return ActivityType.objects.none()
    return ActivityType.objects.filter(year=year).order_by("number")


# --- 四比双争 scoring -------------------------------------------------------------------------


def criteria_of(year: CompetitionYear) -> list[Criterion]:
    """The year's scoring criteria (四比 by default), in their order."""
    return list(Criterion.objects.filter(year=year).order_by("number"))


def quality_rules_of(year: CompetitionYear) -> list[QualityRule]:
    """The year's data-quality rules, every one (active or not), in their order."""
    return list(QualityRule.objects.filter(year=year).order_by("number"))


def self_assessment_of(unit, year) -> SelfAssessment | None:
    return (
        SelfAssessment.objects.filter(unit=unit, year=year)
        .select_related("submitted_by")
        .prefetch_related("scores")
        .first()
    )


def self_points_of(unit, year) -> dict | None:
    """A unit's submitted self-assessment as points by criterion code (None without one)."""
    rows = SelfScore.objects.filter(
        assessment__unit=unit, assessment__year=year, assessment__submitted_at__isnull=False
    ).values_list("criterion__code", "points")
    return dict(rows) or None


def office_means_of_unit(unit, year) -> dict[str, float]:
    """The reviewers' mean points per criterion code over the unit's entries of the year (each
    entry's mean over its sheets, then the mean over the entries that have one)."""
    sums, counts = defaultdict(float), defaultdict(int)
    for means in entry_standings(year).filter(unit=unit).values_list("means", flat=True):
        for code, value in (means or {}).items():
            if value is not None:
                sums[code] += float(value)
                counts[code] += 1
    return {code: sums[code] / counts[code] for code in sums}


def self_assessment_rows(unit, year, assessment=None) -> list[dict]:
    """One row per criterion of the year: the unit's points, justification and evidence
    links, and the reviewers' mean (`office`, None without sheets)."""
    scores = {s.criterion_id: s for s in assessment.scores.all()} if assessment else {}
    office = office_means_of_unit(unit, year)
    rows = []
    for criterion in criteria_of(year):
        score = scores.get(criterion.pk)
        rows.append(
            {
                "criterion": criterion,
                "score": score,
                "links": [line for line in (score.evidence.splitlines() if score else ()) if line],
                "office": office.get(criterion.code),
            }
        )
    return rows


def self_totals(year, unit_ids) -> dict[int, float]:
    """Submitted self-assessments' weighted totals on the 100 scale, by unit id (the formula
    of the reviewers' weighted total: 100 × Σ(weight × points ÷ max) ÷ Σweight)."""

    def real(name):  # SQLite divides integral decimals as integers
        return Cast(name, FloatField())

    weight = real("criterion__weight")
    rows = (
        SelfScore.objects.filter(
            assessment__year=year,
            assessment__unit_id__in=unit_ids,
            assessment__submitted_at__isnull=False,
        )
        .values("assessment__unit_id")
        .annotate(
            part=Sum(weight * real("points") / real("criterion__max_points")),
            weights=Sum(weight),
        )
    )
    return {
        row["assessment__unit_id"]: 100 * row["part"] / row["weights"]
        for row in rows
        if row["weights"]
    }


def weight_factors(criteria) -> dict[int, float]:
    """Per criterion (by id), the factor that turns its points into its share of a 0–100
    total.

    total = 100 × Σ_c (w_c × points_c / max_c) ÷ Σ_c w_c. With equal weights and every
    criterion at its maximum this is 100; with the defaults (4 × 25 points, weight 1) it is
    simply the sum of the points. If every weight is 0, the criteria count equally.
    """
    weights = {c.pk: float(c.weight) for c in criteria}
    if not sum(weights.values()):
        weights = dict.fromkeys(weights, 1.0)
    weight_sum = sum(weights.values())
    return {c.pk: 100.0 * weights[c.pk] / (float(c.max_points) * weight_sum) for c in criteria}


def added(terms):
    """One SQL expression: the sum of `terms` (expressions; at least one)."""
    return functools.reduce(operator.add, terms)


def _factor_of_criterion(factors: dict[int, float]):
    """SQL: the factor of a Score row's criterion (a CASE over the year's few criteria)."""
    whens = [When(criterion_id=pk, then=Value(factor)) for pk, factor in factors.items()]
    return Case(*whens, default=Value(0.0), output_field=FloatField())


def conflicted(sheet: str = "") -> Exists:
    """SQL: the sheet's reviewer has declared a conflict of interest with its entry's unit.
    `sheet` is the path from the queried model to the sheet ("" for ScoreSheet itself,
    "sheet__" for Score)."""
    return Exists(
        ConflictDeclaration.objects.filter(
            reviewer=OuterRef(f"{sheet}reviewer"), unit=OuterRef(f"{sheet}entry__unit")
        )
    )


def counted_sheets(sheets: QuerySet[ScoreSheet] | None = None) -> QuerySet[ScoreSheet]:
    """The score sheets that count in the standings and the evaluation: all but those of a
    reviewer who declared a conflict with the entry's unit (even after scoring). A sheet that
    stops counting stays the record; the declaration says why (`sheets_with_totals`)."""
    sheets = ScoreSheet.objects.all() if sheets is None else sheets
    return sheets.filter(~conflicted())


def counted_scores(entries) -> QuerySet[Score]:
    """The scores of the counted sheets of `entries` (keys or a queryset)."""
    return Score.objects.filter(sheet__entry__in=entries).filter(~conflicted("sheet__"))


def sheet_totals(entries, *, counted: bool = True, criteria=None) -> QuerySet[Score]:
    """Per score sheet of `entries` (keys or a queryset): `entry`, `sheet`, `reviewer` and
    `total`, its weighted total on the 0–100 scale under its year's criteria. Only the
    sheets that count (`counted_sheets`), unless `counted=False`. One query (plus one for the
    criteria of the years concerned, unless given as `criteria`)."""
    if criteria is None:
        criteria = Criterion.objects.filter(year__entries__in=entries).distinct()
    factors = weight_factors_by_year(criteria)
    points = ExpressionWrapper(
        Cast("points", FloatField()) * _factor_of_criterion(factors), output_field=FloatField()
    )
    scores = counted_scores(entries) if counted else Score.objects.filter(sheet__entry__in=entries)
    return (
        scores.order_by()
        .values("sheet")
        .annotate(
            entry=F("sheet__entry"),
            reviewer=F("sheet__reviewer"),
            total=Sum(points),
        )
    )


def weight_factors_by_year(criteria) -> dict[int, float]:
    """`weight_factors` of each year's criteria, merged (criterion ids are unique)."""
    by_year = defaultdict(list)
    for criterion in criteria:
        by_year[criterion.year_id].append(criterion)
    return {pk: f for group in by_year.values() for pk, f in weight_factors(group).items()}


def criterion_means(entries) -> dict[int, dict[str, float]]:
    """Per entry of `entries`: each criterion's mean points over its counted sheets, by code."""
    rows = (
        counted_scores(entries)
        .order_by()
        .values("sheet__entry", "criterion__code")
        .annotate(mean=Avg(Cast("points", FloatField())))
    )
    means = defaultdict(dict)
    for row in rows:
        means[row["sheet__entry"]][row["criterion__code"]] = row["mean"]
    return means


def mean_expression(code: str, path: str = "score__means"):
    """SQL: the mean points of criterion `code`, read from a JSON `means` field."""
    return Cast(KeyTextTransform(code, path), FloatField())


def _rounded(expression, places: int = 6):
    """SQL: a float rounded to `places` decimals, so that equal totals compare equal (in
    order, ranks and ties) whatever order their floats were summed in. PostgreSQL rounds
    numerics only, hence the casts."""
    exact = Cast(expression, DecimalField(max_digits=30, decimal_places=12))
    return Cast(Round(exact, places), FloatField())


def _std_dev(mean_of_squares, mean):
    """Population standard deviation as sqrt(E[x²] − E[x]²): SQLite has no STDDEV aggregate.

    Clamped at 0 because rounding can make the difference a hair below zero.
    """
    return Sqrt(
        Greatest(
            ExpressionWrapper(mean_of_squares - mean * mean, output_field=FloatField()),
            Value(0.0, output_field=FloatField()),
        )
    )


def entry_standings(
    year: CompetitionYear,
    *,
    nine_project: NineProject | None = None,
    queryset: QuerySet[Entry] | None = None,
) -> QuerySet[Entry]:
    """The year's entries with their scores, in ONE SQL query over one row per entry.

    Each entry is annotated with:
    - `means`: each criterion's mean points over the entry's sheets, by criterion code
      (a dict; empty without sheets);
    - `weighted_total`: the mean of the sheet totals, each 100 × Σ_c (w_c × points_c / max_c)
      ÷ Σ_c w_c over the year's criteria (all at maximum = 100; with the default 4 × 25
      points and equal weights it equals the sum of the four means); None without sheets;
    - `sheet_count`: the number of sheets;
    - `spread`: the POPULATION standard deviation of the sheet totals (0 with one sheet);
    - `disputed`: at least two sheets and spread > the year's `disagreement_threshold`;

    The normalised total, for the rows of a page (`normalised_totals`), is the mean over the
    entry's sheets of each reviewer's z-score (the sheet total standardised by that
    reviewer's mean and standard deviation over the year), rescaled to the mean and standard
    deviation of all the year's sheet totals, so that a harsh and a lenient reviewer count
    alike. A reviewer whose totals do not vary contributes z = 0.

    The figures come from the entry's EntryScore row (sheet count, sum and sum of squares of
    the sheet totals, the criterion means), kept by `services.entry_scores_refresh`.
    Ordered by weighted total (unscored last), then title. `mean_expression(code)` reads one
    criterion's mean in SQL (tie-breaks). Pass `queryset` to start from a user-scoped set.
    """
    entries = standings_entries(year, nine_project=nine_project, queryset=queryset)
    sheets = NullIf(F("score__sheet_count"), Value(0))
    entries = (
        _with_weighted_total(entries.select_related("unit", "nine_project", "year"))
        .annotate(sheet_count=Coalesce(F("score__sheet_count"), 0), means=F("score__means"))
        .annotate(
            spread=_std_dev(
                ExpressionWrapper(F("score__total_square_sum") / sheets, output_field=FloatField()),
                F("weighted_total"),
            )
        )
        .annotate(
            disputed=Case(
                When(
                    sheet_count__gte=2,
                    spread__gt=float(year.disagreement_threshold),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    return entries.order_by(*STANDINGS_ORDER)


STANDINGS_ORDER = (F("weighted_total").desc(nulls_last=True), "title", "pk")


def _with_weighted_total(entries: QuerySet[Entry]) -> QuerySet[Entry]:
    sheets = NullIf(F("score__sheet_count"), Value(0))
    mean = ExpressionWrapper(F("score__total_sum") / sheets, output_field=FloatField())
    return entries.annotate(weighted_total=_rounded(mean))


def standing_total_of_entry() -> Subquery:
    """An expression over entries: the weighted total `entry_standings` shows (None unscored),
    from the entry's EntryScore row: what `services.entry_scores_refresh` stores as the
    entry's `standing_total`."""
    scores = _with_weighted_total(Entry.objects.filter(pk=OuterRef("pk")))
    return Subquery(scores.values("weighted_total")[:1], output_field=FloatField())


def standings_keys(year: CompetitionYear, *, nine_project: NineProject | None = None):
    """The primary keys of `entry_standings` in its order, read in the order of the
    (year, standing_total, title, id) index: a page's keys without sorting the year."""
    entries = standings_entries(year, nine_project=nine_project)
    return entries.order_by(*STANDING_TOTAL_ORDER, "pk").values_list("pk", flat=True)


def _reviewer_stats(year: CompetitionYear, criteria) -> dict[int, tuple[int, float, float]]:
    """Per reviewer of the year: (sheets, mean, mean of squares) of their sheet totals, in
    one grouped query (each sheet's total is a subquery over its scores)."""
    factors = weight_factors(criteria)
    points = ExpressionWrapper(
        Cast("points", FloatField()) * _factor_of_criterion(factors), output_field=FloatField()
    )
    total = Subquery(
        Score.objects.filter(sheet=OuterRef("pk"))
        .order_by()
        .values("sheet")
        .annotate(total=Sum(points))
        .values("total"),
        output_field=FloatField(),
    )
    rows = (
        counted_sheets(ScoreSheet.objects.filter(entry__year=year))
        .annotate(total=total)
        .order_by()
        .values("reviewer")
        .annotate(
            sheets=Count("pk"),
            mean=Avg("total"),
            square=Avg(ExpressionWrapper(F("total") * F("total"), output_field=FloatField())),
        )
    )
    return {row["reviewer"]: (row["sheets"], row["mean"], row["square"]) for row in rows}


def _spread(mean: float, square: float) -> float:
    return max(square - mean * mean, 0.0) ** 0.5


def normalised_totals(year: CompetitionYear, entries) -> dict[int, float]:
    """The normalised total (see `entry_standings`) of each scored entry of `entries` (the
    keys of a page): the reviewers' means and spreads over the year come from one grouped
    query; only the given entries' sheets are read."""
    criteria = criteria_of(year)
    stats = _reviewer_stats(year, criteria)
    count = sum(n for n, _mean, _square in stats.values())
    if not count:
        return {}
    overall_mean = sum(n * mean for n, mean, _square in stats.values()) / count
    overall_square = sum(n * square for n, _mean, square in stats.values()) / count
    overall_std = _spread(overall_mean, overall_square)
    z_by_entry = defaultdict(list)
    for row in sheet_totals(list(entries), criteria=criteria):
        _n, mean, square = stats[row["reviewer"]]
        std = _spread(mean, square)
        z_by_entry[row["entry"]].append((row["total"] - mean) / std if std else 0.0)
    return {
        entry: overall_mean + overall_std * sum(zs) / len(zs) for entry, zs in z_by_entry.items()
    }


def standings_entries(
    year: CompetitionYear,
    *,
    nine_project: NineProject | None = None,
    queryset: QuerySet[Entry] | None = None,
) -> QuerySet[Entry]:
    """The entries `entry_standings` ranks, without the scores: to count them cheaply."""
    entries = (queryset if queryset is not None else Entry.objects.all()).filter(year=year)
    return entries if nine_project is None else entries.filter(nine_project=nine_project)


def sheets_with_totals(entry: Entry, criteria: list[Criterion] | None = None) -> list[ScoreSheet]:
    """An entry's score sheets, for the office: each with `total` (0–100 scale), `points`,
    its scores in the order of the year's criteria (None where missing), and `conflict`, the
    reviewer's declaration of a conflict with the entry's unit when there is one (the sheet
    then no longer counts)."""
    criteria = criteria_of(entry.year) if criteria is None else criteria
    totals = sheet_totals([entry.pk], counted=False, criteria=criteria)
    totals = {row["sheet"]: row["total"] for row in totals}
    conflicts = {c.reviewer_id: c for c in ConflictDeclaration.objects.filter(unit=entry.unit_id)}
    sheets = list(
        entry.sheets.select_related("reviewer", "reviewer__membership__unit")
        .prefetch_related("scores")
        .order_by("reviewer__username")
    )
    for sheet in sheets:
        by_criterion = {score.criterion_id: score.points for score in sheet.scores.all()}
        sheet.points = [by_criterion.get(c.pk) for c in criteria]
        sheet.total = totals.get(sheet.pk)
        sheet.conflict = conflicts.get(sheet.reviewer_id)
    return sheets


def score_history(sheet: ScoreSheet):
    """The last 20 changes of a sheet's scores (each criterion's points, when)."""
    return (
        Score.history.filter(sheet_id=sheet.pk)
        .select_related("criterion")
        .order_by("-history_date", "-history_id")[:20]
    )


def entries_for_user(user) -> QuerySet[Entry]:
    """Office and admins: every entry; unit staff: their own unit's and its sub-units';
    nobody else: none."""
    entries = Entry.objects.select_related("unit", "year", "nine_project")
    return visible_to(user, entries, subtree=True)


def entry_for_user(user, pk) -> Entry:
    return get_object_or_404(entries_for_user(user), pk=pk)


def entry_list(user, year: CompetitionYear | None, *, nine_project=None) -> QuerySet[Entry]:
    """The entry list page: each entry with its sheet count and whether the user has scored it."""
    entries = entries_for_user(user)
    if year is not None:
        entries = entries.filter(year=year)
    if nine_project is not None:
        entries = entries.filter(nine_project=nine_project)
    # A correlated count rather than JOIN + GROUP BY: the database counts sheets for the 50
    # rows of the page only, instead of grouping every sheet of the year before the LIMIT.
    sheets = (
        counted_sheets(ScoreSheet.objects.filter(entry=OuterRef("pk")))
        .order_by()
        .values("entry")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return entries.annotate(
        sheet_count=Coalesce(Subquery(sheets), 0),
        scored_by_me=Exists(
            ScoreSheet.objects.filter(entry=OuterRef("pk"), reviewer_id=user.pk or 0)
        ),
    ).order_by(*ENTRY_LIST_ORDER)


ENTRY_LIST_ORDER = ("nine_project__number", "unit__name", "pk")


def progress_entries(user, year: CompetitionYear) -> QuerySet[Entry]:
    """The scoring matrix's entries, in the entry list's order, with only what its rows show
    (title, unit name; the unit's id decides conflicts): no sheet counts, no texts."""
    return (
        entries_for_user(user)
        .filter(year=year)
        .select_related(None)
        .select_related("unit")
        .only("title", "unit__name")
        .order_by(*ENTRY_LIST_ORDER)
    )


def notice_recipients() -> QuerySet:
    """Who is told of a published notice (通报): every active user with a role."""
    return get_user_model().objects.filter(is_active=True, membership__isnull=False)


def reviewers() -> QuerySet:
    """Every office reviewer (竞赛办公室), with his own unit."""
    User = get_user_model()
    return (
        User.objects.filter(membership__role=Role.OFFICE, is_active=True)
        .select_related("membership__unit")
        .order_by("username")
    )


@dataclass
class ProgressCell:
    reviewer: object
    status: str  # "scored", "pending", "conflict" (own unit or declared), "unassigned"


def scoring_progress(
    year: CompetitionYear, entries, reviewer_list=None
) -> list[tuple[Entry, list[ProgressCell]]]:
    """The progress matrix: for each given entry, each reviewer's state (every reviewer, or
    the given ones: a page of the matrix's columns).

    A fixed number of queries whatever the size: the entries (given, already sliced), the
    reviewers, and the sheets, assignments and conflicts among them.
    """
    entries = list(entries)
    reviewer_list = list(reviewers() if reviewer_list is None else reviewer_list)
    entry_ids = [entry.pk for entry in entries]
    # Sets of pairs: unordered (the models' default orderings would join and sort).
    pairs = ("entry_id", "reviewer_id")
    scored = set(ScoreSheet.objects.filter(entry_id__in=entry_ids).order_by().values_list(*pairs))
    assigned = set(
        ReviewerAssignment.objects.filter(entry_id__in=entry_ids).order_by().values_list(*pairs)
    )
    conflicts = set(ConflictDeclaration.objects.order_by().values_list("reviewer_id", "unit_id"))
    rows = []
    for entry in entries:
        cells = []
        for reviewer in reviewer_list:
            # A sheet given before its reviewer declared a conflict no longer counts.
            if (reviewer.pk, entry.unit_id) in conflicts:
                status = "conflict"
            elif (entry.pk, reviewer.pk) in scored:
                status = "scored"
            elif reviewer.membership.unit_id == entry.unit_id:
                status = "conflict"
            elif not year.unassigned_may_score and (entry.pk, reviewer.pk) not in assigned:
                status = "unassigned"
            else:
                status = "pending"
            cells.append(ProgressCell(reviewer, status))
        rows.append((entry, cells))
    return rows


def assignments(year: CompetitionYear) -> QuerySet[ReviewerAssignment]:
    return ReviewerAssignment.objects.filter(entry__year=year).select_related(
        "entry__unit", "entry__nine_project", "reviewer"
    )


def conflicts_for_user(user) -> QuerySet[ConflictDeclaration]:
    """Admins see every declaration; a reviewer his own."""
    conflicts = ConflictDeclaration.objects.select_related("reviewer", "unit")
    if permissions.is_admin(user):
        return conflicts
    if permissions.is_office(user):
        return conflicts.filter(reviewer=user)
    return conflicts.none()


def spot_checks_for_user(user) -> QuerySet[SpotCheck]:
    checks = SpotCheck.objects.select_related("unit", "entry", "year", "recorded_by", "draw")
    return visible_to(user, checks, subtree=True)


def spot_check_points() -> Case:
    """An expression over spot checks: the rating as points (`enums.SPOT_CHECK_POINTS`)."""
    return Case(
        *(When(rating=rating, then=Value(points)) for rating, points in SPOT_CHECK_POINTS.items()),
        output_field=FloatField(),
    )


def spot_check_scores_by_unit(year) -> QuerySet[SpotCheck]:
    """Per `unit`: `spot_check_count`, its spot checks of the year, and `spot_check_score`,
    the mean of their ratings as points (0–100), in ONE grouped query (to join; the awards
    unit ranking). Units never spot-checked have no row."""
    return (
        SpotCheck.objects.filter(year=year)
        .order_by()
        .values("unit")
        .annotate(spot_check_count=Count("pk"), spot_check_score=Avg(spot_check_points()))
    )


def spot_check_for_user(user, pk) -> SpotCheck:
    return get_object_or_404(spot_checks_for_user(user).prefetch_related("photos"), pk=pk)


def spot_check_photo_for_user(user, pk) -> SpotCheckPhoto:
    return get_object_or_404(
        SpotCheckPhoto.objects.select_related("spot_check").filter(
            spot_check__in=spot_checks_for_user(user)
        ),
        pk=pk,
    )


def draws_for_user(user) -> QuerySet[SpotCheckDraw]:
    if not permissions.may(user, "competition.draw_spot_check"):
        return SpotCheckDraw.objects.none()
    return SpotCheckDraw.objects.select_related("year", "drawn_by")


def notices_for_user(user) -> QuerySet[Notice]:
    """Published notices for every logged-in user, newest first; drafts too for the office."""
    notices = Notice.objects.select_related("year", "author")
    if not user.is_authenticated:
        return notices.none()
    if not permissions.may(user, "competition.publish_notice"):
        notices = notices.filter(published=True)
    return notices.order_by(F("published_at").desc(nulls_first=True), "-created_at", "-pk")


def year_status_changes(years) -> list:
    """The recorded closings and reopenings of `years` (history rows with a reason), newest
    first, with who made them."""
    return list(
        CompetitionYear.history.filter(
            id__in=[year.pk for year in years], history_change_reason__isnull=False
        )
        .exclude(history_change_reason="")
        .select_related("history_user")
        .order_by("-history_date")
    )


def report_counts_by_period(year: CompetitionYear) -> dict[int, int]:
    """Per period of the year (by id): how many reports, in any state, belong to it (a period
    with reports cannot be deleted or replaced)."""
    rows = (
        ReportingPeriod.objects.filter(year=year)
        .annotate(n=Count("reports"))
        .values_list("pk", "n")
    )
    return dict(rows)


# --- the home page's 待办 (to-do) -------------------------------------------------------------


def entries_to_score_count(user, year: CompetitionYear | None) -> int:
    """Entries of `year` the office reviewer may score and has not scored yet (one query):
    assigned to him, or any if the year lets unassigned reviewers score; never a unit he has
    a conflict with (his own, or declared)."""
    if year is None or not year.is_open or not permissions.is_office(user):
        return 0
    # NOT EXISTS written out: the same SQL as `.exclude(sheets__reviewer=user)`, built in
    # 0.6 ms less (the home page asks for it on every visit).
    scored = ScoreSheet.objects.filter(entry=OuterRef("pk"), reviewer=user)
    entries = Entry.objects.filter(year=year).filter(~Exists(scored))
    if not year.unassigned_may_score:
        entries = entries.filter(assignments__reviewer=user)
    unit_id = permissions.unit_id_of(user)
    if unit_id is not None:
        entries = entries.exclude(unit_id=unit_id)
    conflicts = ConflictDeclaration.objects.filter(reviewer=user).values("unit_id")
    # No DISTINCT: one assignment per entry and reviewer (assignment_unique), and the
    # excludes are NOT EXISTS subqueries, so no entry comes twice.
    return entries.exclude(unit_id__in=conflicts).count()


def spot_checks_due_count(year: CompetitionYear | None) -> int:
    """Units drawn for a spot check in `year` whose check is not recorded yet (one query: a
    row per draw and check recorded under it)."""
    if year is None:
        return 0
    rows = SpotCheckDraw.objects.filter(year=year).values_list(
        "pk", "result", "spot_checks__unit_id"
    )
    drawn, done = set(), set()
    for pk, result, checked in rows:
        drawn.update((pk, unit_id) for unit_id in result)
        done.add((pk, checked))
    return len(drawn - done)
