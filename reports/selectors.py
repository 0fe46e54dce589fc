"""Reads for the reports app, scoped to the user, with what each page shows already joined."""

import datetime

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
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
from django.db.models.functions import Coalesce, Greatest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from competition.models import CompetitionYear, ReportingPeriod, Unit
from competition.selectors import (
    added,
    participations_overlapping,
    units_active_between,
    visible_to,
)

from .enums import REPORTED_STATUSES, Completeness, ReportStatus
from .models import Report, ReportAttachment, ReportTransition, ShowcaseItem


def escalation_days() -> int:
    """Days after the deadline before a missing report is escalated (逾期未报)."""
    return getattr(settings, "REPORT_ESCALATION_DAYS", 7)


def reports_for_user(user) -> QuerySet[Report]:
    """Every report for office and admins; unit staff their unit's and its sub-units' (to
    read: changing one is `reports.edit_report`, own unit only); else none."""
    reports = Report.objects.select_related("unit__kind", "period__year")
    return visible_to(user, reports, subtree=True)


def report_for_user(user, pk) -> Report:
    """One report with everything its page shows; 404 when out of the user's scope."""
    reports = reports_for_user(user).prefetch_related(
        "projects",
        Prefetch("attachments", queryset=ReportAttachment.objects.select_related("uploaded_by")),
        Prefetch("transitions", queryset=ReportTransition.objects.select_related("actor")),
    )
    return get_object_or_404(reports.select_related("showcase__project"), pk=pk)


def attachment_for_user(user, pk) -> ReportAttachment:
    attachments = ReportAttachment.objects.select_related("report__unit")
    scoped = attachments.filter(report__in=reports_for_user(user).values("pk"))
    return get_object_or_404(scoped, pk=pk)


def _year_filter(year) -> Q:
    number = year.year if isinstance(year, CompetitionYear) else int(year)
    return Q(period__year__year=number)


def reports_for_unit_year(unit, year) -> QuerySet[Report]:
    """A unit's reports of one competition year (a CompetitionYear or its number), by period number.

    Not user-scoped: callers (evidence panels, scoring) check `competition.view_unit` first.
    """
    return (
        Report.objects.filter(_year_filter(year), unit=unit)
        .select_related("period__year", "unit")
        .order_by("period__number")
    )


def review_queue(
    user,
    *,
    unit_name=None,
    period=None,
    status=ReportStatus.SUBMITTED,
    kind=None,
    late=None,
    flagged=None,
    newest_first=False,
) -> QuerySet[Report]:
    """Reports for the office to review, filtered; oldest submission first by default.
    `flagged`: with (True) or without (False) data-quality flags (the indexed `has_flags`)."""
    reports = reports_for_user(user)
    if unit_name:
        reports = reports.filter(unit__name__icontains=unit_name)
    if period is not None:
        reports = reports.filter(period=period)
    if status:
        reports = reports.filter(status=status)
    if kind is not None:
        reports = reports.filter(unit__kind=kind)
    if late is not None:
        reports = reports.filter(is_late=late)
    if flagged is not None:
        reports = reports.filter(has_flags=flagged)
    order = F("submitted_at").desc(nulls_last=True) if newest_first else F("submitted_at").asc()
    # The queue lists reports; their four text sections and the comment stay in the database.
    return reports.order_by(order, "unit__name").defer(*TEXT_FIELDS)


TEXT_FIELDS = ("progress", "results", "practices", "experience", "review_comment")


def flagged_reports(user, period: ReportingPeriod) -> QuerySet[Report]:
    """The period's reports with data-quality flags, by unit kind and name (the indexed
    `has_flags`; flags and explanation are columns of the row)."""
    return (
        reports_for_user(user)
        .filter(period=period, has_flags=True)
        .order_by("unit__kind__order", "unit__name")
        .defer(*TEXT_FIELDS)
    )


ROLLUP_FIELDS = ("households_helped", "people_helped", "funds_invested", "people_trained",
                 "jobs_arranged")  # fmt: skip


def _reported_in(unit_ids, year):
    return Report.objects.filter(
        unit_id__in=list(unit_ids), period__year=year, status__in=REPORTED_STATUSES
    )


def figures_by_unit(unit_ids, year) -> dict[int, dict]:
    """Each unit's figures summed over its submitted and accepted reports of the year."""
    sums = {name: Sum(name) for name in ROLLUP_FIELDS}
    rows = _reported_in(unit_ids, year).values("unit_id").annotate(reports=Count("pk"), **sums)
    return {row.pop("unit_id"): row for row in rows.order_by()}


def figures_rolled_up(unit_ids, year) -> dict:
    """The same figures summed over all the units (a parent and its sub-units), by the
    database."""
    sums = {name: Sum(name) for name in ROLLUP_FIELDS}
    return _reported_in(unit_ids, year).aggregate(reports=Count("pk"), **sums)


def count_waiting_review(user) -> int:
    return reports_for_user(user).filter(status=ReportStatus.SUBMITTED).count()


def _active_in(period: ReportingPeriod) -> QuerySet[Unit]:
    return units_active_between(period.start, period.end)


def units_missing_report(period: ReportingPeriod) -> QuerySet[Unit]:
    """Units active in the period without a submitted or accepted report for it.

    Draft and returned reports count as missing: both still need the unit to (re)submit.
    Each unit is annotated with `report_status` ("" when no report exists at all).
    """
    return (
        _units_without_report(period)
        .annotate(
            this_report=FilteredRelation("reports", condition=Q(reports__period=period)),
            report_status=Coalesce(F("this_report__status"), Value("")),
            report_id=F("this_report__id"),
        )
        .select_related("kind")
        .order_by("kind__order", "name")
    )


def _units_without_report(period: ReportingPeriod) -> QuerySet[Unit]:
    reported = Report.objects.filter(
        unit=OuterRef("pk"), period=period, status__in=REPORTED_STATUSES
    )
    return _active_in(period).filter(~Exists(reported))


def units_missing_report_count(period: ReportingPeriod) -> int:
    """How many units `units_missing_report` lists, counted on the bare units (without
    joining each unit's report for its status)."""
    return _units_without_report(period).count()


def periods_missing_for_unit(
    unit, year: CompetitionYear, *, today: datetime.date | None = None
) -> QuerySet[ReportingPeriod]:
    """The year's periods already due (deadline before `today`) in which `unit` took part and
    has no submitted or accepted report: the reports it still owes (a draft or a returned
    report counts as missing, as in `units_missing_report`)."""
    today = today or timezone.localdate()
    reported = Report.objects.filter(unit=unit, period=OuterRef("pk"), status__in=REPORTED_STATUSES)
    taking_part = participations_overlapping(OuterRef("start"), OuterRef("end"), unit=unit)
    return (
        ReportingPeriod.objects.filter(year=year, deadline__lt=today)
        .filter(Exists(taking_part))
        .exclude(Exists(reported))
        .order_by("number")
    )


def overdue_periods(year, *, today: datetime.date | None = None, days: int | None = None):
    """The year's periods whose deadline passed more than `days` (escalation setting) ago."""
    today = today or timezone.localdate()
    days = escalation_days() if days is None else days
    number = year.year if isinstance(year, CompetitionYear) else int(year)
    cutoff = today - datetime.timedelta(days=days)
    return ReportingPeriod.objects.filter(year__year=number, deadline__lt=cutoff).select_related(
        "year"
    )


def overdue_list(year, *, today=None, days=None) -> list[tuple[ReportingPeriod, list[Unit]]]:
    """逾期未报: per overdue period, the units still missing its report (one query a period)."""
    return [
        (period, list(units_missing_report(period)))
        for period in overdue_periods(year, today=today, days=days)
    ]


def _completeness_state(relation: str) -> Case:
    status, late = f"{relation}__status", f"{relation}__is_late"
    return Case(
        When(**{f"{status}__in": REPORTED_STATUSES, late: True}, then=Value(Completeness.LATE)),
        When(**{f"{status}__in": REPORTED_STATUSES}, then=Value(Completeness.ON_TIME)),
        When(**{status: ReportStatus.RETURNED}, then=Value(Completeness.RETURNED)),
        When(**{status: ReportStatus.DRAFT}, then=Value(Completeness.DRAFT)),
        default=Value(Completeness.MISSING),
        output_field=CharField(),
    )


def completeness_units(
    period: ReportingPeriod, *, by_parent: bool = False, units=None
) -> QuerySet[Unit]:
    """Units expected to report for the period (active in it), each annotated with `state`
    (a Completeness value), `report_id`, `report_status` and `submitted_at`. One query.
    `by_parent`: each parent unit followed by its sub-units (the office's grouping);
    `units` (primary keys): only those."""
    scope = _active_in(period)
    if units is not None:
        scope = scope.filter(pk__in=units)
    annotated = (
        scope.select_related("kind", "parent")
        .annotate(this_report=FilteredRelation("reports", condition=Q(reports__period=period)))
        .annotate(
            state=_completeness_state("this_report"),
            report_id=F("this_report__id"),
            report_status=F("this_report__status"),
            submitted_at=F("this_report__submitted_at"),
        )
    )
    return _completeness_order(annotated, by_parent)


def completeness_keys(period: ReportingPeriod, *, by_parent: bool = False) -> QuerySet:
    """The primary keys of `completeness_units`, in its order, without the reports: cheap to
    page, so that only a page's units are joined with their reports."""
    return _completeness_order(_active_in(period), by_parent).values_list("pk", flat=True)


def _completeness_order(units: QuerySet[Unit], by_parent: bool) -> QuerySet[Unit]:
    if by_parent:
        group = Coalesce("parent__name", "name")
        return units.order_by(group, F("parent").asc(nulls_first=True), "name")
    return units.order_by("kind__order", "name")


def _rates(counts: dict) -> dict:
    expected = sum(counts.get(state, 0) for state in Completeness.values)
    reported = counts.get(Completeness.ON_TIME, 0) + counts.get(Completeness.LATE, 0)
    return {
        **{state: counts.get(state, 0) for state in Completeness.values},
        "expected": expected,
        "reported": reported,
        "reporting_rate": round(100 * reported / expected, 1) if expected else None,
        "on_time_rate": (
            round(100 * counts.get(Completeness.ON_TIME, 0) / expected, 1) if expected else None
        ),
    }


def period_completeness(period: ReportingPeriod) -> dict:
    """The completeness dashboard's aggregate for a period, counted by the database.

    Returns {"city": rates, "kinds": [{"kind": name, **rates}, ...]} where rates holds the
    count of each Completeness state, "expected" (units active in the period), "reported"
    (on time + late), "reporting_rate" and "on_time_rate" (percent, None when nothing is
    expected). Returned, draft and missing reports do not count as reported. Two queries.
    """
    units = completeness_units(period)
    by_kind: dict[str, dict] = {}
    order: list[str] = []
    rows = (
        units.order_by()
        .values("kind__order", "kind__name", "state")
        .annotate(n=Count("pk"))
        .order_by("kind__order", "kind__name")
    )
    city: dict[str, int] = {}
    for row in rows:
        name = row["kind__name"]
        if name not in by_kind:
            by_kind[name] = {}
            order.append(name)
        by_kind[name][row["state"]] = row["n"]
        city[row["state"]] = city.get(row["state"], 0) + row["n"]
    return {
        "city": _rates(city),
        "kinds": [{"kind": name, **_rates(by_kind[name])} for name in order],
    }


def _count(queryset) -> Subquery:
    counted = queryset.order_by().values("unit").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _year_number(year) -> int:
    return year.year if isinstance(year, CompetitionYear) else int(year)


def _reported(number: int) -> QuerySet[Report]:
    return Report.objects.filter(period__year__year=number, status__in=REPORTED_STATUSES)


def report_counts_by_unit(year) -> QuerySet[Report]:
    """Per `unit`: `on_time` and `late`, `timeliness_by_unit`'s counts for every unit in ONE
    grouped query, to join rather than to run once per unit."""
    return (
        _reported(_year_number(year))
        .order_by()
        .values("unit")
        .annotate(
            on_time=Count("pk", filter=Q(is_late=False)), late=Count("pk", filter=Q(is_late=True))
        )
    )


def expected_reports(year, *, today: datetime.date | None = None):
    """An expression over units: `timeliness_by_unit`'s `expected` for an active unit (the
    year's periods past their deadline that overlap one of its participations), with the
    periods read first (one small query) and entering the SQL as constants."""
    today = today or timezone.localdate()
    periods = ReportingPeriod.objects.filter(year__year=_year_number(year), deadline__lt=today)
    terms = [
        Case(When(Exists(participations_overlapping(start, end)), then=Value(1)), default=Value(0))
        for start, end in periods.order_by("start").values_list("start", "end")
    ]
    return added(terms) if terms else Value(0)


def timeliness_by_unit(year, *, today: datetime.date | None = None) -> QuerySet[Unit]:
    """Every unit annotated, by the database, with its timeliness over a year's periods.

    Annotations (integers): `on_time` and `late` (submitted/accepted reports of any of the
    year's periods, by the late mark), `expected` (the year's periods whose deadline has
    passed by `today` that overlap one of the unit's participations) and
    `missing` (`expected` minus the reported ones among them, never below 0).
    """
    today = today or timezone.localdate()
    number = _year_number(year)
    reported = _reported(number).filter(unit=OuterRef("pk"))
    due = Q(period__deadline__lt=today)
    # Periods during which the unit took part: a participation of the outer unit overlaps.
    took_part = participations_overlapping(
        OuterRef("start"), OuterRef("end"), unit=OuterRef(OuterRef("pk"))
    )
    expected_periods = ReportingPeriod.objects.filter(
        Exists(took_part), year__year=number, deadline__lt=today
    )
    expected = Coalesce(
        Subquery(
            expected_periods.order_by().values("year").annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )
    return (
        Unit.objects.select_related("kind")
        .annotate(
            on_time=_count(reported.filter(is_late=False)),
            late=_count(reported.filter(is_late=True)),
            expected=expected,
            reported_due=_count(reported.filter(due)),
        )
        .annotate(missing=Greatest(F("expected") - F("reported_due"), 0))
        .order_by("kind__order", "name")
    )


def showcase_items(*, project=None) -> QuerySet[ShowcaseItem]:
    """Exemplary practices, newest first; only of reports that are (still) accepted. With
    `project`, those under the project of its number in every year (each year has its own
    rows; opening a year keeps the numbers)."""
    items = ShowcaseItem.objects.filter(report__status=ReportStatus.ACCEPTED).select_related(
        "project", "report__unit", "report__period__year"
    )
    if project is not None:
        items = items.filter(project__number=project.number)
    return items.order_by("-marked_at", "-id")


def report_for_unit_period(unit, period) -> Report | None:
    return Report.objects.filter(unit=unit, period=period).first()


def days_left(period: ReportingPeriod, today: datetime.date | None = None) -> int:
    """Days until the period's deadline (negative once it has passed)."""
    return (period.deadline - (today or timezone.localdate())).days


def staff_report_todo(unit: Unit, year: CompetitionYear | None, today: datetime.date) -> list:
    """The unit's periods of `year` that have begun and still need its work, each as
    (period, report or None): not started, a draft, or returned. Two queries."""
    if year is None:
        return []
    periods = ReportingPeriod.objects.filter(year=year, start__lte=today).select_related("year")
    reports = {
        report.period_id: report
        for report in Report.objects.filter(unit=unit, period__year=year).only(
            "pk", "period_id", "status", "review_comment"
        )
    }
    todo = []
    for period in periods.order_by("deadline"):
        report = reports.get(period.pk)
        if report is None or report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED):
            todo.append((period, report))
    return todo
