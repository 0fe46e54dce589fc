"""Eligibility of a nomination: computed from its facts, never typed in.

Pure functions (no database): the two checkable rules of the notice for a 先锋个人 (at least
the year's service years, 2 by default, of poverty-alleviation work at its evaluation date;
no disciplinary record) and, for every nomination, evidence for each of its category's
criteria. The year's rule is the caller's to pass (`EvaluationSettings.min_service_years`,
or the run's copy of it). The office may override; the override and its reason travel with
the result.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .enums import CRITERIA, DEFAULT_SERVICE_YEARS, EVIDENCE_CODES, Category


@dataclass(frozen=True)
class Eligibility:
    eligible: bool  # the checkable rules hold
    complete: bool  # every criterion has evidence
    reasons: tuple[str, ...] = ()
    overridden: bool = False
    override_reason: str = ""

    @property
    def shortlistable(self) -> bool:
        return (self.eligible and self.complete) or self.overridden

    @property
    def status(self) -> str:
        """The nomination list's badge (awards/_eligibility.html) as a value to filter by."""
        if self.eligible and self.complete:
            return "eligible"
        if self.overridden:
            return "overridden"
        return "ineligible" if not self.eligible else "incomplete"

    @property
    def note(self) -> str:
        """One line in Chinese for pages and the Excel export."""
        text = "；".join(self.reasons) if self.reasons else _("符合条件")
        if self.overridden:
            text = _("%(text)s（竞赛办公室特批：%(reason)s）") % {
                "text": text,
                "reason": self.override_reason,
            }
        return text


def anniversary(start: datetime.date, years: int) -> datetime.date:
    """The date `years` years after `start`; 29 February counts from 1 March in other years."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return datetime.date(start.year + years, 3, 1)


def service_reason(
    started_on: datetime.date | None,
    evaluation_date: datetime.date,
    years: int = DEFAULT_SERVICE_YEARS,
) -> str | None:
    """Why the service rule (`years` full years) fails, or None: full years are counted up
    to the evaluation date."""
    if started_on is None:
        return _("未填写从事扶贫工作的起始日期")
    if anniversary(started_on, years) > evaluation_date:
        return _("从事扶贫工作不满%(years)s年（%(start)s起，评比日为%(date)s）") % {
            "years": years,
            "start": started_on.isoformat(),
            "date": evaluation_date.isoformat(),
        }
    return None


def discipline_reason(has_disciplinary_record: bool) -> str | None:
    return _("有违纪违法记录，不符合“廉洁自律”标准") if has_disciplinary_record else None


def missing_evidence(category: str, evidence: Mapping[str, str]) -> list[str]:
    """The names of the category's criteria without evidence text, in the notice's order."""
    return [
        str(name) for code, name in CRITERIA[category] if not (evidence.get(code) or "").strip()
    ]


def assess(
    *,
    category: str,
    evidence: Mapping[str, str],
    evaluation_date: datetime.date,
    started_on: datetime.date | None = None,
    has_disciplinary_record: bool = False,
    overridden: bool = False,
    override_reason: str = "",
    service_years: int = DEFAULT_SERVICE_YEARS,
) -> Eligibility:
    reasons = []
    if category == Category.INDIVIDUAL:
        for reason in (
            service_reason(started_on, evaluation_date, service_years),
            discipline_reason(has_disciplinary_record),
        ):
            if reason:
                reasons.append(reason)
    eligible = not reasons
    missing = missing_evidence(category, evidence)
    if missing:
        reasons.append(_("缺少以下标准的事实材料：%(names)s") % {"names": "、".join(missing)})
    return Eligibility(
        eligible=eligible,
        complete=not missing,
        reasons=tuple(reasons),
        overridden=overridden,
        override_reason=override_reason,
    )


# The Nomination fields `assess_fields` reads.
NOMINATION_FIELDS = (
    "category",
    "work_started_on",
    "has_disciplinary_record",
    "override",
    "override_reason",
    *(f"evidence_{code}" for code in EVIDENCE_CODES),
)


def assess_fields(
    fields: Mapping, evaluation_date: datetime.date, *, service_years: int
) -> Eligibility:
    """`assess` for a nomination's field values (NOMINATION_FIELDS), e.g. a `.values()` row,
    under the year's service rule. A row annotated with `has_finding` (a disciplinary finding
    on the nominee's record, `selectors.has_active_finding`) fails the discipline rule as the
    unit's own checkbox does; one annotated with `recorded_start` (a verified start of the
    work, `selectors.recorded_start`) is judged on it instead of the unit's own date."""
    category = fields["category"]
    return assess(
        category=category,
        evidence={code: fields[f"evidence_{code}"] for code, _name in CRITERIA[category]},
        evaluation_date=evaluation_date,
        started_on=fields.get("recorded_start") or fields["work_started_on"],
        has_disciplinary_record=fields["has_disciplinary_record"]
        or fields.get("has_finding", False),
        overridden=fields["override"],
        override_reason=fields["override_reason"],
        service_years=service_years,
    )


def assess_nomination(
    nomination,
    *,
    service_years: int,
    evaluation_date: datetime.date | None = None,
    has_finding: bool | None = None,
) -> Eligibility:
    """`assess` for a Nomination under its year's service rule (its year must be loaded for
    the default evaluation date); `has_finding` as in `assess_fields`, by default the
    nomination's `has_finding` annotation (`selectors.nominations_for_user` has it)."""
    if has_finding is None:
        has_finding = getattr(nomination, "has_finding", False)
    return assess_fields(
        {name: getattr(nomination, name) for name in NOMINATION_FIELDS}
        | {
            "has_finding": has_finding,
            "recorded_start": getattr(nomination, "recorded_start", None),
        },
        evaluation_date or nomination.year.evaluation_date,
        service_years=service_years,
    )
