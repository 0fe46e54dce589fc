"""The main pages measured by bench/run.py: (label, username, url), resolved on the bench data.

Pages are seen by the users who use them at scale: a unit's staff of the scaled city
(`seed_demo --scale N`) with a report to correct, and an office reviewer. The rankings and
shortlist pages come with the awards app.
"""

from django.urls import reverse

from competition.demo import scaled_units
from reports.enums import EDITABLE_STATUSES
from reports.models import Report


def _staff_report():
    """A scaled unit's staff user and his unit's editable report of the latest quarter."""
    report = (
        Report.objects.filter(unit__in=scaled_units(), status__in=EDITABLE_STATUSES)
        .filter(unit__memberships__role="unit_staff")
        .order_by("-period__quarter", "pk")
        .values("pk", "unit__memberships__user__username")
        .first()
    )
    return report["unit__memberships__user__username"], report["pk"]


def main_pages():
    staff, report_pk = _staff_report()
    return [
        ("unit dashboard (staff home)", staff, reverse("home")),
        ("report form (edit)", staff, reverse("reports:report_edit", args=[report_pk])),
        ("office home", "office1", reverse("home")),
        ("unit list (50/page)", "office1", reverse("competition:unit_list")),
        ("review queue", "office1", reverse("reports:review_queue")),
        ("completeness dashboard", "office1", reverse("reports:dashboard")),
        ("quota page", "office1", reverse("volunteers:quota")),
        ("scoring matrix (progress)", "office1", reverse("competition:progress")),
        ("entry list", "office1", reverse("competition:entry_list")),
        ("standings", "office1", reverse("competition:standings")),
    ]
