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
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, NullIf, Sqrt
from django.shortcuts import get_object_or_404
from django.utils import timezone

from . import permissions
from .enums import CRITERION_CODES, Role, YearStatus
from .models import (
    CompetitionYear,
    ConflictDeclaration,
    Criterion,
    Entry,
    NineProject,
    Notice,
    ReportingPeriod,
    ReviewerAssignment,
    ScoreSheet,
    SpotCheck,
    SpotCheckDraw,
    SpotCheckPhoto,
    Unit,
    criterion_pairs,
)


def units_for_user(user) -> QuerySet[Unit]:
    """Every unit for office and admins; unit staff only their own; nobody else anything."""
    units = Unit.objects.select_related("kind", "parent")
    if permissions.may(user, "competition.view_all_units"):
        return units
    unit_id = permissions.unit_id_of(user)
    if unit_id is None or not permissions.is_unit_staff(user):
        return units.none()
    return units.filter(pk=unit_id)


def unit_for_user(user, pk) -> Unit:
    """One unit, 404 when out of the user's scope."""
    return get_object_or_404(units_for_user(user), pk=pk)


def units_active_between(start: datetime.date, end: datetime.date) -> QuerySet[Unit]:
    """Units that took part during [start, end]: the denominators of reporting rates."""
    return Unit.objects.filter(is_active=True).filter(
        Q(active_from__isnull=True) | Q(active_from__lte=end),
        Q(active_until__isnull=True) | Q(active_until__gte=start),
    )


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
    """`current_year()`, asked once per request: several panels of one page need it."""
    if not hasattr(request, "_current_year"):
        request._current_year = current_year()
    return request._current_year


def current_period_for(request) -> ReportingPeriod | None:
    """`current_period()`, asked once per request."""
    if not hasattr(request, "_current_period"):
        request._current_period = current_period()
    return request._current_period


def years() -> QuerySet[CompetitionYear]:
    return CompetitionYear.objects.all()


def year_by_number(number: int) -> CompetitionYear:
    return get_object_or_404(CompetitionYear, year=number)


# --- 四比双争 scoring -------------------------------------------------------------------------


def criteria_by_code() -> dict[str, Criterion]:
    """The four criteria (四比), keyed by code, in their order."""
    return {c.code: c for c in Criterion.objects.filter(code__in=CRITERION_CODES)}


def _weight_factors(criteria: dict[str, Criterion]) -> dict[str, float]:
    """Per criterion, the factor that turns its points into its share of a 0–100 total.

    total = 100 × Σ_c (w_c × points_c / max_c) ÷ Σ_c w_c. With equal weights and every
    criterion at its maximum this is 100; with the defaults (4 × 25 points, weight 1) it is
    simply the sum of the points. If every weight is 0, the criteria count equally.
    """
    weights = {code: float(c.weight) for code, c in criteria.items()}
    if not sum(weights.values()):
        weights = dict.fromkeys(weights, 1.0)
    weight_sum = sum(weights.values())
    return {
        code: 100.0 * weights[code] / (float(c.max_points) * weight_sum)
        for code, c in criteria.items()
    }


def added(terms):
    """One SQL expression: the sum of `terms` (expressions; at least one)."""
    return functools.reduce(operator.add, terms)


def sheet_total_expression(criteria: dict[str, Criterion], prefix: str = ""):
    """SQL expression: a score sheet's weighted total on the 0–100 scale (see `_weight_factors`).

    `prefix` is the path to the sheet from the queried model, e.g. "sheets__" from Entry.
    """
    factors = _weight_factors(criteria)
    terms = [
        Cast(F(f"{prefix}{code}"), FloatField()) * Value(factor, output_field=FloatField())
        for code, factor in factors.items()
    ]
    return ExpressionWrapper(added(terms), output_field=FloatField())


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
    normalised: bool = False,
    queryset: QuerySet[Entry] | None = None,
) -> QuerySet[Entry]:
    """The year's entries with their scores, in ONE SQL query over one row per entry.

    Each entry is annotated with:
    - `mean_work`, `mean_effect`, `mean_income`, `mean_satisfaction`: the mean points of each
      criterion over the entry's score sheets (float; None without sheets);
    - `weighted_total`: 100 × Σ_c (w_c × mean_c / max_c) ÷ Σ_c w_c, i.e. the mean of the sheet
      totals on a 0–100 scale (all criteria at maximum = 100; with the default 4 × 25 points
      and equal weights it equals the sum of the four means);
    - `sheet_count`: the number of sheets;
    - `spread`: the POPULATION standard deviation of the sheet totals (0 with one sheet);
    - `disputed`: at least two sheets and spread > the year's `disagreement_threshold`;
    - with `normalised=True`, `normalised_total`: the mean over the entry's sheets of each
      reviewer's z-score (the sheet total standardised by that reviewer's mean and standard
      deviation over the year), rescaled to the mean and standard deviation of all the year's
      sheet totals, so that a harsh and a lenient reviewer count alike. A reviewer whose totals
      do not vary contributes z = 0. This joins the sheets and costs one small extra query.

    The means and the spread come from the entry's EntryScore row (sheet count, sums and
    sums of products of the points, kept by `services.entry_scores_refresh`): the mean of
    the totals is Σ_c f_c·mean_c and the mean of their squares Σ_a Σ_b f_a·f_b·mean(x_a·x_b),
    with the factors f of the criteria as they are now. Ordered by weighted total (unscored
    last), then title. Weights and maxima are read from the Criterion rows first (one small
    query) and enter the SQL as constants. Pass `queryset` to start from a user-scoped set.
    """
    criteria = criteria_by_code()
    entries = standings_entries(year, nine_project=nine_project, queryset=queryset)
    factors = _weight_factors(criteria)
    sheets = NullIf(F("score__sheet_count"), Value(0))

    def mean(name):
        return ExpressionWrapper(F(f"score__{name}") / sheets, output_field=FloatField())

    # Σ_a Σ_b f_a·f_b·Σ(x_a·x_b), each pair once (twice its factor when a ≠ b), ÷ n once.
    squares = [
        Value((1.0 if a == b else 2.0) * factors[a] * factors[b]) * F(f"score__prod_{a}_{b}")
        for a, b in criterion_pairs()
    ]
    mean_square = ExpressionWrapper(added(squares) / sheets, output_field=FloatField())
    entries = (
        entries.select_related("unit", "nine_project", "year")
        .annotate(
            sheet_count=Coalesce(F("score__sheet_count"), 0),
            **{f"mean_{code}": mean(f"sum_{code}") for code in criteria},
        )
        .annotate(weighted_total=_weighted_total(criteria))
        .annotate(spread=_std_dev(mean_square, F("weighted_total")))
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
    if normalised:
        total = sheet_total_expression(criteria, prefix="sheets__")
        overall = ScoreSheet.objects.filter(entry__year=year).aggregate(
            mean=Avg(sheet_total_expression(criteria)),
            mean_sq=Avg(
                ExpressionWrapper(
                    sheet_total_expression(criteria) * sheet_total_expression(criteria),
                    output_field=FloatField(),
                )
            ),
        )
        overall_mean = overall["mean"] or 0.0
        std = max((overall["mean_sq"] or 0.0) - overall_mean * overall_mean, 0.0) ** 0.5
        entries = entries.annotate(
            _mean_z=Avg(_reviewer_z_expression(year, criteria, total))
        ).annotate(
            normalised_total=ExpressionWrapper(
                Value(overall_mean) + Value(std) * F("_mean_z"), output_field=FloatField()
            )
        )
    return entries.order_by(*STANDINGS_ORDER)


STANDINGS_ORDER = (F("weighted_total").desc(nulls_last=True), "title", "pk")


def standings_entries(
    year: CompetitionYear,
    *,
    nine_project: NineProject | None = None,
    queryset: QuerySet[Entry] | None = None,
) -> QuerySet[Entry]:
    """The entries `entry_standings` ranks, without the scores: to count them cheaply."""
    entries = (queryset if queryset is not None else Entry.objects.all()).filter(year=year)
    return entries if nine_project is None else entries.filter(nine_project=nine_project)


def _weighted_total(criteria):
    """The expression of `weighted_total` over the `mean_<code>` annotations."""
    terms = [
        F(f"mean_{code}") * Value(factor, output_field=FloatField())
        for code, factor in _weight_factors(criteria).items()
    ]
    return ExpressionWrapper(added(terms), output_field=FloatField())


def _reviewer_z_expression(year, criteria, outer_total):
    """Per joined sheet: (total − reviewer's mean) ÷ reviewer's std-dev.

    The reviewers' means and deviations come from one grouped query and enter the SQL as a
    CASE over the (few) reviewers: a correlated subquery per joined sheet made the standings
    quadratic in the number of sheets (minutes at 5,000 sheets on PostgreSQL).
    """
    total = sheet_total_expression(criteria)
    stats = (
        ScoreSheet.objects.filter(entry__year=year)
        .values("reviewer")
        .annotate(
            m=Avg(total),
            s=_std_dev(
                Avg(ExpressionWrapper(total * total, output_field=FloatField())), Avg(total)
            ),
        )
        .values_list("reviewer", "m", "s")
    )
    whens = [
        When(
            sheets__reviewer=reviewer,
            then=ExpressionWrapper(
                (outer_total - Value(mean)) / Value(std), output_field=FloatField()
            ),
        )
        for reviewer, mean, std in stats
        if std
    ]
    if not whens:
        return Value(0.0, output_field=FloatField())
    # A reviewer whose totals do not vary (std 0) contributes z = 0, as does a sheet-less join.
    return Case(*whens, default=Value(0.0), output_field=FloatField())


def sheets_with_totals(entry: Entry) -> QuerySet[ScoreSheet]:
    """An entry's score sheets with each sheet's `total` (0–100 scale), for the office."""
    return (
        entry.sheets.select_related("reviewer", "reviewer__membership__unit")
        .annotate(total=sheet_total_expression(criteria_by_code()))
        .order_by("reviewer__username")
    )


def entries_for_user(user) -> QuerySet[Entry]:
    """Office and admins: every entry; unit staff: their own unit's; nobody else: none."""
    entries = Entry.objects.select_related("unit", "year", "nine_project")
    if permissions.may(user, "competition.view_all_units"):
        return entries
    unit_id = permissions.unit_id_of(user)
    if unit_id is None or not permissions.is_unit_staff(user):
        return entries.none()
    return entries.filter(unit_id=unit_id)


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
        ScoreSheet.objects.filter(entry=OuterRef("pk"))
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


def scoring_progress(year: CompetitionYear, entries) -> list[tuple[Entry, list[ProgressCell]]]:
    """The progress matrix: for each given entry, each reviewer's state.

    A fixed number of queries whatever the size: the entries (given, already sliced), the
    reviewers, and the sheets, assignments and conflicts among them.
    """
    entries = list(entries)
    reviewer_list = list(reviewers())
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
            if (entry.pk, reviewer.pk) in scored:
                status = "scored"
            elif (
                reviewer.membership.unit_id == entry.unit_id
                or (reviewer.pk, entry.unit_id) in conflicts
            ):
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
    if permissions.may(user, "competition.view_all_units"):
        return checks
    unit_id = permissions.unit_id_of(user)
    if unit_id is None or not permissions.is_unit_staff(user):
        return checks.none()
    return checks.filter(unit_id=unit_id)


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
