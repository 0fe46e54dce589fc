"""(c) The rankings .xlsx export: time for 100,000 rows as a ratio over plain openpyxl
write-only mode writing the same rows (read with the same query), and the export's peak
Python memory (tracemalloc) at 10,000 and 100,000 rows.

The rows are a temporary run's entry rankings (copies of the bench entries' rows), deleted
afterwards.
"""

import statistics
import tempfile
import time
import tracemalloc

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from awards import export
from awards.models import EntryRanking, EvaluationRun
from competition.models import NineProject
from competition.selectors import current_year

REPEAT = 3
TARGET_RATIO = 2
SMALL, LARGE = 10_000, 100_000  # rows: memory at both, time at LARGE


def _make_run(year, rows: int) -> EvaluationRun:
    criteria = [{"code": c.code, "name": c.name} for c in year.criteria.all()]
    run = EvaluationRun.objects.create(
        year=year, status="done", progress=100, settings={"criteria": criteria}
    )
    projects = list(NineProject.objects.filter(year=year))
    now = timezone.now()
    EntryRanking.objects.bulk_create(
        (
            EntryRanking(
                run=run,
                nine_project=projects[i % len(projects)],
                title=f"参赛项目{i}" if i % 97 else f"=项目{i}",
                unit_name=f"单位{i % 500}",
                submitted_at=now,
                means={
                    "work": 20 + i % 5,
                    "effect": 19 + i % 6,
                    "income": 18 + i % 7,
                    "satisfaction": 21 + i % 4,
                },
                total=78 + (i % 22) * 0.5,
                sheet_count=5,
                rank=i + 1,
                project_rank=i // len(projects) + 1,
                tie_note="并列，按比项目成效区分" if i % 10 == 0 else "",
            )
            for i in range(rows)
        ),
        batch_size=5000,
    )
    return run


def year_criteria(run) -> list[dict]:
    return [{"code": c.code, "name": c.name} for c in run.year.criteria.all()]


def _plain(run) -> None:
    """The baseline: the same rows, same query, written by bare write-only openpyxl."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("参赛项目")
    criteria = list(year_criteria(run))
    sheet.append(export.headers(criteria))
    fields = (
        "rank",
        "title",
        "unit_name",
        "nine_project__name",
        "means",
        "total",
        "tie_note",
    )
    codes = [c["code"] for c in criteria]
    for row in run.entry_rankings.order_by("rank").values_list(*fields).iterator(chunk_size=2000):
        sheet.append([*row[:4], *(row[4].get(code) for code in codes), *row[5:]])
    with tempfile.TemporaryFile() as target:
        workbook.save(target)


def _ours(run) -> None:
    with tempfile.TemporaryFile() as target:
        export.export_run(run, target)


def _median(function, run) -> float:
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        function(run)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _peak_memory(run) -> int:
    tracemalloc.start()
    try:
        _ours(run)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def run() -> dict:
    # The open year: the scaled city's entries are there (seed_demo --scale N), 2019 is sealed.
    year = current_year()
    if year is None:
        return {"status": "no competition year in the bench database"}
    result = {}
    for rows in (SMALL, LARGE):
        with transaction.atomic():
            evaluation = _make_run(year, rows)
        try:
            if rows == LARGE:
                ours, plain = _median(_ours, evaluation), _median(_plain, evaluation)
                result.update(
                    {
                        "rows": rows,
                        "export_median_ms": round(ours * 1000, 1),
                        "openpyxl_write_only_median_ms": round(plain * 1000, 1),
                        "ratio_over_openpyxl": round(ours / plain, 2),
                        "target_ratio": TARGET_RATIO,
                    }
                )
            result[f"peak_memory_mib_{rows}"] = round(_peak_memory(evaluation) / 2**20, 2)
        finally:
            EvaluationRun.objects.filter(pk=evaluation.pk).delete()
    small, large = result[f"peak_memory_mib_{SMALL}"], result[f"peak_memory_mib_{LARGE}"]
    result["memory_growth_10k_to_100k"] = round(large / small, 2) if small else None
    result["target_memory"] = "does not grow with rows (growth ≈ 1)"
    return result
