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

from django.db.models import Q

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


def flags_refresh(report: Report) -> list[dict]:
    """Store the flags of `report` and of every report whose flags depend on it: the period's
    reports of units of its kind (peers) and the unit's later reports (previous period).
    Returns the report's own flags."""
    rules = quality.rules_of(report.period.year, QualityTarget.REPORT)
    own = compute(report, rules=rules)
    _store(report, own)
    peers = Q(period_id=report.period_id, unit__kind_id=report.unit.kind_id)
    later = Q(
        unit_id=report.unit_id,
        period__year_id=report.period.year_id,
        period__start__gt=report.period.start,
    )
    others = Report.objects.filter(peers | later).exclude(pk=report.pk)
    for other in others.select_related("period__year", "unit"):
        _store(other, compute(other, rules=rules))
    return own


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
