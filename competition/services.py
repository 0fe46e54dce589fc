"""Writes for the competition core. Each takes an acting user and runs in one transaction."""

import calendar
import datetime
import random
import secrets
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.queue import enqueue_on_commit
from common.services import (
    acting_user,
    delete_recorded,
    deletion_record,
    notification_create,
    save_recorded,
)
from common.uploads import (
    IMAGE_EXTENSIONS,
    check_record_room,
    display_name,
    thumbnail_of,
    validate_upload,
)

from . import defaults
from .enums import PeriodScheme, Role, UnitKindCode, YearStatus
from .models import (
    ActivityType,
    CompetitionYear,
    ConflictDeclaration,
    Criterion,
    Entry,
    EntryScore,
    KindQuota,
    Membership,
    NineProject,
    Notice,
    Participation,
    QualityRule,
    ReportingPeriod,
    ReviewerAssignment,
    Score,
    ScoreSheet,
    SelfAssessment,
    SelfScore,
    SpotCheck,
    SpotCheckDraw,
    SpotCheckPhoto,
    Unit,
    UnitKind,
    UnitQuota,
    default_evaluation_date,
)

DEADLINE_DAYS_AFTER_PERIOD = 10
# A new year's self-assessment (自查) is due this many days before its evaluation.
SELF_ASSESSMENT_DAYS_BEFORE = 15

# Period names are data of the year, stored in Chinese as the office writes them; they are
# not msgids (a year created under another active language would store that language).
SCHEME_MONTHS = {PeriodScheme.QUARTERLY: 3, PeriodScheme.MONTHLY: 1, PeriodScheme.HALF_YEARLY: 6}
HALF_YEAR_NAMES = ("上半年", "下半年")

# What the apps above keep per year from their dated records (volunteers: each unit's
# activity tally), recomputed in the same transaction when a year is created or its dates
# change; registered from their AppConfig, so that this layer need not name them.
_YEAR_DATES_CHANGED = []


def year_dates_changed_register(recompute) -> None:
    """`recompute(year)` runs whenever a year's start or end date is set."""
    if recompute not in _YEAR_DATES_CHANGED:
        _YEAR_DATES_CHANGED.append(recompute)


def _year_dates_changed(year: CompetitionYear) -> None:
    for recompute in _YEAR_DATES_CHANGED:
        recompute(year)


def _scheme_name(scheme: str, number: int) -> str:
    if scheme == PeriodScheme.MONTHLY:
        return f"{number}月"
    if scheme == PeriodScheme.HALF_YEARLY:
        return HALF_YEAR_NAMES[number - 1]
    return f"第{number}季度"


def default_periods(
    year: int,
    scheme: str = PeriodScheme.QUARTERLY,
    *,
    deadline_days: int = DEADLINE_DAYS_AFTER_PERIOD,
) -> list[dict]:
    """The periods of calendar year `year` under `scheme` (quarterly "第1季度".."第4季度",
    monthly "1月".."12月", half-yearly "上半年"/"下半年"), each due `deadline_days` after it
    ends: dicts of number, name, start, end, deadline, as `competition_year_create` takes."""
    months = SCHEME_MONTHS[PeriodScheme(scheme)]
    periods = []
    for number, first_month in enumerate(range(1, 13, months), start=1):
        last_month = first_month + months - 1
        end = datetime.date(year, last_month, calendar.monthrange(year, last_month)[1])
        periods.append(
            {
                "number": number,
                "name": _scheme_name(scheme, number),
                "start": datetime.date(year, first_month, 1),
                "end": end,
                "deadline": end + datetime.timedelta(days=deadline_days),
            }
        )
    return periods


@transaction.atomic
def competition_year_create(
    *,
    actor,
    year: int,
    title: str = "",
    theme: str | None = None,
    evaluation_date: datetime.date | None = None,
    periods: list[dict] | None = None,
    deadline_days: int = DEADLINE_DAYS_AFTER_PERIOD,
    quotas: Mapping[str, int] | None = None,
    criteria: list[dict] | None = None,
    projects: list[dict] | None = None,
    activity_types: list[dict] | None = None,
    quality_rules: list[dict] | None = None,
) -> CompetitionYear:
    """Create a competition year with its reporting periods, its quotas and its criteria.

    `periods` is a list of dicts (name, start, end, deadline; number optional, else the
    position from 1), in order; by default the four quarters, each due `deadline_days` after
    it ends. The evaluation date defaults to 15 April of the following year, so that
    rankings are ready before May Day. Each unit kind's activity quota is `quotas[kind
    code]`, else the notice's default (`DEFAULT_QUOTAS`); the criteria are `criteria`, else
    the notice's 四比 (see `criteria_ensure`); the projects and activity types are `projects`
    and `activity_types`, else the nine projects and the “5+1” (`projects_ensure`,
    `activity_types_ensure`). An acting user must be an admin; commands and tests pass
    `actor=None`.
    """
    if actor is not None:
        _require(actor, "competition.manage_years")
    competition_year = CompetitionYear(
        year=year,
        title=title or f"{year}年度打赢脱贫攻坚战劳动竞赛",
        start_date=datetime.date(year, 1, 1),
        end_date=datetime.date(year, 12, 31),
        evaluation_date=evaluation_date or default_evaluation_date(year),
        status=YearStatus.OPEN,
    )
    if theme:
        competition_year.theme = theme
    competition_year.self_assessment_deadline = (
        competition_year.evaluation_date - datetime.timedelta(days=SELF_ASSESSMENT_DAYS_BEFORE)
    )
    competition_year.full_clean()
    competition_year.save()
    periods_ensure(
        actor=actor, competition_year=competition_year, periods=periods, deadline_days=deadline_days
    )
    kind_quotas_ensure(actor=actor, year=competition_year, quotas=quotas)
    criteria_ensure(competition_year=competition_year, criteria=criteria)
    projects_ensure(actor=actor, competition_year=competition_year, projects=projects)
    activity_types_ensure(
        actor=actor, competition_year=competition_year, activity_types=activity_types
    )
    quality_rules_ensure(competition_year=competition_year, rules=quality_rules)
    _year_dates_changed(competition_year)
    return competition_year


YEAR_FIELDS = (
    "title",
    "theme",
    "start_date",
    "end_date",
    "evaluation_date",
    "self_assessment_deadline",
    "self_gap_threshold",
    "disagreement_threshold",
    "unassigned_may_score",
)


@transaction.atomic
def competition_year_update(*, actor, year: CompetitionYear, **fields) -> CompetitionYear:
    """Change a year's settings (`YEAR_FIELDS`): admins only, never in a closed year, and the
    year's dates must still hold every one of its reporting periods. The status changes only
    by closing and reopening; the results are published from the standings page."""
    _require(actor, "competition.manage_years", year)
    year_require_unsealed(year)
    year = CompetitionYear.objects.select_for_update().get(pk=year.pk)
    dates = (year.start_date, year.end_date)
    for name, value in _pick(fields, YEAR_FIELDS).items():
        setattr(year, name, value)
    year.full_clean()
    outside = year.periods.filter(Q(start__lt=year.start_date) | Q(end__gt=year.end_date))
    if outside.exists():
        raise ValidationError(
            {
                "start_date": _("本年度的报送期须在竞赛年度之内：%(periods)s。")
                % {"periods": "、".join(str(period.name) for period in outside)}
            },
            code="periods_outside",
        )
    save_recorded(year, actor, update_fields=[*fields])
    if (year.start_date, year.end_date) != dates:
        _year_dates_changed(year)
    return year


# --- data-quality rules (数据质量规则) ------------------------------------------------------------

QUALITY_RULE_FIELDS = (
    "number",
    "target",
    "kind",
    "field",
    "other_field",
    "low",
    "high",
    "factor",
    "min_peers",
    "severity",
    "active",
)
_DEFAULT_RULE_KEYS = ("target", "kind", "field", "other_field", "low", "high", "factor", "severity")


def default_quality_rules() -> list[dict]:
    """The defaults of a new year (`defaults.QUALITY_RULES`), as dicts of the rule's fields."""
    rules = []
    for number, row in enumerate(defaults.QUALITY_RULES, start=1):
        rule = dict(zip(_DEFAULT_RULE_KEYS, row, strict=True))
        for name in ("low", "high", "factor"):
            rule[name] = None if rule[name] is None else Decimal(str(rule[name]))
        rules.append({"number": number, **rule})
    return rules


def quality_rules_ensure(*, competition_year: CompetitionYear, rules=None) -> list[QualityRule]:
    """Give a year without data-quality rules its rules: `rules` (dicts of
    `QUALITY_RULE_FIELDS`), by default `default_quality_rules()`. A year with some keeps them."""
    if competition_year.quality_rules.exists():
        return list(competition_year.quality_rules.all())
    created = []
    for number, fields in enumerate(default_quality_rules() if rules is None else rules, start=1):
        rule = QualityRule(year=competition_year, number=fields.get("number") or number)
        for name, value in _pick(fields, QUALITY_RULE_FIELDS).items():
            if name != "number":
                setattr(rule, name, value)
        rule.full_clean()
        rule.save()
        created.append(rule)
    return created


def _quality_rules_changed(year: CompetitionYear) -> None:
    """The year's stored flags follow its rules: each app recomputes its records' flags."""
    enqueue_on_commit("reports.quality_flags_refresh", year_id=year.pk)
    enqueue_on_commit("volunteers.quality_flags_refresh", year_id=year.pk)


@transaction.atomic
def quality_rule_save(
    *, actor, year: CompetitionYear, rule: QualityRule | None = None, **fields
) -> QualityRule:
    """Add a data-quality rule to a year, or change one (admins, until the year is closed).
    The year's reports, activities and service records are checked again after commit."""
    year_require_unsealed(year)
    _require(actor, "competition.manage_years", year)
    if rule is not None and rule.year_id != year.pk:
        raise ValidationError(_("该规则不属于此竞赛年度。"))
    rule = rule or QualityRule(year=year)
    for name, value in _pick(fields, QUALITY_RULE_FIELDS).items():
        setattr(rule, name, value)
    if rule.number is None:
        last = year.quality_rules.order_by("-number").values_list("number", flat=True).first()
        rule.number = (last or 0) + 1
    rule.full_clean()
    save_recorded(rule, actor)
    _quality_rules_changed(year)
    return rule


@transaction.atomic
def quality_rule_delete(*, actor, rule: QualityRule) -> None:
    year = rule.year
    year_require_unsealed(year)
    _require(actor, "competition.manage_years", year)
    rule.delete()
    _quality_rules_changed(year)


# --- self-assessment (自查) ------------------------------------------------------------------


def self_assessment_open(year: CompetitionYear, today: datetime.date | None = None) -> bool:
    """A unit may still change its self-assessment: the year is open and its deadline (if it
    has one) not past."""
    today = today or timezone.localdate()
    deadline = year.self_assessment_deadline
    return year.is_open and (deadline is None or today <= deadline)


@transaction.atomic
def self_assessment_save(
    *, actor, year: CompetitionYear, unit: Unit, scores: Mapping, submit: bool = False, at=None
) -> SelfAssessment:
    """Save a unit's self-assessment: `scores` maps a criterion's code to a dict of points,
    justification and evidence (links, one a line). With `submit`, every criterion of the
    year must be scored and justified. Only the unit's staff, only before the deadline."""
    year_require_unsealed(year)
    _require(actor, "competition.edit_self_assessment", unit)
    if not self_assessment_open(year):
        raise ValidationError(_("自查已截止或该年度已不在进行中，不能再修改。"), code="closed")
    assessment, _created = SelfAssessment.objects.select_for_update().get_or_create(
        year=year, unit=unit
    )
    criteria = {c.code: c for c in year.criteria.all()}
    existing = {s.criterion_id: s for s in assessment.scores.all()}
    errors = {}
    for code, criterion in criteria.items():
        given = scores.get(code) or {}
        points, text = given.get("points"), (given.get("justification") or "").strip()
        if points is None:
            if submit:
                errors[code] = _("请为“%(name)s”自评打分。") % {"name": criterion.name}
            continue
        if points > criterion.max_points:
            errors[code] = _("“%(name)s”满分为%(max)s分。") % {
                "name": criterion.name,
                "max": criterion.max_points,
            }
            continue
        if submit and not text:
            errors[code] = _("请填写“%(name)s”的自评理由。") % {"name": criterion.name}
            continue
        score = existing.get(criterion.pk) or SelfScore(assessment=assessment, criterion=criterion)
        score.points, score.justification = points, text
        score.evidence = (given.get("evidence") or "").strip()
        score.full_clean()
        save_recorded(score, actor)
    if errors:
        raise ValidationError(errors)
    if submit:
        assessment.submitted_at = at or timezone.now()
        assessment.submitted_by = acting_user(actor)
    assessment.full_clean()
    save_recorded(assessment, actor)
    return assessment


# --- sealed years -----------------------------------------------------------------------------

SEALED_CODE = "year_sealed"


def year_is_sealed(year: CompetitionYear | None) -> bool:
    """A closed year is sealed. The status is read from the database, not from the (possibly
    stale) object the caller holds: a year closed a moment ago is sealed for everyone."""
    if year is None:
        return False
    return CompetitionYear.objects.filter(pk=year.pk, status=YearStatus.CLOSED).exists()


def year_require_unsealed(year: CompetitionYear | None) -> None:
    """The one check every write of a per-year record calls first: refuse a closed year."""
    if year_is_sealed(year):
        raise ValidationError(_("该竞赛年度已结束并封存，记录不能再修改。"), code=SEALED_CODE)


def date_require_unsealed(*dates: datetime.date | None) -> None:
    """For records dated rather than tied to a year (activities, service records): the year is
    the CompetitionYear numbered as the date's calendar year, if there is one."""
    numbers = {date.year for date in dates if date is not None}
    if CompetitionYear.objects.filter(year__in=numbers, status=YearStatus.CLOSED).exists():
        raise ValidationError(_("该竞赛年度已结束并封存，记录不能再修改。"), code=SEALED_CODE)


def _status_change(*, actor, year: CompetitionYear, to: str, reason: str) -> CompetitionYear:
    # The change is recorded by the year's history (django-simple-history): who, when, the
    # status before and after (consecutive history rows) and, for a reopening, why.
    year = CompetitionYear.objects.select_for_update().get(pk=year.pk)
    year.status = to
    year._history_user = actor
    year._change_reason = reason
    year.full_clean()
    save_recorded(year, actor, update_fields=["status"])
    return year


@transaction.atomic
def competition_year_close(*, actor, year: CompetitionYear) -> CompetitionYear:
    """Close and seal a year: from now on no record of the year can be written."""
    _require(actor, "competition.manage_years")
    if year_is_sealed(year):
        raise ValidationError(_("该竞赛年度已结束。"), code="already_closed")
    return _status_change(actor=actor, year=year, to=YearStatus.CLOSED, reason=_("结束并封存"))


REOPEN_REASON_MAX = 90  # history_change_reason holds 100 characters; "重新开放：" takes 5


@transaction.atomic
def competition_year_reopen(*, actor, year: CompetitionYear, reason: str) -> CompetitionYear:
    """Reopen a closed year, back to the status it had before closing; a reason is required."""
    _require(actor, "competition.manage_years")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("重新开放时必须填写原因。")}, code="reason_required")
    if len(reason) > REOPEN_REASON_MAX:
        raise ValidationError(
            {"reason": _("原因不能超过 %(n)s 个字。") % {"n": REOPEN_REASON_MAX}},
            code="reason_too_long",
        )
    if not year_is_sealed(year):
        raise ValidationError(_("只有已结束的竞赛年度可以重新开放。"), code="not_closed")
    before = year.history.exclude(status=YearStatus.CLOSED).values_list("status", flat=True)
    return _status_change(
        actor=actor,
        year=year,
        to=before.first() or YearStatus.EVALUATING,
        reason=_("重新开放：%(reason)s") % {"reason": reason},
    )


# The notice's yearly activity quotas (劳模扶贫活动) per unit kind, a new year's defaults.
DEFAULT_QUOTAS = {
    UnitKindCode.COUNTY: 3,
    UnitKindCode.SYSTEM: 3,
    UnitKindCode.DIRECT: 1,
    UnitKindCode.POVERTY_OFFICE: 0,
}


@transaction.atomic
def kind_quotas_ensure(
    *, actor, year: CompetitionYear, quotas: Mapping[str, int] | None = None
) -> list[KindQuota]:
    """Give the year a quota for every unit kind that has none yet (`quotas[code]`, else
    `DEFAULT_QUOTAS`, else 0); existing ones are kept. For a year being created."""
    unknown = set(quotas or {}) - set(UnitKind.objects.values_list("code", flat=True))
    quotas = {**DEFAULT_QUOTAS, **(quotas or {})}
    if unknown:
        raise ValidationError(
            _("未知的单位类别：%(codes)s") % {"codes": ", ".join(sorted(unknown))}
        )
    rows = []
    for kind in UnitKind.objects.all():
        row, _created = KindQuota.objects.get_or_create(
            year=year, kind=kind, defaults={"quota": quotas.get(kind.code, 0)}
        )
        rows.append(row)
    return rows


@transaction.atomic
def kind_quota_set(*, actor, year: CompetitionYear, kind: UnitKind, quota: int) -> KindQuota:
    """Set the year's activity quota of a unit kind; other years keep theirs."""
    year_require_unsealed(year)
    _require(actor, "competition.manage_years", year)
    row = KindQuota.objects.filter(year=year, kind=kind).first() or KindQuota(year=year, kind=kind)
    row.quota = quota
    row.full_clean()
    save_recorded(row, actor)
    return row


@transaction.atomic
def kind_quotas_save(
    *, actor, year: CompetitionYear, quotas: Mapping[UnitKind, int]
) -> list[KindQuota]:
    """Set several unit kinds' quotas of the year at once (the quota page's form); only the
    changed ones are written (one history row each)."""
    year_require_unsealed(year)
    _require(actor, "competition.manage_years", year)
    current = dict(KindQuota.objects.filter(year=year).values_list("kind_id", "quota"))
    return [
        kind_quota_set(actor=actor, year=year, kind=kind, quota=quota)
        for kind, quota in quotas.items()
        if current.get(kind.pk) != quota
    ]


@transaction.atomic
def unit_quota_set(
    *, actor, year: CompetitionYear, unit: Unit, quota: int | None
) -> UnitQuota | None:
    """Give a unit its own activity quota for the year (单独设定), or with `quota=None` let it
    follow its kind's quota again. Other years keep theirs."""
    year_require_unsealed(year)
    _require(actor, "competition.manage_years", year)
    row = UnitQuota.objects.filter(year=year, unit=unit).first()
    if quota is None:
        if row is not None:
            delete_recorded(row, actor)
        return None
    row = row or UnitQuota(year=year, unit=unit)
    row.quota = quota
    row.full_clean()
    save_recorded(row, actor)
    return row


@transaction.atomic
def participation_start(*, actor, unit: Unit, date: datetime.date) -> Participation:
    """The unit takes part from `date` on (a new participation, open-ended). Refused while
    it still takes part on or after that date, or when `date` lies in a closed year."""
    date_require_unsealed(date)
    _require(actor, "competition.manage_years", unit)
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    later = unit.participations.filter(Q(end__isnull=True) | Q(end__gte=date))
    if later.exists():
        raise ValidationError(
            {"date": _("该单位在 %(date)s 及以后仍在参赛。") % {"date": date.isoformat()}},
            code="overlap",
        )
    participation = Participation(unit=unit, start=date)
    participation.full_clean()
    save_recorded(participation, actor)
    return participation


@transaction.atomic
def participation_end(*, actor, unit: Unit, date: datetime.date, reason: str = "") -> Participation:
    """The unit no longer takes part from `date` on: its participation containing `date`
    ends the day before. The periods before `date` keep counting the unit (their expected
    reports, quotas and rankings stay as they were); the periods from `date` on do not.
    Refused when `date` lies in a closed year (its figures would change)."""
    date_require_unsealed(date)
    _require(actor, "competition.manage_years", unit)
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    participation = (
        unit.participations.filter(start__lt=date)
        .filter(Q(end__isnull=True) | Q(end__gte=date))
        .first()
    )
    if participation is None:
        raise ValidationError(
            {"date": _("该单位在 %(date)s 前后并未参赛。") % {"date": date.isoformat()}},
            code="not_taking_part",
        )
    participation.end = date - datetime.timedelta(days=1)
    participation.end_reason = reason
    participation.full_clean()
    save_recorded(participation, actor, update_fields=["end", "end_reason"])
    return participation


def criteria_ensure(*, competition_year: CompetitionYear, criteria=None) -> list[Criterion]:
    """Give a year without criteria its criteria: `criteria` (dicts of code, name, rubric,
    max_points, weight), by default the notice's 四比. A year that has some keeps them."""
    if competition_year.criteria.exists():
        return list(competition_year.criteria.all())
    if criteria is None:
        criteria = [
            {
                "code": code,
                "name": name,
                "rubric": rubric,
                "max_points": defaults.CRITERION_MAX_POINTS,
                "weight": defaults.CRITERION_WEIGHT,
            }
            for code, name, rubric in defaults.CRITERIA
        ]
    created = []
    for number, fields in enumerate(criteria, start=1):
        criterion = Criterion(year=competition_year, number=fields.get("number", number))
        for name in ("code", "name", "rubric", "max_points", "weight"):
            setattr(criterion, name, fields[name])
        criterion.full_clean()
        criterion.save()
        created.append(criterion)
    return created


CRITERION_FIELDS = ("code", "number", "name", "rubric", "max_points", "weight")


@transaction.atomic
def criterion_save(
    *, actor, year: CompetitionYear, criterion: Criterion | None = None, **fields
) -> Criterion:
    """Add a criterion to a year, or change one: the year's standings follow at once (their
    cached sums are recomputed). Only while the year is open, and only by an admin. A new
    criterion without a code gets "c<number>" (the code names it in scores and rankings)."""
    year_require_unsealed(year)
    _require(actor, "competition.manage_years", year)
    if criterion is not None and criterion.year_id != year.pk:
        raise ValidationError(_("该评比标准不属于此竞赛年度。"))
    if not year.is_open:
        raise ValidationError(_("该竞赛年度已不在进行中，评比标准不能再修改。"))
    criterion = criterion or Criterion(year=year)
    for name, value in _pick(fields, CRITERION_FIELDS).items():
        setattr(criterion, name, value)
    if criterion.number is None:
        last = year.criteria.order_by("-number").values_list("number", flat=True).first()
        criterion.number = (last or 0) + 1
    if not criterion.code:
        taken = set(year.criteria.values_list("code", flat=True))
        number = criterion.number
        while f"c{number}" in taken:
            number += 1
        criterion.code = f"c{number}"
    criterion.full_clean()
    save_recorded(criterion, actor)
    entry_scores_refresh(entries=Entry.objects.filter(year=year).values("pk"))
    return criterion


@transaction.atomic
def criterion_delete(*, actor, criterion: Criterion) -> None:
    """Remove a criterion that no sheet has scored yet."""
    year = criterion.year
    year_require_unsealed(year)
    _require(actor, "competition.manage_years", year)
    if not year.is_open:
        raise ValidationError(_("该竞赛年度已不在进行中，评比标准不能再修改。"))
    if criterion.scores.exists():
        raise ValidationError(_("已有评委按此标准评分，不能删除；可将权重设为 0。"))
    criterion.delete()
    entry_scores_refresh(entries=Entry.objects.filter(year=year).values("pk"))


# --- a year's projects and activity types ------------------------------------------------

PROJECT_FIELDS = ("number", "name", "short_name", "description")
ACTIVITY_TYPE_FIELDS = ("code", "number", "name")


def _rule_rows_ensure(actor, model, existing, rows, year, fields) -> list:
    if existing.exists():
        return list(existing.all())
    created = []
    for number, values in enumerate(rows, start=1):
        row = model(year=year, number=values.get("number", number))
        for name in fields:
            if name != "number":
                setattr(row, name, values.get(name, ""))
        row.full_clean()
        save_recorded(row, actor)
        created.append(row)
    return created


@transaction.atomic
def projects_ensure(
    *, actor, competition_year: CompetitionYear, projects: list[dict] | None = None
) -> list[NineProject]:
    """Give a year without projects its projects: `projects` (dicts of number, name,
    short_name, description), by default the nine projects. A year that has some keeps them."""
    if projects is None:
        projects = [
            {"number": number, "name": name, "short_name": short}
            for number, name, short in defaults.NINE_PROJECTS
        ]
    return _rule_rows_ensure(
        actor, NineProject, competition_year.projects, projects, competition_year, PROJECT_FIELDS
    )


@transaction.atomic
def activity_types_ensure(
    *, actor, competition_year: CompetitionYear, activity_types: list[dict] | None = None
) -> list[ActivityType]:
    """Give a year without activity types its types: `activity_types` (dicts of code, name,
    number), by default the “5+1”. A year that has some keeps them."""
    if activity_types is None:
        activity_types = [{"code": code, "name": name} for code, name in defaults.ACTIVITY_TYPES]
    return _rule_rows_ensure(
        actor,
        ActivityType,
        competition_year.activity_types,
        activity_types,
        competition_year,
        ACTIVITY_TYPE_FIELDS,
    )


def _next_number(rows) -> int:
    return (rows.order_by("-number").values_list("number", flat=True).first() or 0) + 1


def _year_rule_save(actor, year, row, fields, allowed, what):
    _require(actor, "competition.manage_years", year)
    year_require_unsealed(year)
    if row.pk is not None and row.year_id != year.pk:
        raise ValidationError(_("该%(what)s不属于此竞赛年度。") % {"what": what})
    row.year = year
    for name, value in _pick(fields, allowed).items():
        setattr(row, name, value)
    if row.number is None:
        row.number = _next_number(type(row).objects.filter(year=year))
    row.full_clean()
    save_recorded(row, actor)
    return row


@transaction.atomic
def project_save(
    *, actor, year: CompetitionYear, project: NineProject | None = None, **fields
) -> NineProject:
    """Add a project to a year, or change one of the year's (number, name, short name,
    description). Other years keep theirs. Admins only; refused for a closed year."""
    return _year_rule_save(actor, year, project or NineProject(), fields, PROJECT_FIELDS, _("工程"))


@transaction.atomic
def project_delete(*, actor, project: NineProject) -> None:
    """Remove a project no entry, report, activity or ranking of the year refers to."""
    year = project.year
    _require(actor, "competition.manage_years", year)
    year_require_unsealed(year)
    in_use = _("“%(name)s”已有参赛项目、报告、活动或评选记录使用，不能删除；可修改其名称。") % {
        "name": project.name
    }
    if project.reports.exists():
        raise ValidationError(in_use, code="in_use")
    project._history_user = acting_user(actor)
    try:
        project.delete()
    except ProtectedError as exc:
        raise ValidationError(in_use, code="in_use") from exc


@transaction.atomic
def activity_type_save(
    *, actor, year: CompetitionYear, activity_type: ActivityType | None = None, **fields
) -> ActivityType:
    """Add an activity type to a year, or change one of the year's (code, name, number).
    Other years keep theirs. Admins only; refused for a closed year."""
    return _year_rule_save(
        actor, year, activity_type or ActivityType(), fields, ACTIVITY_TYPE_FIELDS, _("活动类型")
    )


@transaction.atomic
def activity_type_delete(*, actor, activity_type: ActivityType) -> None:
    """Remove an activity type no activity is recorded under."""
    year = activity_type.year
    _require(actor, "competition.manage_years", year)
    year_require_unsealed(year)
    in_use = _("已有活动属于“%(name)s”，不能删除；可修改其名称。") % {"name": activity_type.name}
    if activity_type.activities.exists():
        raise ValidationError(in_use, code="in_use")
    activity_type._history_user = acting_user(actor)
    try:
        activity_type.delete()
    except ProtectedError as exc:
        raise ValidationError(in_use, code="in_use") from exc


def require_of_year(year: CompetitionYear | None, **rows) -> None:
    """Refuse projects or activity types (by field name) that are not rows of `year`."""
    errors = {}
    for name, row in rows.items():
        if row is not None and year is not None and row.year_id != year.pk:
            errors[name] = _("“%(name)s”不是%(year)s年度的设置，请重新选择。") % {
                "name": row,
                "year": year.year,
            }
    if errors:
        raise ValidationError(errors, code="other_year")


@transaction.atomic
def periods_ensure(
    *,
    actor,
    competition_year: CompetitionYear,
    periods: list[dict] | None = None,
    deadline_days: int = DEADLINE_DAYS_AFTER_PERIOD,
) -> list[ReportingPeriod]:
    """Give a year without periods its periods (`periods`, else the four quarters); a year
    that has any keeps them as they are."""
    existing = list(competition_year.periods.all())
    if existing:
        return existing
    if periods is None:
        periods = default_periods(competition_year.year, deadline_days=deadline_days)
    created = []
    for position, fields in enumerate(periods, start=1):
        fields = {"number": position, **fields}
        created.append(_period_write(competition_year, ReportingPeriod(), created, **fields))
    return created


PERIOD_FIELDS = ("number", "name", "start", "end", "deadline")


def period_check(year: CompetitionYear, period: ReportingPeriod, others) -> None:
    """Refuse a period outside its year, due before it ends, or out of step with the year's
    other periods (same number or name, overlapping dates, numbers not in date order)."""
    errors = {}
    if period.start and period.end and period.end < period.start:
        errors["end"] = _("结束日期不能早于开始日期。")
    elif (
        period.start
        and period.end
        and (period.start < year.start_date or period.end > year.end_date)
    ):
        errors["start"] = _("报送期须在竞赛年度（%(start)s至%(end)s）之内。") % {
            "start": year.start_date.isoformat(),
            "end": year.end_date.isoformat(),
        }
    if period.end and period.deadline and period.deadline < period.end:
        errors["deadline"] = _("报送截止日不能早于结束日期。")
    if errors:
        raise ValidationError(errors)
    for other in others:
        if other.number == period.number:
            errors.setdefault(
                "number", _("本年度已有序号为%(number)s的报送期。") % {"number": other.number}
            )
        if other.name == period.name:
            errors.setdefault(
                "name", _("本年度已有名为“%(name)s”的报送期。") % {"name": other.name}
            )
        if other.start <= period.end and period.start <= other.end:
            errors.setdefault(
                "start",
                _("与%(name)s（%(start)s至%(end)s）时间重叠。")
                % {
                    "name": other.name,
                    "start": other.start.isoformat(),
                    "end": other.end.isoformat(),
                },
            )
        elif (other.number < period.number) != (other.end < period.start):
            errors.setdefault(
                "number",
                _("序号须与时间先后一致：%(name)s的序号为%(number)s。")
                % {"name": other.name, "number": other.number},
            )
    if errors:
        raise ValidationError(errors)


def _period_write(year: CompetitionYear, period: ReportingPeriod, others, **fields):
    for field in PERIOD_FIELDS:
        setattr(period, field, fields[field])
    period.year = year
    period.name = (period.name or "").strip()
    period.full_clean(validate_constraints=False)
    period_check(year, period, others)
    period.save()
    return period


@transaction.atomic
def period_save(
    *,
    actor,
    year: CompetitionYear,
    period: ReportingPeriod | None = None,
    number: int,
    name: str,
    start: datetime.date,
    end: datetime.date,
    deadline: datetime.date,
) -> ReportingPeriod:
    """Add a reporting period to `year`, or change `period` (one of its periods).

    Admins only. Refused (ValidationError, in Chinese, by field) when the period is not
    inside the year, is due before it ends, overlaps another period of the year, shares its
    number or name, or its number is out of date order with the others, and in a closed year.
    """
    year_require_unsealed(year)
    _require(actor, "competition.manage_periods", year)
    if period is None:
        period = ReportingPeriod()
    elif period.year_id != year.pk:
        raise ValueError("period belongs to another year")
    others = list(ReportingPeriod.objects.filter(year=year).exclude(pk=period.pk))
    return _period_write(
        year, period, others, number=number, name=name, start=start, end=end, deadline=deadline
    )


@transaction.atomic
def period_delete(*, actor, period: ReportingPeriod) -> None:
    """Remove a reporting period; one that any report belongs to is kept (ValidationError)."""
    year_require_unsealed(period.year)
    _require(actor, "competition.manage_periods", period.year)
    try:
        period.delete()
    except ProtectedError:
        raise ValidationError(_("%(period)s已有报告，不能删除。") % {"period": period}) from None


UNIT_FIELDS = ("name", "kind", "parent", "contact_person", "phone", "email")


@transaction.atomic
def unit_save(*, actor, unit: Unit | None = None, **fields) -> Unit:
    """Add a unit (it takes part from today) or change one: reference data, admins only."""
    _require(actor, "competition.manage", unit)
    created = unit is None
    unit = unit or Unit()
    for name, value in _pick(fields, UNIT_FIELDS).items():
        setattr(unit, name, value)
    if unit.pk is not None and unit.parent_id == unit.pk:
        raise ValidationError({"parent": _("上级单位不能是本单位。")}, code="own_parent")
    unit.full_clean()
    save_recorded(unit, actor)
    if created:
        participation_start(actor=actor, unit=unit, date=timezone.localdate())
    return unit


@transaction.atomic
def periods_replace(
    *,
    actor,
    year: CompetitionYear,
    scheme: str,
    deadline_days: int = DEADLINE_DAYS_AFTER_PERIOD,
) -> list[ReportingPeriod]:
    """Replace every period of the year by the periods of `scheme` (`default_periods`:
    quarterly, monthly, half-yearly), each due `deadline_days` after it ends. Only while no
    report belongs to any of the year's periods: then nothing is changed (ValidationError)."""
    year_require_unsealed(year)
    _require(actor, "competition.manage_periods", year)
    try:
        with transaction.atomic():
            ReportingPeriod.objects.filter(year=year).delete()
    except ProtectedError:
        raise ValidationError(
            _("本年度已有报告，不能整体替换报送期；可逐个修改或新增报送期。"), code="has_reports"
        ) from None
    created = []
    for fields in default_periods(year.year, scheme, deadline_days=deadline_days):
        created.append(_period_write(year, ReportingPeriod(), created, **fields))
    return created


@transaction.atomic
def membership_set(*, actor, user, role: str, unit: Unit | None = None) -> Membership:
    """Give a user a role (and, for unit staff, a unit), replacing any earlier one. An acting
    user must be an admin; commands and tests pass `actor=None`."""
    if actor is not None:
        _require(actor, "competition.manage")
    membership = Membership.objects.filter(user=user).first() or Membership(user=user)
    membership.role = role
    membership.unit = unit
    membership.full_clean()
    save_recorded(membership, actor)
    if role == Role.ADMIN and not (user.is_staff and user.is_superuser):
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    return membership


# --- 四比双争 scoring -------------------------------------------------------------------------


def _require(actor, action: str, obj=None, message: str = "") -> None:
    from . import permissions

    if not permissions.may(actor, action, obj):
        raise PermissionDenied(message or _("您无权执行此操作。"))


ENTRY_FIELDS = ("nine_project", "title", "description", "target_villages", "target_households")


@transaction.atomic
def entry_create(*, actor, unit: Unit, year: CompetitionYear, **fields) -> Entry:
    """A unit enters the year's competition with an entry (参赛项目) while the year is open."""
    year_require_unsealed(year)
    _require(actor, "competition.create_entry", unit)
    if not year.is_open:
        raise ValidationError(_("该竞赛年度已停止报名。"))
    entry = Entry(unit=unit, year=year, created_by=actor, **_pick(fields, ENTRY_FIELDS))
    require_of_year(year, nine_project=entry.nine_project if entry.nine_project_id else None)
    entry.full_clean()
    save_recorded(entry, actor)
    return entry


@transaction.atomic
def entry_update(*, actor, entry: Entry, **fields) -> Entry:
    year_require_unsealed(entry.year)
    _require(actor, "competition.edit_entry", entry, _("该参赛项目已不能修改。"))
    for name, value in _pick(fields, ENTRY_FIELDS).items():
        setattr(entry, name, value)
    require_of_year(entry.year, nine_project=entry.nine_project if entry.nine_project_id else None)
    entry.full_clean()
    save_recorded(entry, actor)
    return entry


def _pick(fields: dict, allowed) -> dict:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    return fields


def _existing_sheet(entry: Entry, reviewer) -> ScoreSheet | None:
    return ScoreSheet.objects.select_for_update().filter(entry=entry, reviewer=reviewer).first()


@transaction.atomic
def score_sheet_save(*, actor, entry: Entry, points: dict, comment: str = "") -> ScoreSheet:
    """Create or revise the actor's score sheet for an entry: `points` by criterion code,
    one for every criterion of the entry's year.

    Each criterion's points must lie in [0, its max_points]. The database allows one sheet
    per reviewer and entry: when two submissions race, the loser's insert fails on that
    constraint and it revises the sheet the winner created instead (both keep their history).
    """
    year_require_unsealed(entry.year)
    _require(actor, "competition.score_entry", entry, _("您不能为该参赛项目评分。"))
    criteria = list(entry.year.criteria.all())
    errors = {}
    for criterion in criteria:
        value = points.get(criterion.code)
        if value is None:
            errors[criterion.code] = _("请填写“%(name)s”的得分。") % {"name": criterion.name}
        elif not 0 <= Decimal(value) <= criterion.max_points:
            errors[criterion.code] = _("“%(name)s”的得分应在 0 至 %(max)s 之间。") % {
                "name": criterion.name,
                "max": format(criterion.max_points.normalize(), "f"),
            }
    if errors:
        raise ValidationError(errors)
    values = {criterion: Decimal(points[criterion.code]) for criterion in criteria}
    sheet = _sheet_write(entry, actor, values, comment)
    entry_scores_refresh(entries=[entry.pk])
    return sheet


def _sheet_write(entry: Entry, actor, values: dict, comment: str) -> ScoreSheet:
    sheet = _existing_sheet(entry, actor)
    created = False
    if sheet is None:
        sheet = ScoreSheet(entry=entry, reviewer=actor, comment=comment)
        sheet.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                save_recorded(sheet, actor)
            created = True
        except IntegrityError:
            # A concurrent submission by the same reviewer created the sheet first.
            sheet = _existing_sheet(entry, actor)
            if sheet is None:
                raise
    if not created:
        # Saved on every revision (updated_at, and one history row per revision).
        sheet.comment = comment
        sheet.full_clean(validate_constraints=False)
        save_recorded(sheet, actor, update_fields=["comment", "updated_at"])
    existing = {score.criterion_id: score for score in sheet.scores.all()}
    for criterion, points in values.items():
        score = existing.get(criterion.pk)
        if score is None:
            save_recorded(Score(sheet=sheet, criterion=criterion, points=points), actor)
        elif score.points != points:
            score.points = points
            save_recorded(score, actor, update_fields=["points"])
    return sheet


@transaction.atomic
def entry_scores_refresh(*, entries) -> None:
    """Recompute the EntryScore rows of `entries` (primary keys, or a queryset of entries)
    from their score sheets: derived data, so no actor and no history.

    Idempotent (recomputed, never incremented). The entries are locked first, so that two
    reviewers saving sheets of one entry at once refresh its row one after the other. Each
    sheet's total is its weighted sum under its year's criteria (`selectors.sheet_totals`).
    """
    from . import selectors

    keys = list(Entry.objects.select_for_update().filter(pk__in=entries).values_list("pk"))
    keys = [key for (key,) in keys]
    EntryScore.objects.filter(entry__in=keys).delete()
    rows = {}
    for sheet in selectors.sheet_totals(keys):
        row = rows.setdefault(sheet["entry"], {"n": 0, "sum": 0.0, "squares": 0.0})
        row["n"] += 1
        row["sum"] += sheet["total"]
        row["squares"] += sheet["total"] * sheet["total"]
    means = selectors.criterion_means(keys)
    EntryScore.objects.bulk_create(
        EntryScore(
            entry_id=entry_id,
            sheet_count=row["n"],
            total_sum=row["sum"],
            total_square_sum=row["squares"],
            means=means.get(entry_id, {}),
        )
        for entry_id, row in rows.items()
    )
    # The standings' sort key, by the same SQL expression as the total they show.
    Entry.objects.filter(pk__in=keys).update(standing_total=selectors.standing_total_of_entry())


@transaction.atomic
def conflict_declare(*, actor, unit: Unit, reason: str) -> ConflictDeclaration:
    """A reviewer declares a conflict of interest with a unit; he can no longer score it.

    Sheets he gave the unit's entries before stop counting (`selectors.counted_sheets`):
    they stay as the record, each with a history row saying why, and the standings of those
    entries are recomputed at once, so the next evaluation run counts without them.
    """
    _require(actor, "competition.declare_conflict")
    if ConflictDeclaration.objects.filter(reviewer=actor, unit=unit).exists():
        raise ValidationError(_("您已申报过与该单位的利益冲突。"))
    declaration = ConflictDeclaration(reviewer=actor, unit=unit, reason=reason)
    declaration.full_clean()
    save_recorded(declaration, actor)
    from .permissions import forget_declared_conflicts

    forget_declared_conflicts(actor)
    sheets = list(ScoreSheet.objects.filter(reviewer=actor, entry__unit=unit))
    if sheets:
        why = _("评委申报与该单位存在利益冲突，此评分不再计入：%(reason)s") % {"reason": reason}
        ScoreSheet.history.bulk_history_create(
            sheets,
            update=True,
            default_user=acting_user(actor),
            default_change_reason=why[:CHANGE_REASON_MAX],
        )
        entry_scores_refresh(entries=[sheet.entry_id for sheet in sheets])
    return declaration


CHANGE_REASON_MAX = 100  # django-simple-history's history_change_reason


def _eligible(reviewer, entry: Entry, conflicts: set) -> bool:
    return (
        reviewer.membership.unit_id != entry.unit_id
        and (reviewer.pk, entry.unit_id) not in conflicts
    )


@transaction.atomic
def assignment_add(*, actor, entry: Entry, reviewer) -> ReviewerAssignment:
    year_require_unsealed(entry.year)
    _require(actor, "competition.manage_assignments")
    from . import selectors

    if not selectors.reviewers().filter(pk=reviewer.pk).exists():
        raise ValidationError(_("只能分配竞赛办公室的评委。"))
    conflicts = set(ConflictDeclaration.objects.values_list("reviewer_id", "unit_id"))
    if not _eligible(reviewer, entry, conflicts):
        raise ValidationError(_("该评委与此参赛单位存在利益冲突，不能分配。"))
    assignment, created = ReviewerAssignment.objects.get_or_create(
        entry=entry, reviewer=reviewer, defaults={"assigned_by": actor}
    )
    if created:
        notification_create(
            recipients=[reviewer],
            title=_("您被分配评审参赛项目：%(entry)s") % {"entry": entry.title},
            link=reverse("competition:entry_detail", args=[entry.pk]),
            mail=True,
        )
    return assignment


@transaction.atomic
def assignment_remove(*, actor, assignment: ReviewerAssignment) -> None:
    year_require_unsealed(assignment.entry.year)
    _require(actor, "competition.manage_assignments")
    assignment.delete()


@transaction.atomic
def assignments_spread(
    *, actor, year: CompetitionYear, per_entry: int, seed: int
) -> list[ReviewerAssignment]:
    """Assign `per_entry` reviewers to every entry of the year, evenly and at random.

    Entries are taken in id order; for each, the eligible reviewers (not of its unit, no
    declared conflict, not yet assigned) are shuffled with `random.Random(seed)` and the least
    loaded are taken, so the same seed on the same data gives the same assignment.
    """
    year_require_unsealed(year)
    _require(actor, "competition.manage_assignments")
    from . import selectors

    rng = random.Random(seed)
    reviewer_list = list(selectors.reviewers())
    conflicts = set(ConflictDeclaration.objects.values_list("reviewer_id", "unit_id"))
    existing = set(
        ReviewerAssignment.objects.filter(entry__year=year).values_list("entry_id", "reviewer_id")
    )
    load = {r.pk: 0 for r in reviewer_list}
    for _entry_id, reviewer_id in existing:
        if reviewer_id in load:
            load[reviewer_id] += 1
    created = []
    for entry in Entry.objects.filter(year=year).order_by("pk"):
        have = sum(1 for entry_id, _r in existing if entry_id == entry.pk)
        candidates = [
            r
            for r in reviewer_list
            if _eligible(r, entry, conflicts) and (entry.pk, r.pk) not in existing
        ]
        rng.shuffle(candidates)
        candidates.sort(key=lambda r: load[r.pk])  # stable: ties keep the shuffled order
        for reviewer in candidates[: max(per_entry - have, 0)]:
            created.append(ReviewerAssignment(entry=entry, reviewer=reviewer, assigned_by=actor))
            load[reviewer.pk] += 1
    ReviewerAssignment.objects.bulk_create(created)
    _notify_assigned(created)
    return created


def _notify_assigned(assignments: list[ReviewerAssignment]) -> None:
    """One notification per reviewer for a batch of assignments (not one per entry)."""
    by_reviewer: dict = {}
    for assignment in assignments:
        by_reviewer.setdefault(assignment.reviewer, []).append(assignment.entry)
    for reviewer, entries in by_reviewer.items():
        link = reverse("competition:entry_list")
        if len(entries) == 1:
            link = reverse("competition:entry_detail", args=[entries[0].pk])
        notification_create(
            recipients=[reviewer],
            title=_("您被分配评审%(count)s个参赛项目") % {"count": len(entries)},
            body="、".join(entry.title for entry in entries[:20]),
            link=link,
            mail=True,
        )


@transaction.atomic
def results_publish(*, actor, year: CompetitionYear, published: bool = True) -> CompetitionYear:
    """Publish (or withdraw) the year's scores to unit staff of every unit."""
    year_require_unsealed(year)
    _require(actor, "competition.publish_results", year)
    year.results_published = published
    year.results_published_at = timezone.now() if published else None
    year.save(update_fields=["results_published", "results_published_at"])
    return year


# Units not yet spot-checked this year are this many times as likely to be drawn.
UNCHECKED_WEIGHT = 3
CHECKED_WEIGHT = 1


def draw_units(pool: list, seed: int, count: int) -> list[int]:
    """Weighted sampling without replacement (Efraimidis–Spirakis), reproducible from the seed.

    `pool` is [[unit id, weight], ...]; each unit gets the key u^(1/weight) with u drawn from
    `random.Random(seed)` in pool order, and the `count` largest keys win.
    """
    rng = random.Random(seed)
    keyed = [(rng.random() ** (1.0 / weight), unit_id) for unit_id, weight in pool if weight > 0]
    keyed.sort(reverse=True)
    return [unit_id for _key, unit_id in keyed[:count]]


@transaction.atomic
def spot_check_draw_run(
    *, actor, year: CompetitionYear, count: int, seed: int | None = None
) -> SpotCheckDraw:
    """Draw `count` active units to spot-check, weighted towards units not yet checked this year.

    Without a seed one is chosen at random; the seed and the weighted pool are stored, so the
    draw can be reproduced (`draw_units(draw.pool, draw.seed, draw.count)`), and running again
    with the same seed on the same state draws the same units.
    """
    from . import selectors

    year_require_unsealed(year)
    _require(actor, "competition.draw_spot_check")
    if seed is None:
        seed = secrets.randbelow(2**31)
    checked = set(SpotCheck.objects.filter(year=year).values_list("unit_id", flat=True))
    unit_ids = (
        selectors.units_active_between(year.start_date, year.end_date)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    pool = [[pk, CHECKED_WEIGHT if pk in checked else UNCHECKED_WEIGHT] for pk in unit_ids]
    if count > len(pool):
        raise ValidationError(
            _("抽取数量不能超过参赛单位数（%(n)s）。") % {"n": len(pool)}, code="too_many"
        )
    draw = SpotCheckDraw(
        year=year,
        seed=seed,
        count=count,
        pool=pool,
        drawn_by=actor,
        result=draw_units(pool, seed, count),
    )
    draw.full_clean()
    save_recorded(draw, actor)
    return draw


@transaction.atomic
def spot_check_record(
    *,
    actor,
    year: CompetitionYear,
    unit: Unit,
    date,
    inspectors: str,
    findings: str,
    rating: str,
    entry: Entry | None = None,
    draw: SpotCheckDraw | None = None,
    photos=(),
) -> SpotCheck:
    """Record a spot check (抽查) of a unit or one of its entries, with photos; never by an
    office member with a conflict with the unit (own unit, declared conflict)."""
    from . import permissions

    year_require_unsealed(year)
    _require(actor, "competition.record_spot_check")
    if not permissions.may(actor, "competition.record_spot_check", unit):
        raise ValidationError(
            {"unit": _("您与该单位存在利益冲突（本单位或已申报回避），不能记录对它的抽查。")},
            code="conflict",
        )
    if entry is not None and (entry.unit_id != unit.pk or entry.year_id != year.pk):
        raise ValidationError({"entry": _("参赛项目必须属于被抽查单位和该年度。")})
    check = SpotCheck(
        year=year,
        unit=unit,
        entry=entry,
        draw=draw,
        date=date,
        inspectors=inspectors,
        findings=findings,
        rating=rating,
        recorded_by=actor,
    )
    stored = [validate_upload(upload, allowed=IMAGE_EXTENSIONS) for upload in photos]
    check_record_room(count=0, total=0, adding=stored)
    check.full_clean()
    save_recorded(check, actor)
    length = SpotCheckPhoto._meta.get_field("original_name").max_length
    for content in stored:
        photo = SpotCheckPhoto(spot_check=check, original_name=display_name(content.name, length))
        photo.file.save(content.name, content, save=False)
        thumbnail = thumbnail_of(content)
        if thumbnail is not None:
            photo.thumbnail.save(thumbnail.name, thumbnail, save=False)
        photo.save()
    return check


def standings_table(year: CompetitionYear) -> list[dict]:
    """The current standings by nine-project, as plain data (a notice keeps it as it was)."""
    from . import selectors

    table = []
    for entry in selectors.entry_standings(year).order_by(
        "nine_project__number", F("weighted_total").desc(nulls_last=True), "title"
    ):
        table.append(
            {
                "nine_project": entry.nine_project.name,
                "unit": entry.unit.name,
                "title": entry.title,
                "sheets": entry.sheet_count,
                "total": None if entry.weighted_total is None else round(entry.weighted_total, 2),
            }
        )
    return table


@transaction.atomic
def notice_create(
    *, actor, year: CompetitionYear, title: str, body: str, include_standings: bool = False
) -> Notice:
    year_require_unsealed(year)
    _require(actor, "competition.publish_notice")
    notice = Notice(
        year=year, title=title, body=body, include_standings=include_standings, author=actor
    )
    notice.full_clean()
    save_recorded(notice, actor)
    return notice


@transaction.atomic
def notice_publish(*, actor, notice: Notice, notify: bool = True) -> Notice:
    """Publish a draft notice to every logged-in user, freezing its standings table; with
    `notify` (not when seeding a demo), every user with a role is told in the portal and by
    mail."""
    year_require_unsealed(notice.year)
    _require(actor, "competition.publish_notice", notice)
    if notice.published:
        raise ValidationError(_("该通报已发布。"))
    notice.published = True
    notice.published_at = timezone.now()
    notice.standings = standings_table(notice.year) if notice.include_standings else []
    notice.full_clean()
    save_recorded(notice, actor, update_fields=["published", "published_at", "standings"])
    if not notify:
        return notice
    from . import selectors

    notification_create(
        recipients=selectors.notice_recipients().exclude(pk=actor.pk),
        title=_("竞赛办公室发布通报：%(title)s") % {"title": notice.title},
        link=reverse("competition:notice_detail", args=[notice.pk]),
        mail=True,
    )
    return notice


@transaction.atomic
def notice_delete(*, actor, notice: Notice) -> None:
    """Delete a draft notice (recorded: its history and a deletion row); a published one is
    refused, as is one of a closed year."""
    year_require_unsealed(notice.year)
    _require(actor, "competition.delete_notice", notice)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.published:
        raise ValidationError(_("通报已发布，不能删除。"), code="published")
    deletion_record(actor=actor, obj=notice)
    delete_recorded(notice, actor)


# --- opening a year from the last one ----------------------------------------------------------


def shift_year(date: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (28 February for a 29th in a year without one)."""
    try:
        return date.replace(year=date.year + years)
    except ValueError:
        return date.replace(year=date.year + years, day=28)


def year_open_plan(*, source: CompetitionYear, number: int) -> dict:
    """What opening year `number` from `source` copies, as plain data the admin can read
    (and adjust) before confirming: periods shifted to the new year, criteria, projects,
    activity types, quotas."""
    shift = number - source.year
    return {
        "year": number,
        "title": source.title.replace(str(source.year), str(number)),
        "theme": source.theme,
        "evaluation_date": shift_year(source.evaluation_date, shift),
        "periods": [
            {
                "name": p.name,
                "start": shift_year(p.start, shift),
                "end": shift_year(p.end, shift),
                "deadline": shift_year(p.deadline, shift),
            }
            for p in source.periods.order_by("number")
        ],
        "criteria": [
            {f: getattr(c, f) for f in ("code", "name", "rubric", "max_points", "weight")}
            for c in source.criteria.order_by("number")
        ],
        "projects": [
            {f: getattr(p, f) for f in PROJECT_FIELDS} for p in source.projects.order_by("number")
        ],
        "activity_types": [
            {f: getattr(t, f) for f in ACTIVITY_TYPE_FIELDS}
            for t in source.activity_types.order_by("number")
        ],
        "quotas": dict(source.kind_quotas.values_list("kind__code", "quota")),
        "quality_rules": list(source.quality_rules.order_by("number").values(*QUALITY_RULE_FIELDS)),
        "unit_quotas": dict(source.unit_quotas.values_list("unit_id", "quota")),
        "disagreement_threshold": source.disagreement_threshold,
        "unassigned_may_score": source.unassigned_may_score,
        "self_assessment_deadline": source.self_assessment_deadline
        and shift_year(source.self_assessment_deadline, shift),
        "self_gap_threshold": source.self_gap_threshold,
    }


@transaction.atomic
def year_open(*, actor, source: CompetitionYear, number: int, plan: dict | None = None):
    """Open competition year `number` with `source`'s rules (see `year_open_plan`; `plan`
    is that plan as the admin adjusted it). The new year's rules are rows of its own: editing
    them never changes `source`. Units take part by their dated participation and the
    volunteer team is not per year, so both carry over as they are."""
    _require(actor, "competition.manage_years")
    if CompetitionYear.objects.filter(year=number).exists():
        raise ValidationError(_("%(year)s年度已存在。") % {"year": number}, code="year_exists")
    plan = plan or year_open_plan(source=source, number=number)
    year = competition_year_create(
        actor=actor,
        year=number,
        title=plan["title"],
        theme=plan["theme"],
        evaluation_date=plan["evaluation_date"],
        periods=plan["periods"],
        quotas=plan["quotas"],
        criteria=plan["criteria"],
        projects=plan["projects"],
        activity_types=plan["activity_types"],
        # An empty list is the source's choice (no rules), not "give the defaults".
        quality_rules=plan.get("quality_rules"),
    )
    copied = ["disagreement_threshold", "unassigned_may_score"]
    copied += [
        name for name in ("self_assessment_deadline", "self_gap_threshold") if plan.get(name)
    ]
    for name in copied:
        setattr(year, name, plan[name])
    year.full_clean()
    save_recorded(year, actor, update_fields=copied)
    UnitQuota.objects.bulk_create(
        UnitQuota(year=year, unit_id=unit_id, quota=quota)
        for unit_id, quota in plan["unit_quotas"].items()
    )
    return year
