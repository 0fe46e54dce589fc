"""Demo quarterly reports: 2019 with every workflow state, on time and late, and one showcase;
the live year (the current calendar year) with reports of its periods already due, a few
awaiting review, and the period open today begun (drafts, early submissions, units yet to
start).

Idempotent: a unit's report for a period is created only when none exists; an existing one is
left as it is, whatever state a visitor has since moved it to. A run later in the live year
adds the reports of periods that have come due since.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from common.permissions import SYSTEM
from competition import demo as competition_demo
from competition import selectors as competition_selectors
from competition.demo import DEMO_YEAR
from competition.models import Membership, NineProject, ReportingPeriod, Unit

from . import services
from .models import Report, ReportTransition

# state per period, by number (the demo year has the four quarters): accepted / accepted_late /
# submitted / submitted_late / returned / draft / missing (None). The three demo staff units
# come first.
PLAN = {
    "相山区总工会": ("showcase", "accepted", "returned", "draft"),
    "濉溪县总工会": ("accepted_late", "accepted", "submitted_late", None),
    "市教育工会": ("accepted", "submitted", "accepted", "returned"),
    "杜集区总工会": ("accepted", "accepted", "submitted", "submitted"),
    "烈山区总工会": ("accepted", "accepted_late", "accepted", "submitted_late"),
    "市卫计委工会": ("accepted", "returned", "draft", None),
    "市电子商贸物流工会": ("accepted", "accepted", "submitted", "draft"),
    "大企业工会": ("accepted_late", "submitted", None, None),
    "市农业农村系统工会": ("accepted", "accepted", "accepted", "submitted"),
    "市直机关工会": ("accepted", "draft", None, None),
    "市供电公司工会": ("accepted", "accepted", "submitted", "accepted"),
    "市扶贫办": ("accepted", "accepted", "accepted", "accepted"),
    # Sub-units of two county federations (competition.demo.SUB_UNITS): 2019 only.
    "相山区曲阳街道工会": ("accepted", "accepted", "submitted", None),
    "相山区南黎街道工会": ("accepted", "submitted", None, None),
    "濉溪县百善镇工会": ("accepted", "accepted", "accepted", "submitted"),
    "濉溪县临涣镇工会": ("accepted", "submitted", None, None),
    "濉溪县五沟镇工会": ("accepted", None, None, None),
}

PROJECTS = {
    "相山区总工会": (1, 2),
    "濉溪县总工会": (1, 4),
    "市教育工会": (4,),
    "市卫计委工会": (6,),
    "市电子商贸物流工会": (1, 9),
    "大企业工会": (2, 8),
    "市农业农村系统工会": (1, 3),
    "市供电公司工会": (7,),
    "市扶贫办": (5, 9),
}

# The live year, per unit: the state of its reports for the periods due before the latest
# one, for the latest period already due, and for the period open today (None: missing or
# not begun). The live year has no showcase yet.
LIVE_PLAN = {
    "相山区总工会": ("accepted", "accepted", "draft"),
    "濉溪县总工会": ("accepted_late", "submitted_late", None),
    "市教育工会": ("accepted", "returned", "submitted"),
    "杜集区总工会": ("accepted", "submitted", "submitted"),
    "烈山区总工会": ("accepted", "accepted", "draft"),
    "市卫计委工会": ("accepted", "submitted", None),
    "市电子商贸物流工会": ("accepted", "accepted", "submitted"),
    "大企业工会": ("accepted_late", None, None),
    "市农业农村系统工会": ("accepted", "accepted", None),
    "市直机关工会": ("accepted", "draft", None),
    "市供电公司工会": ("accepted", "accepted", "submitted"),
    "市扶贫办": ("accepted", "accepted", "accepted"),
}

# A unit's last report (no later one compares with it) whose figures jump against its previous
# one: the year's data-quality rules flag it, and it is submitted with the unit's explanation,
# so the office's queue shows it under 有异常 (2019's fourth quarter; the live period).
OUTLIER_UNIT = "杜集区总工会"
OUTLIER_FIGURES = {
    "households_helped": 268,
    "people_helped": 730,
    "funds_invested": 2_680_000,
    "quality_explanation": "本季度承接全区易地扶贫搬迁安置点的集中帮扶，帮扶户数和资金大幅增加，"
    "台账已作为附件上传。",
}

RETURN_COMMENT = "“成果”部分缺少帮扶户数的来源说明，请补充村级台账并附活动照片后重新提交。"


def _texts(unit: str, period) -> dict:
    n = period.number
    return {
        "progress": f"{unit}{period.name}组织劳模深入结对村开展帮扶，走访贫困户，落实帮扶措施。",
        "results": f"本期帮扶贫困户增收明显，{unit}协调落实帮扶资金，带动就业和技能培训。",
        "practices": (
            f"{unit}推行“劳模+合作社+贫困户”模式：劳模领办种养基地，贫困户以土地和劳力入股，"
            "按季分红；劳模定期上门传授种植养殖技术，做到一技在手、全家脱贫。"
        ),
        "experience": "坚持扶贫与扶志、扶智相结合，精准到村到户，台账清楚，资金使用公开透明。",
        "households_helped": 20 + 3 * n,
        "people_helped": 55 + 8 * n,
        "funds_invested": 80000 + 15000 * n,
        "people_trained": 30 + 5 * n,
        "jobs_arranged": 5 + n,
    }


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _context(year_number: int):
    """The office reviewer, the demo staff by unit id and the year's nine projects by number."""
    users = get_user_model().objects
    office = users.filter(username="office1").first()
    staff = {
        u.membership.unit_id: u
        for u in users.filter(membership__role="unit_staff").select_related("membership")
    }
    projects = NineProject.objects.filter(year__year=year_number)
    return office, staff, {p.number: p for p in projects}


def seed(*, stdout=None) -> None:
    """2019's reports, by PLAN."""
    office, staff, projects = _context(DEMO_YEAR)
    if office is None:
        return
    periods = {p.number: p for p in ReportingPeriod.objects.filter(year__year=DEMO_YEAR)}
    units = {unit.name: unit for unit in Unit.objects.filter(name__in=PLAN)}
    created = 0
    for name, plan in PLAN.items():
        unit = units.get(name)
        if unit is None:
            continue
        for number, state in enumerate(plan, start=1):
            period = periods.get(number)
            if state is None or period is None:
                continue
            if Report.objects.filter(unit=unit, period=period).exists():
                continue
            actor = staff.get(unit.pk) or SYSTEM  # a unit without a login: the demo itself
            chosen = [projects[n] for n in PROJECTS.get(name, (1,))]
            times = _due_times(period, late=state.endswith("_late"), now=timezone.now())
            figures = OUTLIER_FIGURES if (name, number) == (OUTLIER_UNIT, 4) else None
            _make(
                unit, period, state, actor=actor, office=office, projects=chosen, times=times,
                figures=figures,
            )  # fmt: skip
            created += 1
    if stdout:
        stdout.write(f"reports: {created} demo reports created")


def live_periods(year, today: datetime.date):
    """The live year's periods due before `today` and the period open today (the one the
    dashboards show: the next deadline), or None when none has begun."""
    periods = list(ReportingPeriod.objects.filter(year=year).select_related("year"))
    due = [p for p in periods if p.deadline < today]
    current = competition_selectors.current_period(today)
    if current is None or current.year_id != year.pk or current.start > today:
        current = None
    return due, current


def seed_live(*, stdout=None, scale: int = 0, today: datetime.date) -> None:
    """The live year's reports, by LIVE_PLAN; with `scale`, the scaled city's."""
    year = competition_demo.live_year(today)
    office, staff, projects = _context(year.year if year else DEMO_YEAR)
    if year is None or office is None or not year.is_open:
        return
    due, current = live_periods(year, today)
    now = timezone.now()
    units = {unit.name: unit for unit in Unit.objects.filter(name__in=LIVE_PLAN)}
    created = 0
    for name, (earlier, latest, live) in LIVE_PLAN.items():
        unit = units.get(name)
        if unit is None:
            continue
        planned = [(p, latest if p is due[-1] else earlier) for p in due]
        if current is not None:
            planned.append((current, live))
        for period, state in planned:
            if state is None or Report.objects.filter(unit=unit, period=period).exists():
                continue
            times = (
                _live_times(period, today, now)
                if period is current
                else _due_times(period, late=state.endswith("_late"), now=now)
            )
            chosen = [projects[n] for n in PROJECTS.get(name, (1,))]
            actor = staff.get(unit.pk) or SYSTEM  # a unit without a login: the demo itself
            outlier = name == OUTLIER_UNIT and current is not None and period is current
            _make(
                unit, period, state, actor=actor, office=office, projects=chosen, times=times,
                figures=OUTLIER_FIGURES if outlier else None,
            )  # fmt: skip
            created += 1
    if scale > 0:
        seed_scale(scale, year=year, today=today, stdout=stdout)
    if stdout:
        stdout.write(f"reports: live year {year.year}, {created} demo reports created")


def _due_times(period, *, late: bool, now):
    """Started, submitted and reviewed for a report of a period already due: begun the day
    after the period, in two days before its deadline (or five days late), reviewed three days
    later; never after `now` (a period due yesterday has its late reports in today)."""
    started = min(_at(period.end + datetime.timedelta(days=1)), now)
    day = period.deadline + datetime.timedelta(days=5 if late else -2)
    submitted = min(_at(day, 16), now)
    return started, submitted, min(submitted + datetime.timedelta(days=3), now)


def _live_times(period, today: datetime.date, now):
    """The same for the period open today: begun at most five days ago, submitted (early, on
    time) two days later, never after `now`."""
    begun = max(period.start, today - datetime.timedelta(days=5))
    started = min(_at(begun), now)
    submitted = min(_at(begun + datetime.timedelta(days=2), 16), now)
    return started, submitted, min(submitted + datetime.timedelta(days=3), now)


def _make(unit, period, state, *, actor, office, projects, times, figures=None):
    started, submitted, reviewed = times
    report = services.report_create(actor=actor, unit=unit, period=period, at=started)
    submit = state != "draft"
    data = {**_texts(unit.name, period), **(figures or {})}
    if state == "draft":
        data = {name: data[name] for name in ("progress", "households_helped", "people_helped")}
    report = services.report_save(
        actor=actor,
        report=report,
        data=data,
        projects=projects,
        submit=submit,
        at=submitted if submit else None,
    )
    if state == "returned":
        services.report_return(
            actor=office, report=report, comment=RETURN_COMMENT, at=reviewed, notify=False
        )
    elif state.startswith("accepted") or state == "showcase":
        services.report_accept(
            actor=office, report=report, comment="内容翔实，同意。", at=reviewed, notify=False
        )
    if state == "showcase":
        services.showcase_mark(
            actor=office,
            report=report,
            title="“劳模+合作社+贫困户”带富模式",
            project=projects[0],
            at=reviewed,
        )


# --- The scaled city (seed_demo --scale N): its units' reports in the live year --------------
# Bulk-created on purpose, bypassing the workflow services (see competition.demo's scale
# section), but shaped as the services leave them: a transition row per move, the late mark on
# the first submission, submitted_at on every report past draft (the database checks both).

# state → weight out of 100, for a period already due: ≈80% submitted or accepted, the rest
# returned, draft or missing; for the period open today: begun or not yet, none late.
SCALE_MIX = {"accepted": 58, "submitted": 22, "returned": 5, "draft": 5, None: 10}
SCALE_LIVE_MIX = {"submitted": 35, "draft": 30, None: 35}
SCALE_LATE_PERCENT = 12


def seed_scale(scale: int, *, year, today: datetime.date, stdout=None) -> None:
    """The reports of each block in `year` (the live year), for a block that has none there."""
    office = get_user_model().objects.filter(username="office1").first()
    due, current = live_periods(year, today)
    if office is None or not (due or current):
        return
    for block in range(1, scale + 1):
        units = competition_demo.scale_block_units(block)
        if not units or Report.objects.filter(unit__in=units, period__year=year).exists():
            continue
        count = _scale_reports(block, units, due, current, office, today=today)
        if stdout:
            stdout.write(f"reports: scale block {block}: {count} reports in {year.year}")


def _scale_reports(block, units, due, current, office, *, today) -> int:
    rng = random.Random(block)
    now = timezone.now()
    staff = dict(
        Membership.objects.filter(unit__in=units, role="unit_staff").values_list(
            "unit_id", "user_id"
        )
    )
    year_id = (current or due[0]).year_id
    projects = list(NineProject.objects.filter(year_id=year_id).order_by("number"))
    periods = [(period, SCALE_MIX) for period in due]
    if current is not None:
        periods.append((current, SCALE_LIVE_MIX))
    plan, reports = [], []
    for unit in units:
        for period, mix in periods:
            state = rng.choices(list(mix), list(mix.values()))[0]
            if state is None:
                continue
            if period is current:
                late = False
                started, submitted, reviewed = _live_times(period, today, now)
            else:
                late = state != "draft" and rng.randrange(100) < SCALE_LATE_PERCENT
                started, submitted, reviewed = _due_times(period, late=late, now=now)
            data = _texts(unit.name, period)
            if state == "draft":
                data = {"progress": data["progress"], "households_helped": 0}
            reports.append(
                Report(
                    unit=unit,
                    period=period,
                    status=state,
                    **data,
                    first_submitted_at=None if state == "draft" else submitted,
                    submitted_at=None if state == "draft" else submitted,
                    is_late=late,
                    review_comment={"returned": RETURN_COMMENT, "accepted": "内容翔实，同意。"}.get(
                        state, ""
                    ),
                    reviewed_at=reviewed if state in ("returned", "accepted") else None,
                )
            )
            plan.append((state, staff.get(unit.pk), started, submitted, reviewed))
    reports = Report.objects.bulk_create(reports, batch_size=competition_demo.BATCH)
    transitions, links = [], []
    Through = Report.projects.through
    for n, (report, (state, staff_id, started, submitted, reviewed)) in enumerate(
        zip(reports, plan, strict=True)
    ):
        moves = [("", "draft", staff_id, started, "")]
        if state != "draft":
            moves.append(("draft", "submitted", staff_id, submitted, ""))
        if state in ("returned", "accepted"):
            moves.append(("submitted", state, office.pk, reviewed, report.review_comment))
        transitions += [
            ReportTransition(
                report=report, actor_id=actor, at=at, from_status=old, to_status=new, comment=text
            )
            for old, new, actor, at, text in moves
        ]
        for project in projects[n % len(projects) : n % len(projects) + 1 + n % 2]:
            links.append(Through(report_id=report.pk, nineproject_id=project.pk))
    ReportTransition.objects.bulk_create(transitions, batch_size=competition_demo.BATCH)
    Through.objects.bulk_create(links, batch_size=competition_demo.BATCH)
    return len(reports)
