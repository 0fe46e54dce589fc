"""The main pages measured by bench/run.py: (label, username, url), resolved on the bench data.

Pages are seen by the users who use them at scale: a unit's staff of the scaled city
(`seed_demo --scale N`) with a report to correct, an office reviewer, and the admin for the
rankings and shortlist of an evaluation run covering every entry of the scaled city.
"""

from django.contrib.auth import get_user_model
from django.urls import reverse

from awards import selectors as award_selectors
from awards import services as award_services
from awards.enums import ShortlistCategory
from competition.demo import scaled_units
from competition.models import Entry, ScoreSheet
from competition.selectors import current_year
from reports.enums import EDITABLE_STATUSES
from reports.models import Report


def _staff_report():
    """A scaled unit's staff user and his unit's editable report of the open year's latest
    period (the scaled city reports in the live year; 2019 is sealed)."""
    report = (
        Report.objects.filter(unit__in=scaled_units(), status__in=EDITABLE_STATUSES)
        .filter(period__year=current_year())
        .filter(unit__memberships__role="unit_staff")
        .order_by("-period__number", "pk")
        .values("pk", "unit__memberships__user__username")
        .first()
    )
    return report["unit__memberships__user__username"], report["pk"]


def _full_run():
    """The latest finished run of the open year, built anew if it predates the scaled
    entries, with a shortlist of the top two collectives and individuals (as 2019's demo run)."""
    year = current_year()
    run = award_selectors.latest_done_run(year)
    if run is None or run.entry_rankings.count() < Entry.objects.filter(year=year).count():
        admin = get_user_model().objects.get(username="admin")
        run = award_services.evaluation_run_create(actor=admin, year=year)
        run = award_services.evaluation_run_build(run=run)
        for category in (ShortlistCategory.COLLECTIVE, ShortlistCategory.INDIVIDUAL):
            award_services.shortlist_build(actor=admin, run=run, category=category, top_n=2)
    return run


def _scored_entry():
    """A scaled entry of the open year and a reviewer who scored it: its page lists the
    sheets with one score per criterion of the year, the form one field per criterion."""
    sheet = (
        ScoreSheet.objects.filter(entry__year=current_year(), entry__unit__in=scaled_units())
        .order_by("entry_id", "pk")
        .values("entry_id", "reviewer__username")
        .first()
    )
    return sheet["entry_id"], sheet["reviewer__username"]


def main_pages():
    staff, report_pk = _staff_report()
    run = _full_run()
    entry_pk, reviewer = _scored_entry()
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
        ("entry with its sheets", "office1", reverse("competition:entry_detail", args=[entry_pk])),
        ("score sheet form", reviewer, reverse("competition:sheet_edit", args=[entry_pk])),
        ("standings", "office1", reverse("competition:standings")),
        ("rankings (evaluation run)", "admin", reverse("awards:run_detail", args=[run.pk])),
        ("shortlist", "admin", reverse("awards:shortlist", args=[run.pk])),
    ]
