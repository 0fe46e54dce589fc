"""Deadline reminders (报送截止提醒): mail and notify the staff of units whose report is missing.

Schedule, per reporting period of an open year, counted in Asia/Shanghai dates (the
portal's TIME_ZONE) from the period's deadline D:

    kind  due on   still sent (catch-up) until
    d-7   D-7      D-4
    d-3   D-3      D-2
    d-1   D-1      D (the deadline day itself)
    d+1   D+1      D+7 (reports.selectors.escalation_days(): then the 逾期未报 list takes over)

On any day the job considers only the most recent kind due (`reminder_kind`): if it did not
run on the exact day (Redis down, beat stopped), the next run within that window still sends
it, once; an older kind is never sent once a newer one is due. The ledger key
`deadline:unit=<unit>:period=<period>:<kind>` (kind "deadline_reminder") makes every kind go
to a unit at most once, however often the job runs. A unit whose report is returned inside a
window gets the kind of that window on the next run, since it has not had it yet.

"Missing" is `selectors.units_missing_report(period)`: no report, a draft or a returned one.
Every active unit staff user of the unit gets one mail (if he has an address) and one
in-portal notification. Queries: a constant number to build the batch (periods, one per due
period for the units, one for their staff, one for the ledger), then a few queries per chunk of
units sent in chunks through `common.services.reminder_deliver`.
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
from competition.enums import YearStatus
from competition.models import ReportingPeriod
from competition.selectors import unit_staff_by_unit

from . import selectors
from .enums import ReportStatus

logger = logging.getLogger(__name__)

KIND = "deadline_reminder"
# (kind, days before the deadline it is due on), in the order they fall due.
SCHEDULE = (("d-7", 7), ("d-3", 3), ("d-1", 1), ("d+1", -1))


def reminder_kind(deadline: datetime.date, today: datetime.date) -> str | None:
    """The most recent reminder due for a deadline on `today`, or None outside every window."""
    days_left = (deadline - today).days
    if days_left > SCHEDULE[0][1] or days_left < -selectors.escalation_days():
        return None
    due = None
    for kind, days_before in SCHEDULE:
        if days_left <= days_before:
            due = kind
    return due


def due_periods(today: datetime.date) -> list[tuple[ReportingPeriod, str]]:
    """The open years' periods with a reminder due today, each with its kind. One query."""
    first, last = SCHEDULE[0][1], selectors.escalation_days()
    periods = ReportingPeriod.objects.filter(
        year__status=YearStatus.OPEN,
        deadline__lte=today + datetime.timedelta(days=first),
        deadline__gte=today - datetime.timedelta(days=last),
    ).select_related("year")
    due = [(period, reminder_kind(period.deadline, today)) for period in periods]
    return [(period, kind) for period, kind in due if kind]


def reminder_key(unit_id: int, period_id: int, kind: str) -> str:
    return f"deadline:unit={unit_id}:period={period_id}:{kind}"


def one_per_recipient(message: EmailMultiAlternatives, users) -> list[EmailMultiAlternatives]:
    """The message rendered once, sent to each user with an address on his own."""
    return [
        EmailMultiAlternatives(
            message.subject, message.body, to=[user.email], alternatives=message.alternatives
        )
        for user in users
        if user.email
    ]


def when_text(days_left: int) -> str:
    if days_left > 0:
        return _("距截止还有%(days)s天") % {"days": days_left}
    if days_left == 0:
        return _("今天截止")
    return _("已逾期%(days)s天") % {"days": -days_left}


def _delivery(unit, period, kind: str, staff: list, today: datetime.date) -> Delivery:
    days_left = (period.deadline - today).days
    if unit.report_id:
        link = reverse("reports:report_edit", args=[unit.report_id])
    else:
        link = reverse("reports:report_list")  # where the period's report is started
    context = {
        "unit": unit,
        "period": period,
        "deadline": period.deadline,
        "days_left": days_left,
        "overdue": days_left < 0,
        "days_overdue": -days_left,
        "when": when_text(days_left),
        "returned": unit.report_status == ReportStatus.RETURNED,
        "draft": unit.report_status == ReportStatus.DRAFT,
        "url": mail.absolute_url(link),
    }
    message = mail.render_mail("deadline_reminder", context, to=[])
    title = _("%(period)s报告尚未提交（%(when)s）") % {
        "period": period,
        "when": context["when"],
    }
    if context["returned"]:
        body = _("报告已被退回，请按审核意见修改后于%(deadline)s前重新提交。")
    else:
        body = _("请于%(deadline)s前填写并提交本期报告（%(period)s）。")
    body = body % {"deadline": period.deadline.strftime("%Y-%m-%d"), "period": period.name}
    return Delivery(
        key=reminder_key(unit.pk, period.pk, kind),
        messages=one_per_recipient(message, staff),
        notify=staff,
        title=title,
        body=body,
        link=link,
    )


def deadline_deliveries(*, today: datetime.date) -> list[Delivery]:
    """The reminders due today and not yet sent, built in a bounded number of queries."""
    candidates = []  # (unit, period, kind)
    for period, kind in due_periods(today):
        candidates.extend((unit, period, kind) for unit in selectors.units_missing_report(period))
    pending = common_selectors.reminder_keys_unclaimed(
        KIND, [reminder_key(unit.pk, period.pk, kind) for unit, period, kind in candidates]
    )
    candidates = [c for c in candidates if reminder_key(c[0].pk, c[1].pk, c[2]) in pending]
    staff = unit_staff_by_unit({unit.pk for unit, _period, _kind in candidates})
    deliveries = []
    with translation.override(settings.LANGUAGE_CODE):
        for unit, period, kind in candidates:
            if not staff.get(unit.pk):
                # Nothing is claimed: a staff user added later still gets the reminder.
                logger.warning("Unit %s has no active staff to remind about %s", unit.pk, period)
                continue
            deliveries.append(_delivery(unit, period, kind, staff[unit.pk], today))
    return deliveries


def deadline_reminders_send(
    *, today: datetime.date | None = None, dry_run: bool = False
) -> list[Delivery]:
    """Send today's deadline reminders (each at most once); return those sent.

    With `dry_run`, return what would be sent and record nothing. Call outside any
    transaction: reminders commit in chunks (see `reminder_deliver`), and a
    transient SMTP error raises `common.mail.MailTransientError` for the task to retry.
    """
    deliveries = deadline_deliveries(today=today or timezone.localdate())
    sent = set(common_services.reminder_deliver(kind=KIND, deliveries=deliveries, dry_run=dry_run))
    return [delivery for delivery in deliveries if delivery.key in sent]
