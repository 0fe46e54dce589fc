"""Evaluation runs: rankings, the tie-break chain, immutability, the scheduled run."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from awards import rankings, services, tasks
from awards.enums import RunStatus
from awards.models import EntryRanking, EvaluationRun, EvaluationSettings, Nomination
from common.models import ReminderLog
from competition import services as competition_services
from competition.models import Entry, NineProject, Participation, Score, ScoreSheet, Unit, UnitKind
from tests.awards import factories as af
from tests.competition import factories as scoring

pytestmark = pytest.mark.django_db


def _scored(unit, year, points, reviewers, *, title, number=1, created=None):
    entry = scoring.entry(unit, year, title=title, number=number)
    if created:
        Entry.objects.filter(pk=entry.pk).update(created_at=created)
    for reviewer in reviewers:
        scoring.sheet(entry, reviewer, *points)
    return entry


def _rows(run):
    return [(r.title, r.rank, r.tie_note) for r in run.entry_rankings.order_by("rank")]


def _run(year, admin_user, chain=None):
    if chain is not None:
        EvaluationSettings.objects.update_or_create(year=year, defaults={"tie_break": chain})
    return services.evaluation_run_build(
        run=services.evaluation_run_create(actor=admin_user, year=year)
    )


@pytest.mark.parametrize(
    ("a_points", "b_points", "rule"),
    [
        ((20, 22, 19, 19), (20, 21, 20, 19), "比项目成效"),
        ((20, 20, 19, 21), (20, 20, 20, 20), "比群众满意"),
        ((19, 20, 21, 20), (20, 20, 20, 20), "比经济收入"),
    ],
)
def test_tie_broken_by_each_score_rule(
    year, unit_a, unit_b, admin_user, reviewers, a_points, b_points, rule
):
    # B is created first, so only the score rule can put A ahead.
    _scored(unit_b, year, b_points, reviewers, title="乙")
    _scored(unit_a, year, a_points, reviewers, title="甲")
    run = _run(year, admin_user)
    note = f"并列，按{rule}区分"
    assert _rows(run) == [("甲", 1, note), ("乙", 2, note)]


def test_tie_broken_by_earliest_submission(year, unit_a, unit_b, admin_user, reviewers):
    early = timezone.now() - datetime.timedelta(days=30)
    _scored(unit_a, year, (20, 20, 20, 20), reviewers, title="后报")
    _scored(unit_b, year, (20, 20, 20, 20), reviewers, title="先报", created=early)
    run = _run(year, admin_user)
    note = "并列，按提交时间早区分"
    assert _rows(run) == [("先报", 1, note), ("后报", 2, note)]


def test_chain_order_is_configurable_and_stored_on_the_run(
    year, unit_a, unit_b, admin_user, reviewers
):
    _scored(unit_a, year, (20, 22, 19, 19), reviewers, title="成效高")
    _scored(unit_b, year, (20, 21, 20, 19), reviewers, title="收入高")
    run = _run(year, admin_user, chain=["income", "effect", "satisfaction", "submitted"])
    assert run.settings["tie_break"] == ["income", "effect", "satisfaction", "submitted"]
    assert _rows(run) == [
        ("收入高", 1, "并列，按比经济收入区分"),
        ("成效高", 2, "并列，按比经济收入区分"),
    ]


def test_three_way_tie_notes_the_rule_that_separated_each_row(
    year, unit_a, unit_b, admin_user, reviewers
):
    _scored(unit_a, year, (20, 22, 18, 20), reviewers, title="甲")
    _scored(unit_b, year, (20, 21, 18, 21), reviewers, title="乙")
    _scored(unit_b, year, (20, 21, 19, 20), reviewers, title="丙")
    _scored(unit_a, year, (25, 25, 25, 25), reviewers, title="满分")
    _scored(unit_a, year, (10, 10, 10, 10), reviewers[:0], title="未评")
    run = _run(year, admin_user)
    assert _rows(run) == [
        ("满分", 1, ""),
        ("甲", 2, "并列，按比项目成效区分"),
        ("乙", 3, "并列，按比群众满意区分"),
        ("丙", 4, "并列，按比群众满意区分"),
        ("未评", 5, "未评分"),
    ]


def test_entries_ranked_within_their_nine_project(year, unit_a, unit_b, admin_user, reviewers):
    _scored(unit_a, year, (25, 25, 25, 25), reviewers, title="产业一", number=1)
    _scored(unit_b, year, (20, 20, 20, 20), reviewers, title="就业一", number=2)
    _scored(unit_b, year, (15, 15, 15, 15), reviewers, title="产业二", number=1)
    run = _run(year, admin_user)
    ranks = {r.title: (r.rank, r.project_rank) for r in run.entry_rankings.all()}
    assert ranks == {"产业一": (1, 1), "就业一": (2, 1), "产业二": (3, 2)}
    row = run.entry_rankings.get(title="产业一")
    assert (row.means["work"], row.total, row.sheet_count, row.unit_name) == (
        25,
        100,
        3,
        unit_a.name,
    )


def test_unit_composite_uses_the_settings_weights(year, unit_a, unit_b, admin_user, reviewers):
    _scored(unit_a, year, (25, 25, 25, 25), reviewers, title="甲")
    _scored(unit_b, year, (15, 15, 15, 15), reviewers, title="乙")
    EvaluationSettings.objects.create(
        year=year, weight_entries=1, weight_timeliness=0, weight_quota=1
    )
    run = _run(year, admin_user)
    rows = {r.unit_name: r for r in run.unit_rankings.all()}
    a = rows[unit_a.name]
    # No activity against a quota of 3: quota fulfilment 0; half of (100 + 0).
    assert (a.entry_score, a.quota_rate, a.quota, a.total, a.rank) == (100, 0, 3, 50, 1)
    assert rows[unit_b.name].total == 30
    assert run.settings["weights"] == {
        "entries": "1.00",
        "timeliness": "0.00",
        "quota": "1.00",
        "spot_checks": "0.00",
    }


def test_nominations_ranked_by_their_entry_with_eligibility(
    year, unit_a, unit_b, admin_user, reviewers
):
    good = _scored(unit_a, year, (25, 25, 25, 25), reviewers, title="甲")
    weak = _scored(unit_b, year, (10, 10, 10, 10), reviewers, title="乙")
    af.nomination(unit_b, year, entry=weak)
    af.nomination(unit_a, year, entry=good, evidence_practice="")
    af.nomination(
        unit_a, year, entry=good, category="individual", work_started_on=datetime.date(2019, 1, 1)
    )
    run = _run(year, admin_user)
    rows = [
        (r.category, r.recipient, r.rank, r.total, r.eligible, r.eligibility_note)
        for r in run.nomination_rankings.order_by("category", "rank")
    ]
    assert rows == [
        ("collective", unit_a.name, 1, 100, False, "缺少以下标准的事实材料：模范践行"),
        ("collective", unit_b.name, 2, 40, True, "符合条件"),
        (
            "individual",
            "张先锋",
            1,
            100,
            False,
            "从事扶贫工作不满2年（2019-01-01起，评比日为2020-04-15）",
        ),
    ]


def test_finished_run_is_never_changed(year, unit_a, admin_user, reviewers):
    _scored(unit_a, year, (20, 20, 20, 20), reviewers, title="甲")
    run = _run(year, admin_user)
    before = list(run.entry_rankings.values_list("pk", "rank", "total"))
    scoring.sheet(scoring.entry(unit_a, year, title="新项目"), reviewers[0], 25, 25, 25, 25)
    with pytest.raises(ValidationError) as exc:
        services.evaluation_run_build(run=run)
    assert exc.value.code == "run_finished"
    assert list(run.entry_rankings.values_list("pk", "rank", "total")) == before
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    # The task leaves it alone too; a new run makes a new snapshot.
    assert tasks.build_evaluation_run.delay(run_id=run.pk).get() == "finished"
    assert _run(year, admin_user).entry_rankings.count() == 2


def test_snapshot_outlives_what_it_ranked(year, unit_a, admin_user, reviewers):
    """The rows keep their copied names when the entry and nomination go (SET NULL through
    the ORM, no database constraint), and a nine-project they show stays protected."""
    entry = _scored(unit_a, year, (20, 20, 20, 20), reviewers, title="甲")
    nomination = af.nomination(unit_a, year, entry=entry)
    run = _run(year, admin_user)
    nomination.delete()
    ScoreSheet.objects.filter(entry=entry).delete()
    entry.delete()
    assert list(run.entry_rankings.values_list("entry", "title", "unit_name", "rank")) == [
        (None, "甲", unit_a.name, 1)
    ]
    assert list(run.nomination_rankings.values_list("nomination", "entry_title")) == [(None, "甲")]
    with pytest.raises(ProtectedError):
        NineProject.objects.filter(pk=entry.nine_project_id).delete()


def test_failed_run_is_refused_too(year, admin_user):
    run = services.evaluation_run_create(actor=admin_user, year=year)
    EvaluationRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED)
    with pytest.raises(ValidationError):
        services.evaluation_run_build(run=run)


def test_interrupted_run_is_rebuilt_from_scratch(year, unit_a, admin_user, reviewers):
    _scored(unit_a, year, (20, 20, 20, 20), reviewers, title="甲")
    run = services.evaluation_run_create(actor=admin_user, year=year)
    entry = Entry.objects.get()
    EntryRanking.objects.create(
        run=run, entry=entry, nine_project=entry.nine_project, title="半途", unit_name="x",
        submitted_at=timezone.now(), rank=9, project_rank=9,
    )  # fmt: skip
    EvaluationRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    services.evaluation_run_build(run=run)
    assert _rows(EvaluationRun.objects.get(pk=run.pk)) == [("甲", 1, "")]


def test_interrupted_run_with_every_stage_written_is_rebuilt_as_a_fresh_run(
    year, unit_a, unit_b, admin_user, reviewers
):
    good = _scored(unit_a, year, (20, 21, 20, 19), reviewers, title="甲")
    _scored(unit_b, year, (20, 22, 19, 19), reviewers, title="乙")
    af.nomination(unit_a, year, entry=good)
    run = services.evaluation_run_create(actor=admin_user, year=year)
    services.evaluation_run_build(run=run)  # every stage written …
    EvaluationRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, progress=70)
    services.evaluation_run_build(run=run)  # … then the redelivered task builds it again
    fresh = _run(year, admin_user)

    def snapshot(run):
        return [
            [{k: v for k, v in row.items() if k not in ("id", "run_id")} for row in rows]
            for rows in (
                run.entry_rankings.order_by("rank").values(),
                run.unit_rankings.order_by("rank").values(),
                run.nomination_rankings.order_by("rank").values(),
            )
        ]

    rebuilt = EvaluationRun.objects.get(pk=run.pk)
    assert (rebuilt.status, rebuilt.progress) == (RunStatus.DONE, 100)
    assert snapshot(rebuilt) == snapshot(fresh)
    assert [len(rows) for rows in snapshot(rebuilt)] == [2, Unit.objects.count(), 1]


def test_tie_notes_from_sql_equal_the_python_rule(year, unit_a, unit_b, admin_user, reviewers):
    early = timezone.now() - datetime.timedelta(days=30)
    _scored(unit_a, year, (20, 22, 18, 20), reviewers, title="甲")
    _scored(unit_b, year, (20, 21, 18, 21), reviewers, title="乙")
    _scored(unit_b, year, (20, 21, 19, 20), reviewers, title="丙")
    _scored(unit_a, year, (20, 20, 20, 20), reviewers, title="同分早", created=early)
    _scored(unit_b, year, (20, 20, 20, 20), reviewers, title="同分晚", number=2)
    _scored(unit_a, year, (25, 25, 25, 25), reviewers, title="满分", number=2)
    _scored(unit_a, year, (10, 10, 10, 10), reviewers[:0], title="未评")
    chain = ["effect", "satisfaction", "income", "submitted"]
    names = {c.code: c.name for c in year.criteria.all()}
    rows = list(rankings.entry_rows(year, chain, names).values())
    for row in rows:
        assert row["tie_note"] == rankings.tie_note(row, chain, names), row["title"]
        assert row["project_tie_note"] == rankings.tie_note(row, chain, names, prefix="project_")
    notes = {row["title"]: row["tie_note"] for row in rows}
    assert notes["满分"] == "" and notes["未评"] == "未评分"
    assert notes["同分早"] == "并列，按提交时间早区分"
    # Two entries equal on every score and created in the same instant: registration order.
    _scored(unit_a, year, (15, 15, 15, 15), reviewers, title="孪生一", created=early)
    _scored(unit_b, year, (15, 15, 15, 15), reviewers, title="孪生二", created=early)
    rows = list(rankings.entry_rows(year, chain, names).values())
    assert {row["title"]: row["tie_note"] for row in rows}["孪生二"] == "并列，按登记顺序区分"
    assert all(row["tie_note"] == rankings.tie_note(row, chain, names) for row in rows)


def test_recipient_in_sql_equals_the_model_property(year, unit_a, admin_user, reviewers):
    entry = _scored(unit_a, year, (20, 20, 20, 20), reviewers, title="甲")
    af.nomination(unit_a, year, entry=entry)
    af.nomination(unit_a, year, entry=entry, collective_kind="team", team_name="先锋队")
    af.nomination(unit_a, year, entry=entry, collective_kind="team", team_name="")
    af.nomination(unit_a, year, entry=entry, category="individual")
    run = _run(year, admin_user)
    stored = dict(run.nomination_rankings.values_list("nomination_id", "recipient"))
    expected = {n.pk: n.recipient for n in Nomination.objects.select_related("unit")}
    assert stored == expected
    assert sorted(expected.values()) == sorted([unit_a.name, "先锋队", unit_a.name, "张先锋"])


def test_start_queues_the_task_after_commit(
    year, admin_user, unit_a, reviewers, django_capture_on_commit_callbacks
):
    _scored(unit_a, year, (20, 20, 20, 20), reviewers, title="甲")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = services.evaluation_run_start(actor=admin_user, year=year)
        assert EvaluationRun.objects.get(pk=run.pk).status == RunStatus.QUEUED
    assert len(callbacks) == 1
    run.refresh_from_db()
    assert (run.status, run.progress, run.created_by) == (RunStatus.DONE, 100, admin_user)
    assert run.started_at <= run.finished_at


def test_start_refused_to_office(year, office_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.evaluation_run_start(actor=office_user, year=year)
    assert not EvaluationRun.objects.exists()


def test_due_evaluations_run_once_per_year_and_day(year, unit_a, reviewers):
    _scored(unit_a, year, (20, 20, 20, 20), reviewers, title="甲")
    day = year.evaluation_date
    first = services.evaluation_runs_due(today=day)
    assert [run.status for run in first] == [RunStatus.DONE]
    assert services.evaluation_runs_due(today=day) == []
    assert services.evaluation_runs_due(today=day + datetime.timedelta(days=1)) == []
    assert EvaluationRun.objects.count() == 1
    assert ReminderLog.objects.get(kind="evaluation").key == f"year=2019:date={day.isoformat()}"


def test_scheduled_task_runs_the_years_due_today(year, unit_a, reviewers):
    _scored(unit_a, year, (20, 20, 20, 20), reviewers, title="甲")
    type(year).objects.filter(pk=year.pk).update(evaluation_date=timezone.localdate())
    ids = tasks.run_due_evaluations.delay().get()
    assert len(ids) == 1 and EvaluationRun.objects.get(pk=ids[0]).status == RunStatus.DONE
    assert tasks.run_due_evaluations.delay().get() == []


def _city(year, units: int, reviewers):
    """`units` units with 2 entries each and 5 sheets per entry, in bulk."""
    kind = UnitKind.objects.get(code="county")
    created = Unit.objects.bulk_create(
        Unit(name=f"规模单位{year.year}-{i}", kind=kind) for i in range(units)
    )
    Participation.objects.bulk_create(Participation(unit=u, start=year.start_date) for u in created)
    projects = list(NineProject.objects.all())
    entries = Entry.objects.bulk_create(
        Entry(
            unit=unit, year=year, nine_project=projects[(i + j) % 9],
            title=f"项目{i}-{j}", description="简介",
        )
        for i, unit in enumerate(created)
        for j in range(2)
    )  # fmt: skip
    criteria = {c.code: c for c in year.criteria.all()}
    sheets = ScoreSheet.objects.bulk_create(
        ScoreSheet(entry=entry, reviewer=reviewer) for entry in entries for reviewer in reviewers
    )
    points = [
        {"work": 15 + k % 10, "effect": 15 + (i + k) % 10, "income": 15 + i % 7, "satisfaction": 20}
        for i, _entry in enumerate(entries)
        for k, _reviewer in enumerate(reviewers)
    ]
    Score.objects.bulk_create(
        Score(sheet=sheet, criterion=criteria[code], points=value)
        for sheet, values in zip(sheets, points, strict=True)
        for code, value in values.items()
    )
    competition_services.entry_scores_refresh(entries=[entry.pk for entry in entries])
    af_rows = [
        af.Nomination(
            year=year, unit_id=entry.unit_id, entry=entry, category="collective",
            collective_kind="unit", statement="事迹", **af.COLLECTIVE_EVIDENCE,
        )
        for entry in entries[::2]
    ]  # fmt: skip
    af.Nomination.objects.bulk_create(af_rows)


@pytest.mark.parametrize("units", [50, 500])
def test_build_takes_a_bounded_number_of_queries(
    units, year, admin_user, django_assert_max_num_queries
):
    reviewers = [scoring.reviewer(f"bulk{k}") for k in range(5)]
    _city(year, units, reviewers)
    run = services.evaluation_run_create(actor=admin_user, year=year)
    # Each table is written by INSERT … SELECT; only the eligibility UPDATE of the
    # nominations is split on SQLite (batches of 999 parameters): the only part that grows.
    # The units' criterion means are a column of their INSERT … SELECT: no query of their own.
    with django_assert_max_num_queries(26):
        with CaptureQueriesContext(connection) as queries:
            services.evaluation_run_build(run=run)
    batched = ("INSERT", "WITH v ")
    others = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(batched)]
    # The same few reads, writes and savepoints at both sizes: nothing per row.
    assert len(others) <= 21, others
    assert sum("INSERT INTO" in q["sql"] for q in queries.captured_queries) == 3
    assert run.entry_rankings.count() == 2 * units
    assert run.unit_rankings.count() == Unit.objects.count()
    assert run.nomination_rankings.count() == units


def test_unit_means_are_the_means_of_its_entry_rows(year, unit_a, unit_b, admin_user, reviewers):
    _scored(unit_a, year, (20, 22, 18, 24), reviewers, title="甲一")
    _scored(unit_a, year, (10, 12, 14, 16), reviewers, title="甲二", number=2)
    _scored(unit_b, year, (15, 15, 15, 15), reviewers, title="乙")
    run = _run(year, admin_user)
    codes = [c["code"] for c in run.criteria]
    for unit in (unit_a, unit_b):
        entries = [r.means for r in run.entry_rankings.filter(unit=unit)]
        expected = {code: sum(m[code] for m in entries) / len(entries) for code in codes}
        stored = run.unit_rankings.get(unit=unit).means
        assert stored.keys() == expected.keys()
        assert all(abs(stored[code] - expected[code]) < 1e-9 for code in codes), stored
    assert run.unit_rankings.get(unit=unit_a).means[codes[0]] == 15


def test_eligibility_is_written_batch_by_batch(
    year, unit_a, unit_b, admin_user, reviewers, monkeypatch
):
    monkeypatch.setattr(services, "NOMINATION_BATCH", 2)
    good = _scored(unit_a, year, (25, 25, 25, 25), reviewers, title="甲")
    for number in range(5):
        af.nomination(unit_a if number % 2 else unit_b, year, entry=good)
    af.nomination(unit_a, year, entry=good, evidence_practice="")
    run = _run(year, admin_user)
    notes = list(run.nomination_rankings.values_list("eligible", "eligibility_note"))
    assert len(notes) == 6
    assert sorted(notes) == [(False, "缺少以下标准的事实材料：模范践行")] + [(True, "符合条件")] * 5
