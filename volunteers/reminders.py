"""Quota reminders (活动配额提醒): units behind their yearly 5+1 activity quota, once a week.

From the second half of an open year until its last day: from the start of the reporting
period that contains 1 July (the third quarter, July itself, the second half year: whatever
periods the year has), else from 1 July when no period contains it, every unit active that year whose activity count is below
its quota (`selectors.quota_progress(year).filter(behind=True)`) is reminded: one mail to each
active unit staff user with an address and one in-portal notification each, with the count,
the quota and a link to the activity form.

At most once a week: the ledger key `quota:unit=<unit>:year=<year>:week=<ISO year>-W<week>`
(kind "quota_reminder") is claimed when sent, so the Monday beat, a rerun or a catch-up run
later in the same week sends nothing more; a run missed on Monday (Redis down) is caught up
by any run later that week. Queries: a constant number to build the batch, then a constant
number per unit sent (`common.services.reminder_deliver`).
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common import mail
from common import selectors as common_selectors
from common import services as common_services
from common.services import Delivery
from competition.enums import YearStatus
from competition.models import CompetitionYear, ReportingPeriod
from competition.selectors import unit_staff_by_unit

from . import selectors

logger = logging.getLogger(__name__)

KIND = "quota_reminder"


def midyear(year: CompetitionYear) -> datetime.date:
    return datetime.date(year.year, 7, 1)


def reminder_start(year: CompetitionYear) -> datetime.date:
    """The first day quota reminders go out for the year.

    The start of the period containing 1 July rather than "the third period" or "the middle
    one": the reminders begin in the second half of the year however the year is divided
    (quarters: 1 July; months: 1 July; a period straddling 1 July: its start).
    """
    return getattr(year, "remind_from", None) or midyear(year)


def due_years(today: datetime.date) -> list[CompetitionYear]:
    """Open years on `today` from their reminder start on. Two queries."""
    years = list(
        CompetitionYear.objects.filter(
            status=YearStatus.OPEN, start_date__lte=today, end_date__gte=today
        )
    )
    if not years:
        return []
    containing = Q()
    for year in years:
        containing |= Q(year=year, start__lte=midyear(year), end__gte=midyear(year))
    starts = dict(ReportingPeriod.objects.filter(containing).values_list("year_id", "start"))
    for year in years:
        year.remind_from = starts.get(year.pk)
    return [year for year in years if reminder_start(year) <= today]


def week_label(today: datetime.date) -> str:
    iso = today.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def reminder_key(unit_id: int, year_number: int, today: datetime.date) -> str:
    return f"quota:unit={unit_id}:year={year_number}:week={week_label(today)}"


def _delivery(unit, year: CompetitionYear, staff: list, today: datetime.date) -> Delivery:
    count, quota = unit.activity_count, unit.effective_quota
    link = reverse("volunteers:activity_create")
    context = {
        "unit": unit,
        "year": year.year,
        "count": count,
        "quota": quota,
        "missing": quota - count,
        "end": year.end_date,
        "url": mail.absolute_url(link),
    }
    message = mail.render_mail("quota_reminder", context, to=[])
    messages = [
        EmailMultiAlternatives(
            message.subject, message.body, to=[user.email], alternatives=message.alternatives
        )
        for user in staff
        if user.email
    ]
    title = _("%(year)s年度“5+1”活动进度提醒：已开展%(count)s次，要求%(quota)s次") % {
        "year": year.year,
        "count": count,
        "quota": quota,
    }
    body = _("尚差%(missing)s次，请在%(end)s前组织开展并及时录入。") % {
        "missing": quota - count,
        "end": year.end_date.strftime("%Y-%m-%d"),
    }
    return Delivery(
        key=reminder_key(unit.pk, year.year, today),
        messages=messages,
        notify=staff,
        title=title,
        body=body,
        link=link,
    )


def quota_deliveries(*, today: datetime.date) -> list[Delivery]:
    """This week's quota reminders not yet sent, built in a bounded number of queries."""
    candidates = []  # (unit, year)
    for year in due_years(today):
        candidates.extend(
            (unit, year) for unit in selectors.quota_progress(year, types=()).filter(behind=True)
        )
    pending = common_selectors.reminder_keys_unclaimed(
        KIND, [reminder_key(unit.pk, year.year, today) for unit, year in candidates]
    )
    candidates = [c for c in candidates if reminder_key(c[0].pk, c[1].year, today) in pending]
    staff = unit_staff_by_unit({unit.pk for unit, _year in candidates})
    deliveries = []
    with translation.override(settings.LANGUAGE_CODE):
        for unit, year in candidates:
            if not staff.get(unit.pk):
                logger.warning("Unit %s has no active staff to remind about its quota", unit.pk)
                continue
            deliveries.append(_delivery(unit, year, staff[unit.pk], today))
    return deliveries


def quota_reminders_send(
    *, today: datetime.date | None = None, dry_run: bool = False
) -> list[Delivery]:
    """Send this week's quota reminders (each unit at most once a week); return those sent.

    With `dry_run`, return what would be sent and record nothing. Call outside any
    transaction (see `common.services.reminder_deliver`).
    """
    deliveries = quota_deliveries(today=today or timezone.localdate())
    sent = set(common_services.reminder_deliver(kind=KIND, deliveries=deliveries, dry_run=dry_run))
    return [delivery for delivery in deliveries if delivery.key in sent]
