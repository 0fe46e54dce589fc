"""An evaluation run through the broker, built by a real Celery worker process."""

import time

import pytest

from awards import services
from awards.enums import RunStatus
from awards.models import EvaluationRun
from tests.awards import factories as af
from tests.competition import factories as scoring
from tests.factories import UnitFactory, competition_year, user_with_role

pytestmark = [
    pytest.mark.real_broker,
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
]


def test_run_started_from_the_page_is_built_by_the_worker(reference_data, celery_worker):
    year = competition_year(2019)
    admin = user_with_role("admin", username="worker_admin")
    judge = scoring.reviewer("worker_judge")
    for number, points in ((1, 24), (2, 18)):
        unit = UnitFactory(name=f"集成测试单位{number}")
        nomination = af.nomination(unit, year, entry=scoring.entry(unit, year, number=number))
        scoring.sheet(nomination.entry, judge, points, points, points, points)

    # Autocommit: the task is published as the service's transaction commits.
    run = services.evaluation_run_start(actor=admin, year=year)
    deadline = time.monotonic() + 60
    while EvaluationRun.objects.get(pk=run.pk).status in (RunStatus.QUEUED, RunStatus.RUNNING):
        assert time.monotonic() < deadline, celery_worker.log()
        time.sleep(0.2)

    run.refresh_from_db()
    assert (run.status, run.progress, run.error) == (RunStatus.DONE, 100, "")
    assert list(run.entry_rankings.values_list("rank", "total")) == [(1, 96.0), (2, 72.0)]
    assert [r.recipient for r in run.nomination_rankings.order_by("rank")] == [
        "集成测试单位1",
        "集成测试单位2",
    ]
    assert "awards.build_evaluation_run" in celery_worker.log()
