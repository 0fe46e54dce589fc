"""(b) Building the rankings at scale, as a ratio over ONE hand-written SQL aggregate.

The aggregate computes the same per-entry weighted totals (0–100 scale, the criteria's weights
and maxima) straight from the score sheets; `evaluation_run_build` does that plus the ranks,
tie-break notes, unit composites and nomination rankings, and writes the snapshot rows.
Each build uses a fresh run, deleted afterwards; median of 3.
"""

import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from awards import services
from awards.models import EvaluationRun
from competition.models import CompetitionYear, Criterion

REPEAT = 3
TARGET_RATIO = 2


def _aggregate_sql(year_id: int):
    criteria = list(Criterion.objects.order_by("number"))
    weights = [float(c.weight) for c in criteria]
    if not sum(weights):
        weights = [1.0] * len(criteria)
    terms = " + ".join(
        f"{100.0 * w / (float(c.max_points) * sum(weights))!r} * AVG(CAST(s.{c.code} AS FLOAT))"
        for c, w in zip(criteria, weights, strict=True)
    )
    sql = (
        f"SELECT e.id, {terms} AS total FROM competition_entry e "
        "LEFT JOIN competition_scoresheet s ON s.entry_id = e.id "
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
            totals = dict(cursor.fetchall())
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), totals


def run() -> dict:
    year = CompetitionYear.objects.filter(year=2019).first() or CompetitionYear.objects.first()
    if year is None:
        return {"status": "no competition year in the bench database"}
    samples, queries, rows = [], [], {}
    for _ in range(REPEAT):
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
        EvaluationRun.objects.filter(pk=evaluation.pk).delete()
    build = statistics.median(samples)
    aggregate, totals = _time_aggregate(year)
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
        "ratio_over_sql": round(build / aggregate, 2) if aggregate else None,
        "target_ratio": TARGET_RATIO,
        "queries": max(queries),
        "totals_differing_from_sql": mismatches,
    }
