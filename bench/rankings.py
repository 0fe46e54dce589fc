"""(b) Building the rankings at scale, as a ratio over ONE hand-written SQL aggregate.

The aggregate computes the same per-entry weighted totals (0–100 scale, the criteria's weights
and maxima) straight from the score sheets; `evaluation_run_build` does that plus the ranks,
tie-break notes, unit composites and nomination rankings, and writes the snapshot rows.
Each build uses a fresh run, deleted afterwards; median of 7 (on a shared machine 3 samples
moved by ±30 %).

A second, stricter reference (`hand_sql_entry_insert_median_ms`): the entry rows of the
snapshot (totals, both places, both tie notes) written by ONE hand-written INSERT … SELECT
with windows, timed inside a transaction that is rolled back. It covers only the entry rows
(about half of the rows the build writes), so the build's ratio over it is an upper bound on
what a hand-written build of the whole snapshot would show.

A third figure (`replayed_sql_median_ms`): the very statements one build sent (captured, with
their BEGIN/COMMITs), replayed on the same run with nothing of Django around them. The build's
ratio over it is what Python and the ORM add; the rest is the database's own work. This is
issue 20's reference: the build within 2× of it (`target_ratio_over_replayed_sql`).

`build_peak_memory_mib`: the Python memory one build allocates at its peak (tracemalloc),
which should not grow with the city (compare scale 1 with scale 10: bench/run.py prints it).
"""

import statistics
import time
import tracemalloc

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from awards import rankings, services
from awards.enums import RunStatus
from awards.models import EntryRanking, EvaluationRun, NominationRanking, UnitRanking
from competition.models import Criterion
from competition.selectors import current_year

REPEAT = 7
TARGET_RATIO = 2
RANKINGS = (NominationRanking, UnitRanking, EntryRanking)


def _peak_memory(year) -> int:
    """The Python memory one build (of a fresh run, deleted afterwards) allocates at its peak."""
    evaluation = services.evaluation_run_create(actor=None, year=year)
    tracemalloc.start()
    try:
        services.evaluation_run_build(run=evaluation)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        EvaluationRun.objects.filter(pk=evaluation.pk).delete()


def _aggregate_sql(year_id: int):
    """Each entry's total: the mean over its sheets of Σ factor × points, from the scores."""
    criteria = list(Criterion.objects.filter(year_id=year_id).order_by("number"))
    weights = [float(c.weight) for c in criteria]
    if not sum(weights):
        weights = [1.0] * len(criteria)
    factor = " ".join(
        f"WHEN {c.pk} THEN {100.0 * w / (float(c.max_points) * sum(weights))!r}"
        for c, w in zip(criteria, weights, strict=True)
    )
    sql = (
        "SELECT e.id, AVG(t.total) AS total, COUNT(t.sheet_id) AS sheet_count "
        "FROM competition_entry e LEFT JOIN ("
        f"SELECT s.entry_id, s.id AS sheet_id, SUM(CAST(p.points AS FLOAT) * "
        f"CASE p.criterion_id {factor} ELSE 0 END) AS total "
        "FROM competition_scoresheet s JOIN competition_score p ON p.sheet_id = s.id "
        "GROUP BY s.entry_id, s.id) t ON t.entry_id = e.id "
        "WHERE e.year_id = %s GROUP BY e.id"
    )
    return sql, [year_id]


def _time_aggregate(year) -> tuple[float, dict]:
    sql, params = _aggregate_sql(year.pk)
    samples, totals = [], {}
    for _ in range(REPEAT):
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            totals = {row[0]: row[1] for row in cursor.fetchall()}
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), totals


def _entry_insert_sql(year_id: int, run_id: int, chain) -> tuple[str, list]:
    """The entry rows, places and tie notes by hand: the aggregate above, then windows."""
    aggregate, params = _aggregate_sql(year_id)
    # The criterion means the chain compares (each a correlated AVG over the entry's scores);
    # the stored `means` JSON is copied from EntryScore as the build does.
    codes = [rule for rule in chain if rule != "submitted"]
    means = "".join(
        f"(SELECT AVG(CAST(p.points AS FLOAT)) FROM competition_score p "
        f"JOIN competition_scoresheet s2 ON s2.id = p.sheet_id "
        f"JOIN competition_criterion c ON c.id = p.criterion_id "
        f"WHERE s2.entry_id = e.id AND c.code = '{code}') AS tb_{code}, "
        for code in codes
    )
    aggregate = (
        aggregate.replace(
            "SELECT e.id,",
            "SELECT e.id, e.unit_id, e.nine_project_id, e.title, e.created_at, u.name AS unit_name, "
            "sc.means AS means, " + means,
        )
        .replace(
            "FROM competition_entry e LEFT JOIN",
            "FROM competition_entry e JOIN competition_unit u ON u.id = e.unit_id "
            "LEFT JOIN competition_entryscore sc ON sc.entry_id = e.id LEFT JOIN",
        )
        .replace("GROUP BY e.id", "GROUP BY e.id, u.name, sc.means")
    )
    keys = ["total"] + [rankings.rule_field(rule)[0] for rule in chain]
    keys = ["created_at" if key == "submitted" else key for key in keys]
    order = ", ".join(
        f"{key} ASC" if key == "created_at" else f"{key} DESC NULLS LAST" for key in keys
    )
    names = {c.code: c.name for c in Criterion.objects.filter(year_id=year_id)}
    unscored, by_rule, fallback = rankings.tie_texts(chain, names)

    def note(partition):
        whens = ["WHEN total IS NULL THEN %s"]
        note_params = [unscored]
        for index, text in enumerate(["", *by_rule]):
            over = ", ".join(partition + keys[: index + 1])
            whens.append(f"WHEN COUNT(*) OVER (PARTITION BY {over}) = 1 THEN %s")
            note_params.append(text)
        return f"CASE {' '.join(whens)} ELSE %s END", [*note_params, fallback]

    overall, overall_params = note([])
    project, project_params = note(["nine_project_id"])
    sql = (
        "INSERT INTO awards_entryranking (run_id, entry_id, unit_id, nine_project_id, title, "
        f"unit_name, sheet_count, submitted_at, total, means, rank, tie_note, project_rank, "
        "project_tie_note) "
        f"SELECT %s, id, unit_id, nine_project_id, title, unit_name, sheet_count, created_at, "
        f"total, means, ROW_NUMBER() OVER (ORDER BY {order}, id), {overall}, "
        f"ROW_NUMBER() OVER (PARTITION BY nine_project_id ORDER BY {order}, id), {project} "
        f"FROM ({aggregate}) t"
    )
    return sql, [run_id, *overall_params, *project_params, *params]


def _time_hand_insert(year) -> tuple[float, int]:
    samples, rows = [], 0
    for _ in range(REPEAT):
        with transaction.atomic():
            evaluation = services.evaluation_run_create(actor=None, year=year)
            sql, params = _entry_insert_sql(
                year.pk, evaluation.pk, evaluation.settings["tie_break"]
            )
            start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                rows = cursor.rowcount
            samples.append(time.perf_counter() - start)
            transaction.set_rollback(True)
    return statistics.median(samples), rows


def _time_replay(evaluation, statements) -> float:
    """The captured statements of `evaluation`'s build, replayed on it REPEAT times, each
    after its rows are deleted and it is queued again (untimed)."""
    samples = []
    tables = ", ".join(model._meta.db_table for model in RANKINGS)
    for _ in range(REPEAT):
        for model in RANKINGS:
            model.objects.filter(run=evaluation).delete()
        EvaluationRun.objects.filter(pk=evaluation.pk).update(status=RunStatus.QUEUED)
        with connection.cursor() as cursor:
            # The replay writes the same keys again: without a vacuum each insert would wade
            # through the dead rows of the last one (a build writes a new run's keys).
            cursor.execute(f"VACUUM {tables}")
            start = time.perf_counter()
            for sql in statements:
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()
            samples.append(time.perf_counter() - start)
    status = EvaluationRun.objects.filter(pk=evaluation.pk).values_list("status", flat=True)
    if status.get() != RunStatus.DONE or not evaluation.entry_rankings.exists():
        raise RuntimeError("the replayed statements did not build the run again")
    return statistics.median(samples)


def run() -> dict:
    # The open year: the scaled city's entries are there (seed_demo --scale N), 2019 is sealed.
    year = current_year()
    if year is None:
        return {"status": "no competition year in the bench database"}
    samples, queries, rows = [], [], {}
    for attempt in range(REPEAT):
        evaluation = services.evaluation_run_create(actor=None, year=year)
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            services.evaluation_run_build(run=evaluation)
            samples.append(time.perf_counter() - start)
        queries.append(len(captured))
        rows = dict(evaluation.entry_rankings.values_list("entry_id", "total"))
        counts = {
            "entry_rows": len(rows),
            "unit_rows": evaluation.unit_rankings.count(),
            "nomination_rows": evaluation.nomination_rankings.count(),
        }
        if attempt == REPEAT - 1:
            statements = [query["sql"] for query in captured.captured_queries]
            replay = _time_replay(evaluation, statements)
        EvaluationRun.objects.filter(pk=evaluation.pk).delete()
    build = statistics.median(samples)
    peak = _peak_memory(year)
    aggregate, totals = _time_aggregate(year)
    hand_insert, hand_rows = _time_hand_insert(year)
    mismatches = sum(
        1
        for pk, total in totals.items()
        if (total is None) != (rows.get(pk) is None)
        or (total is not None and abs(total - rows[pk]) > 1e-6)
    )
    return {
        **counts,
        "build_median_ms": round(build * 1000, 2),
        "sql_aggregate_median_ms": round(aggregate * 1000, 2),
        # Issue 8's reference (no target since issue 20: the aggregate writes nothing).
        "ratio_over_sql": round(build / aggregate, 2) if aggregate else None,
        "queries": max(queries),
        "totals_differing_from_sql": mismatches,
        "hand_sql_entry_insert_median_ms": round(hand_insert * 1000, 2),
        "hand_sql_entry_insert_rows": hand_rows,
        "ratio_over_hand_sql_entry_insert": round(build / hand_insert, 2) if hand_insert else None,
        "replayed_sql_median_ms": round(replay * 1000, 2),
        "ratio_over_replayed_sql": round(build / replay, 2) if replay else None,
        "target_ratio_over_replayed_sql": TARGET_RATIO,
        "build_peak_memory_mib": round(peak / 2**20, 2),
    }
