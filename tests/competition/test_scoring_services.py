"""Scoring writes: ranges, the one-sheet rule, conflicts, assignments, draws, notices."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from competition import services
from competition.enums import YearStatus
from competition.models import (
    Criterion,
    EntryScore,
    ReviewerAssignment,
    ScoreSheet,
    SpotCheckDraw,
)
from tests.competition import factories as scoring
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

OK = {"work": 20, "effect": 21, "income": 22, "satisfaction": 23}


@pytest.mark.parametrize("code", ["work", "effect", "income", "satisfaction"])
def test_score_at_each_criterion_maximum_is_accepted(office_user, entry_a, code):
    Criterion.objects.filter(code=code).update(max_points=30)
    sheet = services.score_sheet_save(actor=office_user, entry=entry_a, points={**OK, code: 30})
    assert scoring.points_of(sheet)[code] == Decimal(30)


@pytest.mark.parametrize("code", ["work", "effect", "income", "satisfaction"])
def test_score_above_criterion_maximum_is_refused(office_user, entry_a, code):
    Criterion.objects.filter(code=code).update(max_points=30)
    with pytest.raises(ValidationError) as exc:
        services.score_sheet_save(actor=office_user, entry=entry_a, points={**OK, code: "30.1"})
    name = Criterion.objects.get(code=code).name
    assert exc.value.message_dict == {code: [f"“{name}”的得分应在 0 至 30 之间。"]}
    assert not ScoreSheet.objects.exists()


def test_negative_score_is_refused(office_user, entry_a):
    with pytest.raises(ValidationError) as exc:
        services.score_sheet_save(actor=office_user, entry=entry_a, points={**OK, "income": -1})
    assert "income" in exc.value.message_dict


def test_missing_score_is_refused(office_user, entry_a):
    points = {k: v for k, v in OK.items() if k != "effect"}
    with pytest.raises(ValidationError) as exc:
        services.score_sheet_save(actor=office_user, entry=entry_a, points=points)
    assert exc.value.message_dict == {"effect": ["请填写“比项目成效”的得分。"]}


def test_revising_keeps_one_sheet_and_history(office_user, entry_a):
    first = services.score_sheet_save(actor=office_user, entry=entry_a, points=OK, comment="初评")
    second = services.score_sheet_save(
        actor=office_user, entry=entry_a, points={**OK, "work": 25}, comment="复核"
    )
    assert first.pk == second.pk
    assert ScoreSheet.objects.count() == 1
    history = list(second.history.order_by("history_date").values_list("comment", flat=True))
    assert history == ["初评", "复核"]
    work = second.scores.get(criterion__code="work")
    points = list(work.history.order_by("history_date").values_list("points", flat=True))
    assert points == [Decimal(20), Decimal(25)]


def test_sheet_frozen_once_year_leaves_open(office_user, entry_a, year):
    services.score_sheet_save(actor=office_user, entry=entry_a, points=OK)
    year.status = YearStatus.EVALUATING
    year.save()
    entry_a.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.score_sheet_save(actor=office_user, entry=entry_a, points={**OK, "work": 1})
    assert scoring.points_of(ScoreSheet.objects.get())["work"] == Decimal(20)


def test_reviewer_cannot_score_own_unit(unit_a, entry_a, entry_b):
    reviewer = scoring.reviewer("insider", unit=unit_a)
    with pytest.raises(PermissionDenied):
        services.score_sheet_save(actor=reviewer, entry=entry_a, points=OK)
    services.score_sheet_save(actor=reviewer, entry=entry_b, points=OK)
    assert list(ScoreSheet.objects.values_list("entry_id", flat=True)) == [entry_b.pk]


def test_declared_conflict_blocks_scoring(office_user, unit_a, entry_a):
    services.conflict_declare(actor=office_user, unit=unit_a, reason="配偶在该单位任职")
    with pytest.raises(PermissionDenied):
        services.score_sheet_save(actor=office_user, entry=entry_a, points=OK)
    with pytest.raises(ValidationError):
        services.conflict_declare(actor=office_user, unit=unit_a, reason="再次申报")


def test_staff_and_admin_cannot_score(staff_b, admin_user, entry_a):
    for user in (staff_b, admin_user):
        with pytest.raises(PermissionDenied):
            services.score_sheet_save(actor=user, entry=entry_a, points=OK)


def test_assignment_setting_limits_unassigned_reviewers(admin_user, office_user, year, entry_a):
    year.unassigned_may_score = False
    year.save()
    entry_a.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.score_sheet_save(actor=office_user, entry=entry_a, points=OK)
    services.assignment_add(actor=admin_user, entry=entry_a, reviewer=office_user)
    services.score_sheet_save(actor=office_user, entry=entry_a, points=OK)
    assert ScoreSheet.objects.count() == 1


def test_assignment_refuses_conflicted_reviewer(admin_user, unit_a, entry_a):
    insider = scoring.reviewer("insider", unit=unit_a)
    with pytest.raises(ValidationError):
        services.assignment_add(actor=admin_user, entry=entry_a, reviewer=insider)


def test_spread_assigns_evenly_reproducibly_and_never_own_unit(admin_user, year, unit_a):
    units = [unit_a, *(UnitFactory() for _ in range(3))]
    entries = [scoring.entry(unit, year) for unit in units for _ in range(2)]
    reviewers = [
        scoring.reviewer("in_a", unit=unit_a),
        scoring.reviewer("r2"),
        scoring.reviewer("r3"),
    ]
    created = services.assignments_spread(actor=admin_user, year=year, per_entry=2, seed=42)
    assert len(created) == 16
    pairs = sorted(ReviewerAssignment.objects.values_list("entry_id", "reviewer_id"))
    assert not any(e in (entries[0].pk, entries[1].pk) and r == reviewers[0].pk for e, r in pairs)
    loads = [sum(1 for _e, r in pairs if r == reviewer.pk) for reviewer in reviewers]
    assert max(loads) - min(loads) <= 2
    ReviewerAssignment.objects.all().delete()
    services.assignments_spread(actor=admin_user, year=year, per_entry=2, seed=42)
    assert sorted(ReviewerAssignment.objects.values_list("entry_id", "reviewer_id")) == pairs


def test_spot_check_draw_reproducible_from_seed(office_user, year):
    for i in range(12):
        UnitFactory(name=f"抽签单位{i}")
    first = services.spot_check_draw_run(actor=office_user, year=year, count=4, seed=123)
    again = services.spot_check_draw_run(actor=office_user, year=year, count=4, seed=123)
    assert len(first.result) == 4 and len(set(first.result)) == 4
    assert again.result == first.result
    assert services.draw_units(first.pool, first.seed, first.count) == first.result
    other = services.spot_check_draw_run(actor=office_user, year=year, count=4, seed=124)
    assert other.seed == 124
    assert SpotCheckDraw.objects.count() == 3


def test_spot_check_draw_weighted_towards_unchecked_units(office_user, year):
    units = [UnitFactory(name=f"权重单位{i}") for i in range(2)]
    services.spot_check_record(
        actor=office_user,
        year=year,
        unit=units[0],
        date=year.start_date,
        inspectors="甲",
        findings="好",
        rating="good",
    )
    draw = services.spot_check_draw_run(actor=office_user, year=year, count=1, seed=1)
    assert dict(map(tuple, draw.pool)) == {units[0].pk: 1, units[1].pk: 3}
    wins = sum(services.draw_units(draw.pool, seed, 1) == [units[1].pk] for seed in range(400))
    assert 250 < wins < 350  # expected 3/4 of 400


def test_spot_check_draw_count_above_pool_is_refused(office_user, year, unit_a):
    with pytest.raises(ValidationError):
        services.spot_check_draw_run(actor=office_user, year=year, count=5, seed=1)


def test_notice_publish_freezes_standings(office_user, year, entry_a):
    scoring.sheet(entry_a, scoring.reviewer("r1"), 20, 20, 20, 20)
    notice = services.notice_create(
        actor=office_user, year=year, title="通报", body="正文", include_standings=True
    )
    services.notice_publish(actor=office_user, notice=notice)
    notice.refresh_from_db()
    assert notice.published and notice.published_at is not None
    assert notice.standings == [
        {
            "nine_project": "产业脱贫工程",
            "unit": "相山区总工会",
            "title": "相山区产业帮扶",
            "sheets": 1,
            "total": 80.0,
        }
    ]
    with pytest.raises(ValidationError):
        services.notice_publish(actor=office_user, notice=notice)


def test_entry_create_only_while_open(staff_a, unit_a, year):
    from tests.factories import nine_project

    fields = {
        "nine_project": nine_project(3),
        "title": "生态护林",
        "description": "简介",
        "target_villages": "",
        "target_households": 5,
    }
    entry = services.entry_create(actor=staff_a, unit=unit_a, year=year, **fields)
    assert entry.created_by == staff_a
    year.status = YearStatus.CLOSED
    year.save()
    with pytest.raises(ValidationError):
        services.entry_create(actor=staff_a, unit=unit_a, year=year, **{**fields, "title": "新"})


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_first_submissions_make_one_sheet(
    require_postgres, reference_data, monkeypatch
):
    from tests.conftest import factories as base

    year = base.competition_year(2019)
    entry = scoring.entry(UnitFactory(name="并发单位"), year)
    reviewer = scoring.reviewer("racer")
    barrier = threading.Barrier(2, timeout=10)
    real_lookup = services._existing_sheet
    calls = {"n": 0}

    def lookup_then_wait(entry, reviewer):
        sheet = real_lookup(entry, reviewer)
        calls["n"] += 1
        if calls["n"] <= 2:  # both first lookups see no sheet before either inserts
            barrier.wait()
        return sheet

    monkeypatch.setattr(services, "_existing_sheet", lookup_then_wait)
    results, errors = [], []

    def submit(work):
        try:
            results.append(
                services.score_sheet_save(actor=reviewer, entry=entry, points={**OK, "work": work})
            )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(w,)) for w in (10, 11)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert ScoreSheet.objects.filter(entry=entry, reviewer=reviewer).count() == 1
    assert {sheet.pk for sheet in results} == {ScoreSheet.objects.get().pk}
    sheet = ScoreSheet.objects.get()
    # One insert won; the other revised it: two history rows, one creation.
    assert list(sheet.history.values_list("history_type", flat=True).order_by("history_id")) == [
        "+",
        "~",
    ]
    assert scoring.points_of(sheet)["work"] in (Decimal(10), Decimal(11))


def _summary_from_sheets(entry) -> dict:
    """EntryScore recomputed from scratch, in Python, from the sheets' scores."""
    criteria = list(entry.year.criteria.all())
    weight_sum = sum(float(c.weight) for c in criteria)
    factor = {c.code: 100 * float(c.weight) / (float(c.max_points) * weight_sum) for c in criteria}
    sheets = [scoring.points_of(sheet) for sheet in ScoreSheet.objects.filter(entry=entry)]
    totals = [sum(float(p) * factor[code] for code, p in sheet.items()) for sheet in sheets]
    expected = {
        "sheet_count": len(sheets),
        "total_sum": sum(totals),
        "total_square_sum": sum(t * t for t in totals),
    }
    for c in criteria:
        expected[f"mean_{c.code}"] = sum(float(s[c.code]) for s in sheets) / len(sheets)
    return expected


def _summary(entry) -> dict:
    row = EntryScore.objects.get(entry=entry)
    summary = {
        "sheet_count": row.sheet_count,
        "total_sum": row.total_sum,
        "total_square_sum": row.total_square_sum,
    }
    return summary | {f"mean_{code}": mean for code, mean in row.means.items()}


def test_entry_score_follows_every_sheet_saved_and_revised(office_user, entry_a):
    assert not EntryScore.objects.filter(entry=entry_a).exists()
    points = {"work": "20", "effect": "18.5", "income": "15", "satisfaction": "25"}
    services.score_sheet_save(actor=office_user, entry=entry_a, points=points)
    assert _summary(entry_a) == pytest.approx(_summary_from_sheets(entry_a))
    other = scoring.reviewer("second")
    services.score_sheet_save(actor=other, entry=entry_a, points={**points, "work": "10"})
    services.score_sheet_save(actor=office_user, entry=entry_a, points={**points, "income": "5"})
    summary = _summary(entry_a)
    assert summary == pytest.approx(_summary_from_sheets(entry_a))
    assert summary["sheet_count"] == 2 and summary["mean_income"] == pytest.approx(10)
    assert summary["total_sum"] == pytest.approx((10 + 18.5 + 15 + 25) + (20 + 18.5 + 5 + 25))


def test_entry_scores_refresh_is_idempotent(entry_a, entry_b):
    scoring.sheet(entry_a, scoring.reviewer("r1"), 20, 21, 22, 23)
    scoring.sheet(entry_a, scoring.reviewer("r2"), 10, 11.5, 12, 13)
    scoring.sheet(entry_b, scoring.reviewer("r3"), 5, 6, 7, 8)
    services.entry_scores_refresh(entries=[entry_a.pk, entry_b.pk])
    services.entry_scores_refresh(entries=[entry_a.pk])
    expected = {entry.pk: _summary_from_sheets(entry) for entry in (entry_a, entry_b)}
    assert EntryScore.objects.count() == 2
    assert _summary(entry_a) == pytest.approx(expected[entry_a.pk])
    assert _summary(entry_b) == pytest.approx(expected[entry_b.pk])
