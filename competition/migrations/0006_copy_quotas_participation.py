"""Copy the global quotas into every existing year and the active switch into participations,
so that every figure stays exactly as it was.

- Each year gets a KindQuota per kind (the kind's `default_quota`) and a UnitQuota per unit
  with a `quota_override`.
- Each unit with `is_active` gets one Participation from `active_from` (when empty, from a
  date before every year: years start in 2000 at the earliest) to `active_until`; units
  without `is_active` get none, as they counted in no period.
"""

import datetime

from django.db import migrations

# CompetitionYear.year is at least 2000: no period starts before this.
EARLIEST = datetime.date(2000, 1, 1)


def copy_quotas_and_participation(apps, schema_editor):
    CompetitionYear = apps.get_model("competition", "CompetitionYear")
    UnitKind = apps.get_model("competition", "UnitKind")
    Unit = apps.get_model("competition", "Unit")
    KindQuota = apps.get_model("competition", "KindQuota")
    UnitQuota = apps.get_model("competition", "UnitQuota")
    Participation = apps.get_model("competition", "Participation")

    years = list(CompetitionYear.objects.all())
    kinds = list(UnitKind.objects.all())
    KindQuota.objects.bulk_create(
        [KindQuota(year=y, kind=k, quota=k.default_quota) for y in years for k in kinds],
        ignore_conflicts=True,
    )
    overrides = list(Unit.objects.filter(quota_override__isnull=False))
    UnitQuota.objects.bulk_create(
        [UnitQuota(year=y, unit=u, quota=u.quota_override) for y in years for u in overrides],
        ignore_conflicts=True,
    )
    earliest = min([EARLIEST, *(y.start_date for y in years)])
    participations = []
    for unit in Unit.objects.filter(is_active=True):
        start = unit.active_from or earliest
        if unit.active_until is not None and unit.active_from is None:
            start = min(start, unit.active_until)
        participations.append(Participation(unit=unit, start=start, end=unit.active_until))
    Participation.objects.bulk_create(participations)


def copy_back(apps, schema_editor):
    """Reverse: the latest year's quotas become the global ones; a unit with participations
    is active from its first start (empty when it was the placeholder) to its last end."""
    CompetitionYear = apps.get_model("competition", "CompetitionYear")
    UnitKind = apps.get_model("competition", "UnitKind")
    Unit = apps.get_model("competition", "Unit")
    KindQuota = apps.get_model("competition", "KindQuota")
    UnitQuota = apps.get_model("competition", "UnitQuota")
    Participation = apps.get_model("competition", "Participation")

    latest = CompetitionYear.objects.order_by("-year").first()
    if latest is not None:
        for row in KindQuota.objects.filter(year=latest):
            UnitKind.objects.filter(pk=row.kind_id).update(default_quota=row.quota)
        for row in UnitQuota.objects.filter(year=latest):
            Unit.objects.filter(pk=row.unit_id).update(quota_override=row.quota)
    for unit in Unit.objects.all():
        rows = list(Participation.objects.filter(unit=unit).order_by("start"))
        if not rows:
            Unit.objects.filter(pk=unit.pk).update(is_active=False)
            continue
        first, last = rows[0].start, rows[-1].end
        Unit.objects.filter(pk=unit.pk).update(
            is_active=True, active_from=None if first <= EARLIEST else first, active_until=last
        )


class Migration(migrations.Migration):
    dependencies = [
        ("competition", "0005_quotas_participation"),
    ]

    operations = [
        migrations.RunPython(copy_quotas_and_participation, copy_back),
    ]
