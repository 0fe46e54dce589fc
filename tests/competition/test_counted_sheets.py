"""Which score sheets count: derived figures (EntryScore, standings, the normalised totals,
the evaluation run) against a recomputation from scratch, after a conflict declared after
scoring and after the admin tries to delete a sheet (issue 14)."""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from awards import services as awards
from competition import selectors, services
from competition.models import ConflictDeclaration, Entry, EntryScore, Score, ScoreSheet
from tests.competition import factories as scoring

pytestmark = pytest.mark.django_db


def from_scratch(year) -> dict[int, dict]:
    """Per entry of the year: the counted sheets and their mean total and criterion means,
    computed in Python from the Score rows and the year's criteria (the rule of
    `selectors.weight_factors`), a sheet not counting when its reviewer declared a conflict
    with the entry's unit."""
    criteria = {c.pk: c for c in year.criteria.all()}
    weights = {pk: c.weight for pk, c in criteria.items()}
    if not sum(weights.values()):
        weights = dict.fromkeys(weights, Decimal(1))
    weight_sum = sum(weights.values())
    conflicts = set(ConflictDeclaration.objects.values_list("reviewer_id", "unit_id"))
    sheets = defaultdict(dict)  # entry -> sheet -> {criterion: points}
    for score in Score.objects.filter(sheet__entry__year=year).select_related("sheet__entry"):
        sheet = score.sheet
        if (sheet.reviewer_id, sheet.entry.unit_id) in conflicts:
            continue
        sheets[sheet.entry_id].setdefault(sheet.pk, {})[score.criterion_id] = score.points
    result = {}
    for entry in Entry.objects.filter(year=year):
        given = sheets.get(entry.pk, {})
        totals = [
            float(
                sum(100 * weights[pk] * p / criteria[pk].max_points for pk, p in points.items())
                / weight_sum
            )
            for points in given.values()
        ]
        means = {
            criteria[pk].code: sum(float(points[pk]) for points in given.values()) / len(given)
            for pk in criteria
            if given
        }
        result[entry.pk] = {
            "sheets": len(given),
            "total": sum(totals) / len(totals) if totals else None,
            "means": means,
        }
    return result


def standings(year) -> dict[int, dict]:
    return {
        entry.pk: {
            "sheets": entry.sheet_count,
            "total": entry.weighted_total,
            "means": entry.means or {},
        }
        for entry in selectors.entry_standings(year)
    }


def assert_equal(derived: dict, expected: dict) -> None:
    assert derived.keys() == expected.keys()
    for pk, row in expected.items():
        got = derived[pk]
        assert got["sheets"] == row["sheets"], pk
        assert got["total"] == pytest.approx(row["total"]), pk
        assert got["means"] == pytest.approx(row["means"]), pk


def run_rows(year, admin_user) -> dict[int, tuple]:
    run = awards.evaluation_run_build(run=awards.evaluation_run_create(actor=admin_user, year=year))
    return {r.entry_id: (r.sheet_count, r.total) for r in run.entry_rankings.all()}


@pytest.fixture
def scored(year, unit_a, unit_b):
    """Two entries of unit A and one of unit B, each scored by three reviewers."""
    judges = [scoring.reviewer(f"judge{n}") for n in range(3)]
    entries = [
        scoring.entry(unit_a, year, title="甲一"),
        scoring.entry(unit_a, year, title="甲二", number=2),
        scoring.entry(unit_b, year, title="乙一", number=3),
    ]
    points = [[15, 15, 15, 15], [20, 20, 20, 20], [25, 24, 23, 22]]
    for entry_index, entry in enumerate(entries):
        for judge_index, judge in enumerate(judges):
            row = points[(entry_index + judge_index) % 3]
            scoring.sheet(entry, judge, *row)
    return judges, entries


def test_standings_equal_a_recomputation_from_scratch(year, scored):
    assert_equal(standings(year), from_scratch(year))


def test_conflict_declared_after_scoring_stops_the_sheets_counting(
    year, scored, unit_a, admin_user, client_for, office_user
):
    judges, entries = scored
    before = from_scratch(year)
    services.conflict_declare(actor=judges[0], unit=unit_a, reason="配偶在该单位工作")

    expected = from_scratch(year)
    assert [expected[e.pk]["sheets"] for e in entries] == [2, 2, 3]
    assert expected[entries[0].pk]["total"] != before[entries[0].pk]["total"]
    assert_equal(standings(year), expected)
    # The sheets stay the record, each with a history row saying why it no longer counts.
    sheet = ScoreSheet.objects.get(entry=entries[0], reviewer=judges[0])
    assert sheet.scores.count() == 4
    change = sheet.history.first()
    assert change.history_type == "~" and change.history_user == judges[0]
    assert change.history_change_reason.startswith("评委申报与该单位存在利益冲突，此评分不再计入")
    # A new evaluation run counts exactly the sheets that count.
    ranked = run_rows(year, admin_user)
    for pk, row in expected.items():
        assert ranked[pk][0] == row["sheets"]
        assert ranked[pk][1] == pytest.approx(row["total"])
    # The office sees the sheet, marked as not counted, and why.
    page = client_for(office_user).get(reverse("competition:entry_detail", args=[entries[0].pk]))
    text = page.content.decode()
    assert "不计入" in text and "配偶在该单位工作" in text
    assert page.context["standing"].sheet_count == 2


def test_a_sheet_that_stops_counting_counts_as_never_given(year, scored, unit_a, admin_user):
    """Every derived figure (standings, normalised totals, the entry list's counts, the run)
    is what it would be had the reviewer never scored the unit's entries."""
    judges, entries = scored

    def figures():
        return (
            standings(year),
            selectors.normalised_totals(year, [e.pk for e in entries]),
            {e.pk: e.sheet_count for e in selectors.entry_list(admin_user, year)},
            run_rows(year, admin_user),
        )

    services.conflict_declare(actor=judges[0], unit=unit_a, reason="亲属")
    declared = figures()
    with transaction.atomic():
        ScoreSheet.objects.filter(reviewer=judges[0], entry__unit=unit_a).delete()
        ConflictDeclaration.objects.all().delete()
        services.entry_scores_refresh(entries=[e.pk for e in entries])
        never = figures()
        transaction.set_rollback(True)
    assert_equal(declared[0], never[0])
    assert declared[1] == pytest.approx(never[1])
    assert declared[2] == never[2]
    assert declared[3].keys() == never[3].keys()
    for pk, (sheets, total) in never[3].items():
        assert declared[3][pk][0] == sheets and declared[3][pk][1] == pytest.approx(total)


def test_progress_shows_a_conflicted_sheet_as_conflict(year, scored, unit_a):
    judges, entries = scored
    services.conflict_declare(actor=judges[0], unit=unit_a, reason="亲属")
    rows = dict(selectors.scoring_progress(year, entries))
    by_reviewer = {cell.reviewer.pk: cell.status for cell in rows[entries[0]]}
    assert by_reviewer[judges[0].pk] == "conflict"
    assert by_reviewer[judges[1].pk] == "scored"
    assert {cell.reviewer.pk: cell.status for cell in rows[entries[2]]}[judges[0].pk] == "scored"


def test_admin_cannot_delete_a_sheet_or_its_entry(year, scored, client_for, admin_user):
    judges, entries = scored
    sheet = ScoreSheet.objects.get(entry=entries[0], reviewer=judges[0])
    client = client_for(admin_user)
    delete = reverse("admin:competition_scoresheet_delete", args=[sheet.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(
        reverse("admin:competition_scoresheet_changelist"),
        {"action": "delete_selected", "_selected_action": [sheet.pk], "post": "yes"},
    )
    entry_delete = reverse("admin:competition_entry_delete", args=[entries[0].pk])
    assert client.post(entry_delete, {"post": "yes"}).status_code == 403
    assert ScoreSheet.objects.filter(pk=sheet.pk).exists()
    assert EntryScore.objects.get(entry=entries[0]).sheet_count == 3
    assert_equal(standings(year), from_scratch(year))


def _standing_totals_agree(year) -> list[int]:
    """Each entry's stored `standing_total` equals the weighted total the standings show
    (None unscored), and the standings' page keys (read in the stored order) are the
    standings' own order; returns that order."""
    shown = dict(selectors.entry_standings(year).values_list("pk", "weighted_total"))
    stored = dict(Entry.objects.filter(year=year).values_list("pk", "standing_total"))
    assert stored == shown
    keys = list(selectors.standings_keys(year))
    assert keys == list(selectors.entry_standings(year).values_list("pk", flat=True))
    return keys


def test_standing_totals_follow_sheets_conflicts_and_criteria(year, scored, unit_a, admin_user):
    judges, _entries = scored
    unscored = scoring.entry(unit_a, year, title="未评")
    assert _standing_totals_agree(year)[-1] == unscored.pk
    assert Entry.objects.get(pk=unscored.pk).standing_total is None
    scoring.sheet(unscored, judges[0], 25, 25, 25, 25)  # the best entry now
    assert _standing_totals_agree(year)[0] == unscored.pk
    services.conflict_declare(actor=judges[0], unit=unit_a, reason="亲属")  # its sheet drops
    assert _standing_totals_agree(year)[-1] == unscored.pk
    work = year.criteria.get(code="work")
    services.criterion_save(actor=admin_user, year=year, criterion=work, weight=Decimal(3))
    _standing_totals_agree(year)
    totals = from_scratch(year)
    for pk, total in Entry.objects.filter(year=year).values_list("pk", "standing_total"):
        assert total == (
            None if totals[pk]["total"] is None else pytest.approx(totals[pk]["total"])
        )


def test_migration_fills_standing_totals_as_the_standings_compute_them(year, scored):
    import importlib

    from django.apps import apps

    _standing_totals_agree(year)
    expected = dict(Entry.objects.values_list("pk", "standing_total"))
    Entry.objects.update(standing_total=None)
    migration = importlib.import_module("competition.migrations.0018_entry_standing_total")
    migration.fill_standing_totals(apps, None)
    assert dict(Entry.objects.values_list("pk", "standing_total")) == expected
    assert all(total is not None for total in expected.values())
