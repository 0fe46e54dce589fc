"""Data-quality flags of quarterly reports: the year's rules (`competition.quality`) applied to
a report's figures, the unit's previous report and the same period's reports of units of the
same kind.

Which figures a report is compared with:
- previous: the unit's latest report of an earlier period of the same competition year (whose
  rules apply; a year apart is no "previous period") that was submitted (a draft is no
  figure yet);
- peers: the same period's reports, other than this one, of units of the same kind, that were
  submitted (submitted, returned or accepted).

So a report's flags depend on other reports: `flags_refresh` recomputes, after a change of
figures or status, every report whose flags could move (the period's reports of that kind,
the unit's later reports). `compute` is the one computation, from scratch; the stored flags
must always equal it (tests/reports/test_validation.py).
"""

from collections.abc import Mapping

from competition import quality
from competition.enums import QUALITY_FIELDS, QualityTarget

from .enums import ReportStatus
from .models import Report

FIELDS = tuple(code for code, _label in QUALITY_FIELDS[QualityTarget.REPORT])


def _values(report: Report) -> dict:
    return {name: getattr(report, name) for name in FIELDS}


def _submitted(queryset):
    return queryset.exclude(status=ReportStatus.DRAFT)


def previous_values(report: Report) -> dict | None:
    earlier = (
        _submitted(Report.objects.filter(unit_id=report.unit_id))
        .filter(period__year_id=report.period.year_id, period__start__lt=report.period.start)
        .exclude(pk=report.pk)
        .order_by("-period__start")
        .values(*FIELDS)
        .first()
    )
    return earlier


def peer_values(report: Report) -> dict[str, list]:
    rows = (
        _submitted(Report.objects.filter(period_id=report.period_id))
        .filter(unit__kind_id=report.unit.kind_id)
        .exclude(pk=report.pk)
        .values_list(*FIELDS)
    )
    columns = list(zip(*rows, strict=True)) or [() for _name in FIELDS]
    return dict(zip(FIELDS, (list(column) for column in columns), strict=True))


def compute(report: Report, values: Mapping | None = None, rules=None) -> list[dict]:
    """The report's flags from scratch; `values` (by field) in place of its stored figures,
    for a form not saved yet."""
    if rules is None:
        rules = quality.rules_of(report.period.year, QualityTarget.REPORT)
    if not rules:
        return []
    figures = {**_values(report), **(values or {})}
    return quality.check(
        rules, figures, previous=previous_values(report), peers=peer_values(report)
    )


def _store(report: Report, flags: list[dict]) -> bool:
    if report.quality_flags == flags and report.has_flags == bool(flags):
        return False
    report.quality_flags, report.has_flags = flags, bool(flags)
    Report.objects.filter(pk=report.pk).update(quality_flags=flags, has_flags=bool(flags))
    return True


def flags_refresh(report: Report, *, dependents: bool = True) -> list[dict]:
    """Store the flags of `report` and, with `dependents`, of every report whose flags depend
    on it: the period's reports of units of its kind (peers) and the unit's later reports
    (previous period). Returns the report's own flags.

    A draft is nobody's figure: saving one needs only its own flags (`dependents=False`). The
    peers are computed from one read of the period's reports of the kind and one read of
    their units' earlier reports (not two queries per peer: at a city's scale a submission
    would otherwise cost hundreds of queries); the result is `compute`'s for each."""
    rules = quality.rules_of(report.period.year, QualityTarget.REPORT)
    own = compute(report, rules=rules)
    _store(report, own)
    if not dependents:
        return own
    _peers_refresh(report, rules)
    later = Report.objects.filter(
        unit_id=report.unit_id,
        period__year_id=report.period.year_id,
        period__start__gt=report.period.start,
    ).exclude(pk=report.pk)
    for other in later.select_related("period__year", "unit"):
        _store(other, compute(other, rules=rules))
    return own


def _peers_refresh(report: Report, rules) -> None:
    period = report.period
    reports = list(
        Report.objects.filter(period_id=period.pk, unit__kind_id=report.unit.kind_id)
        .exclude(pk=report.pk)
        .only("pk", "unit_id", "status", "quality_flags", "has_flags", *FIELDS)
    )
    counted = list(
        _submitted(
            Report.objects.filter(period_id=period.pk, unit__kind_id=report.unit.kind_id)
        ).values_list("pk", *FIELDS)
    )
    earlier = {}
    rows = (
        _submitted(Report.objects.filter(unit_id__in={r.unit_id for r in reports}))
        .filter(period__year_id=period.year_id, period__start__lt=period.start)
        .order_by("unit_id", "-period__start")
        .values("unit_id", *FIELDS)
    )
    for row in rows:
        earlier.setdefault(row.pop("unit_id"), row)
    for other in reports:
        others = [row[1:] for row in counted if row[0] != other.pk]
        columns = list(zip(*others, strict=True)) or [() for _name in FIELDS]
        peers = dict(zip(FIELDS, (list(column) for column in columns), strict=True))
        flags = quality.check(
            rules, _values(other), previous=earlier.get(other.unit_id), peers=peers
        )
        _store(other, flags)


def year_refresh(year_id: int) -> int:
    """Recompute the stored flags of every report of a year (its rules changed); returns how
    many changed."""
    changed = 0
    reports = Report.objects.filter(period__year_id=year_id).select_related("period__year", "unit")
    rules = None
    for report in reports.iterator(chunk_size=200):
        if rules is None:
            rules = quality.rules_of(report.period.year, QualityTarget.REPORT)
        changed += _store(report, compute(report, rules=rules))
    return changed
