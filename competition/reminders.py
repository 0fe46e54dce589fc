"""Self-assessment reminders (自查提醒): mail and notify the staff of units taking part in an
open year that have not submitted its self-assessment, 7 days and 1 day before the year's
deadline (`CompetitionYear.self_assessment_deadline`).

Like the other reminders, on any day only the most recent kind due is considered (a job that
did not run on the exact day catches up until the next kind is due, or the deadline), and
the ledger key `self:unit=<unit>:year=<year>:<kind>` (kind "self_assessment_reminder") sends
each kind to a unit at most once (`common.services.reminder_deliver`).
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common import mail
from common import selectors as common_selectors
from common import services as common_services
from common.services import Delivery

from . import selectors
from .enums import YearStatus
from .models import CompetitionYear

logger = logging.getLogger(__name__)

KIND = "self_assessment_reminder"
SCHEDULE = (("d-7", 7), ("d-1", 1))


def reminder_kind(deadline: datetime.date, today: datetime.date) -> str | None:
    days_left = (deadline - today).days
    if days_left < 0 or days_left > SCHEDULE[0][1]:
        return None
    due = None
    for kind, days_before in SCHEDULE:
        if days_left <= days_before:
            due = kind
    return due


def reminder_key(unit_id: int, year_number: int, kind: str) -> str:
    return f"self:unit={unit_id}:year={year_number}:{kind}"


def _delivery(unit, year, kind, staff) -> Delivery:
    link = reverse("competition:self_assessment", args=[unit.pk]) + f"?year={year.year}"
    context = {
        "unit": unit,
        "year": year.year,
        "deadline": year.self_assessment_deadline,
        "url": mail.absolute_url(link),
    }
    message = mail.render_mail("self_assessment_reminder", context, to=[])
    messages = [
        EmailMultiAlternatives(
            message.subject, message.body, to=[user.email], alternatives=message.alternatives
        )
        for user in staff
        if user.email
    ]
    return Delivery(
        key=reminder_key(unit.pk, year.year, kind),
        messages=messages,
        notify=staff,
        title=_("%(year)s年度单位自查将于%(deadline)s截止")
        % {"year": year.year, "deadline": year.self_assessment_deadline.strftime("%Y-%m-%d")},
        body=_("请按本年度评比标准逐项自评打分，说明理由并附证明材料后提交。"),
        link=link,
    )


def self_assessment_deliveries(*, today: datetime.date) -> list[Delivery]:
    """Today's reminders not yet sent, in a bounded number of queries per year."""
    candidates = []  # (unit, year, kind)
    years = CompetitionYear.objects.filter(
        status=YearStatus.OPEN, self_assessment_deadline__isnull=False
    )
    for year in years:
        kind = reminder_kind(year.self_assessment_deadline, today)
        if kind is None:
            continue
        done = year.self_assessments.filter(submitted_at__isnull=False).values("unit_id")
        units = selectors.units_active_between(year.start_date, year.end_date).exclude(pk__in=done)
        candidates.extend((unit, year, kind) for unit in units)
    pending = common_selectors.reminder_keys_unclaimed(
        KIND, [reminder_key(u.pk, y.year, k) for u, y, k in candidates]
    )
    candidates = [c for c in candidates if reminder_key(c[0].pk, c[1].year, c[2]) in pending]
    staff = selectors.unit_staff_by_unit({unit.pk for unit, _y, _k in candidates})
    deliveries = []
    with translation.override(settings.LANGUAGE_CODE):
        for unit, year, kind in candidates:
            if not staff.get(unit.pk):
                logger.warning(
                    "Unit %s has no active staff to remind of its self-assessment", unit.pk
                )
                continue
            deliveries.append(_delivery(unit, year, kind, staff[unit.pk]))
    return deliveries


def self_assessment_reminders_send(
    *, today: datetime.date | None = None, dry_run: bool = False
) -> list[Delivery]:
    """Send today's self-assessment reminders (each kind to a unit once); return those sent.
    Call outside any transaction (see `common.services.reminder_deliver`)."""
    deliveries = self_assessment_deliveries(today=today or timezone.localdate())
    sent = set(common_services.reminder_deliver(kind=KIND, deliveries=deliveries, dry_run=dry_run))
    return [delivery for delivery in deliveries if delivery.key in sent]
