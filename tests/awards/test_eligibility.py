import datetime

import pytest

from awards import eligibility
from awards.enums import Category

EVALUATION = datetime.date(2020, 4, 15)
FULL_INDIVIDUAL = {
    code: "材料" for code in ("integrity", "results", "style", "innovation", "discipline")
}
FULL_COLLECTIVE = {"participation": "材料", "promotion": "材料", "practice": "材料"}


def _individual(**kwargs):
    params = {
        "category": Category.INDIVIDUAL,
        "evidence": FULL_INDIVIDUAL,
        "evaluation_date": EVALUATION,
        "started_on": datetime.date(2017, 1, 1),
        "has_disciplinary_record": False,
    }
    params.update(kwargs)
    return eligibility.assess(**params)


def test_two_years_exactly_at_the_evaluation_date_is_eligible():
    verdict = _individual(started_on=datetime.date(2018, 4, 15))
    assert verdict.eligible and verdict.complete and verdict.shortlistable
    assert verdict.reasons == ()
    assert verdict.note == "符合条件"


def test_one_day_short_of_two_years_is_not_eligible():
    verdict = _individual(started_on=datetime.date(2018, 4, 16))
    assert not verdict.eligible
    assert not verdict.shortlistable
    assert verdict.reasons == ("从事扶贫工作不满2年（2018-04-16起，评比日为2020-04-15）",)


def test_missing_start_date_is_not_eligible():
    verdict = _individual(started_on=None)
    assert verdict.reasons == ("未填写从事扶贫工作的起始日期",)


def test_leap_day_start_counts_from_first_of_march():
    assert eligibility.anniversary(datetime.date(2016, 2, 29), 2) == datetime.date(2018, 3, 1)
    assert not _individual(
        started_on=datetime.date(2016, 2, 29), evaluation_date=datetime.date(2018, 2, 28)
    ).eligible
    assert _individual(
        started_on=datetime.date(2016, 2, 29), evaluation_date=datetime.date(2018, 3, 1)
    ).eligible


def test_disciplinary_record_is_not_eligible():
    verdict = _individual(has_disciplinary_record=True)
    assert not verdict.eligible
    assert verdict.reasons == ("有违纪违法记录，不符合“廉洁自律”标准",)


def test_missing_evidence_is_incomplete_and_names_the_criteria():
    evidence = {**FULL_INDIVIDUAL, "style": "  ", "innovation": ""}
    verdict = _individual(evidence=evidence)
    assert verdict.eligible and not verdict.complete and not verdict.shortlistable
    assert verdict.reasons == ("缺少以下标准的事实材料：作风优良、方法创新",)


@pytest.mark.parametrize("missing", ["participation", "promotion", "practice"])
def test_collective_needs_each_of_its_three_criteria(missing):
    evidence = {**FULL_COLLECTIVE, missing: ""}
    verdict = eligibility.assess(
        category=Category.COLLECTIVE, evidence=evidence, evaluation_date=EVALUATION
    )
    assert verdict.eligible and not verdict.complete


def test_collective_ignores_the_individual_rules():
    verdict = eligibility.assess(
        category=Category.COLLECTIVE,
        evidence=FULL_COLLECTIVE,
        evaluation_date=EVALUATION,
        started_on=None,
        has_disciplinary_record=True,
    )
    assert verdict.shortlistable


def test_override_makes_shortlistable_and_keeps_reasons():
    verdict = _individual(
        started_on=datetime.date(2019, 1, 1), overridden=True, override_reason="市委表彰的典型"
    )
    assert verdict.shortlistable and not verdict.eligible
    assert verdict.note.endswith("（竞赛办公室特批：市委表彰的典型）")
    assert verdict.note.startswith("从事扶贫工作不满2年")
