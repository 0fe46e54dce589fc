"""Spot checks count (issue 15): a spot check's rating is an input of the unit ranking with
a weight in the year's rules (0 allowed), shown beside the other terms of the run."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from awards import rankings, services
from awards.models import EvaluationSettings
from competition.models import SpotCheck
from tests.awards.test_rankings import _run, _scored

pytestmark = pytest.mark.django_db


def check(year, unit, rating, day=1):
    return SpotCheck.objects.create(
        year=year,
        unit=unit,
        date=datetime.date(2019, 6, day),
        inspectors="许文华",
        findings="台账",
        rating=rating,
    )


def weights(year, **values):
    fields = {"weight_entries": 1, "weight_timeliness": 0, "weight_quota": 0, **values}
    EvaluationSettings.objects.update_or_create(year=year, defaults=fields)


def test_the_units_mean_rating_weighs_in(year, unit_a, unit_b, admin_user, reviewers):
    _scored(unit_a, year, (20, 20, 20, 20), reviewers, title="甲")  # 80
    _scored(unit_b, year, (20, 20, 20, 20), reviewers, title="乙")  # 80
    check(year, unit_a, "good")
    check(year, unit_a, "fair", day=2)  # mean (100 + 60) / 2 = 80
    check(year, unit_b, "poor")  # 0
    weights(year, weight_entries=3, weight_spot_checks=1)
    rows = {r.unit_id: r for r in _run(year, admin_user).unit_rankings.all()}
    a, b = rows[unit_a.pk], rows[unit_b.pk]
    assert (a.spot_check_count, a.spot_check_score) == (2, 80)
    assert (b.spot_check_count, b.spot_check_score) == (1, 0)
    assert a.total == pytest.approx(0.75 * 80 + 0.25 * 80)
    assert b.total == pytest.approx(0.75 * 80 + 0.25 * 0)
    assert (a.rank, b.rank) == (1, 2)


def test_a_unit_never_checked_is_ranked_on_the_other_terms(
    year, unit_a, unit_b, admin_user, reviewers
):
    _scored(unit_a, year, (20, 20, 20, 20), reviewers, title="甲")
    check(year, unit_b, "good")
    weights(year, weight_entries=3, weight_spot_checks=1)
    rows = {r.unit_id: r for r in _run(year, admin_user).unit_rankings.all()}
    a = rows[unit_a.pk]
    assert (a.spot_check_count, a.spot_check_score) == (0, None)
    assert a.total == pytest.approx(80)  # not 0.75 × 80: the missing term is not a zero


def test_weight_zero_leaves_the_composite_as_before(year, unit_a, unit_b, admin_user, reviewers):
    _scored(unit_a, year, (20, 20, 20, 20), reviewers, title="甲")
    check(year, unit_a, "poor")
    weights(year, weight_spot_checks=0)
    run = _run(year, admin_user)
    assert run.unit_rankings.get(unit=unit_a).total == 80
    # A run made before spot checks counted has no weight for them: three terms, as built.
    del run.settings["weights"]["spot_checks"]
    assert "spot_check_score IS NULL" not in rankings.unit_rows_sql(run)[1]


def test_checks_of_another_year_do_not_count(year, unit_a, admin_user, reviewers):
    from tests import factories

    other = factories.competition_year(2020)
    SpotCheck.objects.create(
        year=other,
        unit=unit_a,
        date=datetime.date(2020, 6, 1),
        inspectors="许",
        findings="-",
        rating="poor",
    )
    _scored(unit_a, year, (20, 20, 20, 20), reviewers, title="甲")
    weights(year, weight_spot_checks=1)
    row = _run(year, admin_user).unit_rankings.get(unit=unit_a)
    assert (row.spot_check_count, row.spot_check_score, row.total) == (0, None, 80)


def test_the_weight_is_saved_from_the_evaluation_page_and_shown(
    client_for, admin_user, unit_a, year, reviewers
):
    services.evaluation_settings_save(
        actor=admin_user, year=year, data={"weight_spot_checks": Decimal("0.15")}
    )
    page = client_for(admin_user).get(reverse("awards:evaluation") + "?year=2019")
    assert "抽查评价权重" in page.content.decode()
    _scored(unit_a, year, (20, 20, 20, 20), reviewers, title="甲")
    check(year, unit_a, "fairly_good")
    run = _run(year, admin_user)
    assert run.settings["weights"]["spot_checks"] == "0.15"
    detail = client_for(admin_user).get(reverse("awards:run_detail", args=[run.pk]) + "?tab=units")
    text = detail.content.decode()
    assert "抽查评价" in text and "80.0（1次）" in text
