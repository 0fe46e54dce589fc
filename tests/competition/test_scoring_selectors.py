"""Aggregation of score sheets in the database, on hand-computed examples."""

import math
from decimal import Decimal

import pytest

from competition import selectors
from competition.models import Criterion, EntryScore
from tests.competition import factories as scoring

pytestmark = pytest.mark.django_db


def _standing(year, entry, **kwargs):
    return selectors.entry_standings(year, **kwargs).get(pk=entry.pk)


def test_standings_means_total_and_population_spread_default_weights(year, entry_a):
    r1, r2, r3 = (scoring.reviewer(f"r{i}") for i in range(3))
    # Defaults: 4 × 25 points, weight 1: a sheet's total is the sum of its points.
    scoring.sheet(entry_a, r1, 20, 20, 20, 20)  # 80
    scoring.sheet(entry_a, r2, 25, 25, 20, 20)  # 90
    scoring.sheet(entry_a, r3, 15, 15, 20, 20)  # 70
    row = _standing(year, entry_a)
    assert row.sheet_count == 3
    assert row.means["work"] == pytest.approx(20)
    assert row.means["effect"] == pytest.approx(20)
    assert row.means["income"] == pytest.approx(20)
    assert row.means["satisfaction"] == pytest.approx(20)
    assert row.weighted_total == pytest.approx(80)
    # Population std-dev of 80, 90, 70: sqrt(((0)² + 10² + 10²) / 3) = sqrt(200/3).
    assert row.spread == pytest.approx(math.sqrt(200 / 3))
    assert row.disputed is False  # 8.16 ≤ 10 (the default threshold)


def test_standings_unequal_weights_and_maxima(year, entry_a):
    Criterion.objects.filter(code="work").update(weight=Decimal(2), max_points=40)
    Criterion.objects.filter(code="effect").update(weight=Decimal(1), max_points=20)
    scoring.sheet(entry_a, scoring.reviewer("r1"), 30, 10, 25, 0)
    scoring.sheet(entry_a, scoring.reviewer("r2"), 40, 20, 15, 25)
    row = _standing(year, entry_a)
    # means: work 35/40, effect 15/20, income 20/25, satisfaction 12.5/25; weights 2,1,1,1.
    expected = 100 * (2 * 35 / 40 + 1 * 15 / 20 + 20 / 25 + 12.5 / 25) / 5
    assert row.weighted_total == pytest.approx(expected)
    assert row.weighted_total == pytest.approx(76.0)
    # Sheet totals: 100·(2·0.75+0.5+1+0)/5 = 60 and 100·(2+1+0.6+1)/5 = 92: mean 76, spread 16.
    assert row.spread == pytest.approx(16.0)
    assert row.disputed is True


def test_all_criteria_at_max_give_100(year, entry_a):
    Criterion.objects.update(max_points=30)
    scoring.sheet(entry_a, scoring.reviewer("r1"), 30, 30, 30, 30)
    assert _standing(year, entry_a).weighted_total == pytest.approx(100)


def test_disputed_follows_year_threshold(year, entry_a):
    scoring.sheet(entry_a, scoring.reviewer("r1"), 20, 20, 20, 20)  # 80
    scoring.sheet(entry_a, scoring.reviewer("r2"), 15, 15, 15, 15)  # 60: spread 10
    assert _standing(year, entry_a).disputed is False  # not more than 10
    year.disagreement_threshold = Decimal("9.5")
    year.save()
    assert _standing(year, entry_a).disputed is True


def test_unscored_entry_sorts_last_with_nulls(year, entry_a, entry_b):
    scoring.sheet(entry_b, scoring.reviewer("r1"), 10, 10, 10, 10)
    rows = list(selectors.entry_standings(year))
    assert [r.pk for r in rows] == [entry_b.pk, entry_a.pk]
    assert rows[1].sheet_count == 0
    assert rows[1].weighted_total is None
    assert rows[1].disputed is False


def test_standings_filter_by_nine_project(year, entry_a, entry_b):
    rows = selectors.entry_standings(year, nine_project=entry_b.nine_project)
    assert list(rows) == [entry_b]


def test_standings_is_one_query(year, entry_a, entry_b, django_assert_num_queries):
    scoring.sheet(entry_a, scoring.reviewer("r1"), 10, 10, 10, 10)
    with django_assert_num_queries(1):  # one row per entry: the totals are in EntryScore
        rows = list(selectors.entry_standings(year))
    assert rows[0].unit.name == "相山区总工会"


def test_normalised_total_evens_out_harsh_reviewer(year, entry_a, entry_b):
    lenient, harsh = scoring.reviewer("lenient"), scoring.reviewer("harsh")
    scoring.sheet(entry_a, lenient, 25, 25, 25, 20)  # 95
    scoring.sheet(entry_b, lenient, 20, 20, 20, 25)  # 85
    scoring.sheet(entry_a, harsh, 15, 15, 15, 15)  # 60
    scoring.sheet(entry_b, harsh, 10, 10, 10, 20)  # 50
    rows = {r.pk: r for r in selectors.entry_standings(year)}
    normalised = selectors.normalised_totals(year, [entry_a.pk, entry_b.pk])
    # Each reviewer: z = +1 for entry A, -1 for entry B. All totals 95, 85, 60, 50:
    # mean 72.5, population sd sqrt((22.5²+12.5²+12.5²+22.5²)/4) = sqrt(331.25).
    sd = math.sqrt(331.25)
    assert normalised[entry_a.pk] == pytest.approx(72.5 + sd)
    assert normalised[entry_b.pk] == pytest.approx(72.5 - sd)
    # A page of one entry reads the same figure: the reviewers' spreads are the year's.
    assert selectors.normalised_totals(year, [entry_b.pk]) == {entry_b.pk: pytest.approx(72.5 - sd)}
    assert rows[entry_a.pk].weighted_total == pytest.approx(77.5)


def test_normalised_totals_read_the_page_only(year, entry_a, entry_b, django_assert_num_queries):
    first, second = scoring.reviewer("first"), scoring.reviewer("second")
    for entry, points in ((entry_a, 20), (entry_b, 12)):
        scoring.sheet(entry, first, points, points, points, points)
        scoring.sheet(entry, second, points - 2, points, points, points)
    everything = selectors.normalised_totals(year, [entry_a.pk, entry_b.pk])
    # The year's criteria, the reviewers' statistics and the page's sheets.
    with django_assert_num_queries(3):
        page = selectors.normalised_totals(year, [entry_b.pk])
    assert page == {entry_b.pk: pytest.approx(everything[entry_b.pk])}
    assert everything[entry_a.pk] > everything[entry_b.pk]


def test_equal_totals_tie_whatever_order_their_floats_were_summed(year, entry_a, entry_b):
    # The same three sheet totals summed in two orders differ in the last bit
    # (0.1 + 0.2 + 0.3 != 0.3 + 0.2 + 0.1): the standings still see one total, so the
    # title decides, as it does for any tie.
    scoring.sheet(entry_a, scoring.reviewer("r1"), 10, 10, 10, 10)
    scoring.sheet(entry_b, scoring.reviewer("r2"), 10, 10, 10, 10)
    assert 0.1 + 0.2 + 0.3 != 0.3 + 0.2 + 0.1
    EntryScore.objects.filter(entry=entry_a).update(total_sum=0.3 + 0.2 + 0.1, sheet_count=3)
    EntryScore.objects.filter(entry=entry_b).update(total_sum=0.1 + 0.2 + 0.3, sheet_count=3)
    rows = list(selectors.entry_standings(year))
    assert rows[0].weighted_total == rows[1].weighted_total == pytest.approx(0.2)
    assert [r.title for r in rows] == sorted([entry_a.title, entry_b.title])
