"""The data-quality checks over plain numbers (competition.quality) and the year's rules."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from competition import quality, services
from competition.models import QualityRule
from tests import factories


def _rule(year, **fields):
    defaults = {"number": 90 + QualityRule.objects.filter(year=year).count(), "target": "report"}
    rule = QualityRule(year=year, **{**defaults, **fields})
    rule.full_clean()
    rule.save()
    return rule


@pytest.fixture
def year(db):
    year = factories.competition_year(2019)
    year.quality_rules.all().delete()
    return year


def test_bound_flags_a_figure_above_its_upper_bound(year):
    rule = _rule(year, kind="bound", field="households_helped", low=0, high=5000)
    flags = quality.check([rule], {"households_helped": 999_999})
    assert flags == [
        {
            "rule": rule.pk,
            "kind": "bound",
            "field": "households_helped",
            "severity": "warn",
            "value": "999999",
            "low": "0",
            "high": "5000",
        }
    ]
    assert (
        quality.describe(flags[0]) == "“帮扶贫困户数（户）”为 999999，高于本年度规则的上限 5000。"
    )
    assert quality.check([rule], {"households_helped": 5000}) == []


def test_relation_people_below_households_is_a_refusal(year):
    rule = _rule(
        year,
        kind="at_least",
        field="people_helped",
        other_field="households_helped",
        severity="refuse",
    )
    flags = quality.check([rule], {"people_helped": 1, "households_helped": 999_999})
    assert quality.refusals(flags) == flags and len(flags) == 1
    assert "不能少于" in quality.describe(flags[0])
    assert quality.check([rule], {"people_helped": 3, "households_helped": 3}) == []


def test_ratio_funds_per_household_outside_its_range_warns(year):
    rule = _rule(
        year, kind="ratio", field="funds_invested", other_field="households_helped",
        low=100, high=200_000,
    )  # fmt: skip
    assert quality.check([rule], {"funds_invested": 50, "households_helped": 10})[0]["ratio"] == "5"
    assert quality.check([rule], {"funds_invested": 5000, "households_helped": 10}) == []
    # No households: no ratio to judge.
    assert quality.check([rule], {"funds_invested": 5000, "households_helped": 0}) == []


def test_jump_against_the_previous_period_beyond_the_factor(year):
    rule = _rule(year, kind="jump", field="households_helped", factor=3)
    up = quality.check([rule], {"households_helped": 100}, previous={"households_helped": 30})
    assert up[0]["previous"] == "30" and up[0]["factor"] == "3"
    down = quality.check([rule], {"households_helped": 9}, previous={"households_helped": 30})
    assert len(down) == 1
    assert (
        quality.check([rule], {"households_helped": 90}, previous={"households_helped": 30}) == []
    )
    assert quality.check([rule], {"households_helped": 90}, previous=None) == []


def test_outlier_against_peers_by_median_absolute_deviation(year):
    rule = _rule(year, kind="outlier", field="households_helped", factor="3.5", min_peers=4)
    peers = {"households_helped": [20, 22, 25, 23, 21]}
    # median 22, MAD 1 → scale 1.4826; 40 lies 12.14 robust deviations away
    flags = quality.check([rule], {"households_helped": 40}, peers=peers)
    assert flags[0]["median"] == "22" and flags[0]["score"] == "12.14"
    assert quality.check([rule], {"households_helped": 24}, peers=peers) == []
    # Too few peers: not judged.
    few = {"households_helped": [20, 22, 25]}
    assert quality.check([rule], {"households_helped": 400}, peers=few) == []


def test_robust_score_falls_back_to_mean_deviation_when_mad_is_zero():
    assert quality.robust_score(10, [5, 5, 5, 5, 7]) == pytest.approx(5 / (1.2533 * 0.4))
    assert quality.robust_score(10, [5, 5, 5, 5]) is None


def test_rule_clean_refuses_a_comparison_for_activities(year):
    with pytest.raises(ValidationError) as exc:
        _rule(year, target="activity", kind="jump", field="households", factor=3)
    assert "kind" in exc.value.error_dict


def test_a_new_year_gets_the_default_rules_and_opening_the_next_copies_them(db):
    source = factories.competition_year(2019)
    assert source.quality_rules.count() == len(services.default_quality_rules())
    rule = source.quality_rules.get(kind="bound", field="households_helped")
    services.quality_rule_save(
        actor=factories.user_with_role("admin"), year=source, rule=rule, high=Decimal(800)
    )
    admin = factories.user_with_role("admin", username="admin2")
    opened = services.year_open(actor=admin, source=source, number=2020)
    copied = opened.quality_rules.get(kind="bound", field="households_helped")
    assert copied.high == 800 and copied.pk != rule.pk
    assert opened.quality_rules.count() == source.quality_rules.count()
    copied.high = 10
    copied.save()
    rule.refresh_from_db()
    assert rule.high == 800


def test_admin_adds_and_edits_a_rule_in_the_portal(client, db):
    from django.urls import reverse

    year = factories.competition_year(2019)
    admin = factories.user_with_role("admin")
    client.force_login(admin)
    url = reverse("competition:year_quality", args=[year.pk])
    data = {"target": "activity", "kind": "bound", "field": "people", "high": 50,
            "min_peers": 4, "severity": "warn", "active": "on"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    rule = year.quality_rules.order_by("-number").first()
    assert (rule.target, rule.field, rule.high) == ("activity", "people", 50)
    bad = {**data, "field": "hours"}  # a service record's field, not an activity's
    response = client.post(url, bad)
    assert response.status_code == 200 and "field" in response.context["form"].errors
    edit = reverse("competition:quality_rule_edit", args=[year.pk, rule.pk])
    assert client.post(edit, {**data, "number": rule.number, "high": 60}).status_code == 302
    rule.refresh_from_db()
    assert rule.high == 60
    assert "数据质量规则" in client.get(url).content.decode()
