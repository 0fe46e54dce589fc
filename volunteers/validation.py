"""Data-quality flags of activities and service records: the rules of the year their date lies
in (`competition.quality`), applied to their own figures (bounds, relations; the comparisons
with other periods and peers are for reports). `compute` is the one computation; the services
store its result at every save, and again for a whole year when its rules change."""

from collections.abc import Mapping

from competition import quality
from competition.enums import QUALITY_FIELDS, QualityTarget
from competition.models import CompetitionYear
from competition.selectors import year_of_date

from .models import Activity, ServiceRecord

TARGETS = {Activity: QualityTarget.ACTIVITY, ServiceRecord: QualityTarget.SERVICE_RECORD}


def compute(record, values: Mapping | None = None, rules=None) -> list[dict]:
    """The flags of an activity or a service record; `values` (by field) in place of its own."""
    target = TARGETS[type(record)]
    date = (values or {}).get("date") or record.date
    if rules is None:
        rules = quality.rules_of(year_of_date(date), target)
    fields = [code for code, _label in QUALITY_FIELDS[target]]
    figures = {name: getattr(record, name) for name in fields}
    figures.update({k: v for k, v in (values or {}).items() if k in fields})
    return quality.check(rules, figures)


def store(record, flags: list[dict]) -> None:
    """Set the flags on a record about to be saved."""
    record.quality_flags, record.has_flags = flags, bool(flags)


def year_refresh(year_id: int) -> int:
    """Recompute the stored flags of the year's activities and service records."""
    year = CompetitionYear.objects.filter(pk=year_id).first()
    if year is None:
        return 0
    changed = 0
    for model, target in TARGETS.items():
        rules = quality.rules_of(year, target)
        rows = model.objects.filter(date__gte=year.start_date, date__lte=year.end_date)
        for record in rows.iterator(chunk_size=200):
            flags = quality.check(
                rules, {name: getattr(record, name) for name, _l in QUALITY_FIELDS[target]}
            )
            if flags != record.quality_flags or bool(flags) != record.has_flags:
                model.objects.filter(pk=record.pk).update(
                    quality_flags=flags, has_flags=bool(flags)
                )
                changed += 1
    return changed
