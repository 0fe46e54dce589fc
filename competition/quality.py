"""The data-quality rules' checks, over plain numbers (DHIS2's validation rules and outlier
analysis, kept small): a year's `QualityRule` rows applied to one record's figures, its
unit's previous period and its peers. The apps gather the numbers (`reports.validation`,
`volunteers.validation`) and store what this returns; the messages are built when shown
(`describe`), so a stored flag is data, in no language.

A flag is a dict: rule (its pk), kind, field, severity, value, and what the kind compared
(low/high, other/other_value, previous, median/score/factor). Numbers are strings with at
most two decimals, so stored and recomputed flags compare equal.

Zero counts as not reported: a jump or an outlier is never judged on a zero figure.
"""

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from django.utils.translation import gettext as _

from .enums import QUALITY_FIELDS, QualityRuleKind, QualitySeverity
from .models import CompetitionYear, QualityRule

# Scale factors turning the median absolute deviation (or, when it is 0 because most peers
# report the same figure, the mean absolute deviation) into a standard deviation's estimate
# for normally distributed figures.
MAD_SCALE = 1.4826
MEAN_AD_SCALE = 1.2533


def rules_of(year: CompetitionYear | None, target: str) -> list[QualityRule]:
    """The year's active rules for `target`, in order (none without a year)."""
    if year is None:
        return []
    return list(
        QualityRule.objects.filter(year=year, target=target, active=True).order_by("number")
    )


def _text(value) -> str:
    number = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _dec(value) -> Decimal:
    return Decimal(str(value or 0))


def robust_score(value, peers: Iterable) -> float | None:
    """How many robust standard deviations `value` lies from the median of `peers` (None when
    the peers do not spread at all)."""
    numbers = [float(p) for p in peers]
    middle = median(numbers)
    deviations = [abs(p - middle) for p in numbers]
    scale = MAD_SCALE * median(deviations)
    if not scale:
        scale = MEAN_AD_SCALE * (sum(deviations) / len(deviations))
    if not scale:
        return None
    return abs(float(value) - middle) / scale


def _flag(rule: QualityRule, value, **compared) -> dict:
    return {
        "rule": rule.pk,
        "kind": rule.kind,
        "field": rule.field,
        "severity": rule.severity,
        "value": _text(value),
        **compared,
    }


def _check(rule, values, previous, peers) -> dict | None:
    value = _dec(values.get(rule.field))
    if rule.kind == QualityRuleKind.BOUND:
        if (rule.low is not None and value < rule.low) or (
            rule.high is not None and value > rule.high
        ):
            low = None if rule.low is None else _text(rule.low)
            high = None if rule.high is None else _text(rule.high)
            return _flag(rule, value, low=low, high=high)
    elif rule.kind == QualityRuleKind.AT_LEAST:
        other = _dec(values.get(rule.other_field))
        if value < other:
            return _flag(rule, value, other=rule.other_field, other_value=_text(other))
    elif rule.kind == QualityRuleKind.RATIO:
        other = _dec(values.get(rule.other_field))
        if other > 0:
            ratio = value / other
            if (rule.low is not None and ratio < rule.low) or (
                rule.high is not None and ratio > rule.high
            ):
                low = None if rule.low is None else _text(rule.low)
                high = None if rule.high is None else _text(rule.high)
                return _flag(
                    rule, value, other=rule.other_field, ratio=_text(ratio), low=low, high=high
                )
    elif rule.kind == QualityRuleKind.JUMP:
        before = _dec((previous or {}).get(rule.field))
        if value > 0 and before > 0 and max(value / before, before / value) > rule.factor:
            return _flag(rule, value, previous=_text(before), factor=_text(rule.factor))
    elif rule.kind == QualityRuleKind.OUTLIER:
        others = [p for p in (peers or {}).get(rule.field, ()) if p]
        if value > 0 and len(others) >= rule.min_peers:
            score = robust_score(value, others)
            if score is not None and score > rule.factor:
                return _flag(
                    rule,
                    value,
                    median=_text(median(float(p) for p in others)),
                    score=_text(score),
                    factor=_text(rule.factor),
                )
    return None


def check(
    rules: Iterable[QualityRule],
    values: Mapping,
    *,
    previous: Mapping | None = None,
    peers: Mapping | None = None,
) -> list[dict]:
    """The flags of one record: `values` by field; `previous`, the unit's last period's
    values (or None); `peers`, each field's values of the same kind's other units."""
    flags = []
    for rule in rules:
        flag = _check(rule, values, previous, peers)
        if flag is not None:
            flags.append(flag)
    return flags


def warnings(flags: Iterable[dict]) -> list[dict]:
    return [flag for flag in flags if flag["severity"] == QualitySeverity.WARN]


def refusals(flags: Iterable[dict]) -> list[dict]:
    return [flag for flag in flags if flag["severity"] == QualitySeverity.REFUSE]


def _label(code: str) -> str:
    for fields in QUALITY_FIELDS.values():
        for name, label in fields:
            if name == code:
                return str(label)
    return code


def describe(flag: Mapping) -> str:
    """The flag's message, in the active language."""
    kind, field = flag["kind"], _label(flag["field"])
    if kind == QualityRuleKind.BOUND:
        if flag.get("high") is not None and Decimal(flag["value"]) > Decimal(flag["high"]):
            return _("“%(field)s”为 %(value)s，高于本年度规则的上限 %(high)s。") % {
                "field": field,
                "value": flag["value"],
                "high": flag["high"],
            }
        return _("“%(field)s”为 %(value)s，低于本年度规则的下限 %(low)s。") % {
            "field": field,
            "value": flag["value"],
            "low": flag["low"],
        }
    if kind == QualityRuleKind.AT_LEAST:
        return _("“%(field)s”（%(value)s）不能少于“%(other)s”（%(other_value)s）。") % {
            "field": field,
            "value": flag["value"],
            "other": _label(flag["other"]),
            "other_value": flag["other_value"],
        }
    if kind == QualityRuleKind.RATIO:
        bounds = "–".join(part or "" for part in (flag.get("low"), flag.get("high")))
        return _("“%(field)s”与“%(other)s”之比为 %(ratio)s，不在本年度规则的 %(bounds)s 之内。") % {
            "field": field,
            "other": _label(flag["other"]),
            "ratio": flag["ratio"],
            "bounds": bounds,
        }
    if kind == QualityRuleKind.JUMP:
        return _("“%(field)s”为 %(value)s，上期为 %(previous)s，变化超过 %(factor)s 倍。") % {
            "field": field,
            "value": flag["value"],
            "previous": flag["previous"],
            "factor": flag["factor"],
        }
    return _(
        "“%(field)s”为 %(value)s，同类单位本期中位数为 %(median)s，"
        "偏离 %(score)s 个稳健标准差（规则为 %(factor)s）。"
    ) % {
        "field": field,
        "value": flag["value"],
        "median": flag["median"],
        "score": flag["score"],
        "factor": flag["factor"],
    }


def by_field(flags: Iterable[dict]) -> dict[str, list[str]]:
    """Each field's messages, for showing beside the form's fields."""
    messages = {}
    for flag in flags:
        messages.setdefault(flag["field"], []).append(describe(flag))
    return messages


def described(flags: Iterable[dict]) -> list[dict]:
    """The flags with their `message` and field `label`, for templates."""
    return [
        {**flag, "message": describe(flag), "label": _label(flag["field"])} for flag in flags or ()
    ]
