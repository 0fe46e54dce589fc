"""Celery tasks of the awards app: ids in, re-fetch, one service call."""

import logging

from celery import shared_task
from django.core.exceptions import ValidationError

from . import services
from .models import CertificateBatch, EvaluationRun

logger = logging.getLogger(__name__)


@shared_task(name="awards.build_evaluation_run", acks_late=True, soft_time_limit=20 * 60)
def build_evaluation_run(*, run_id: int) -> str:
    """Build a queued run; a run that is gone or already finished is left alone."""
    run = EvaluationRun.objects.filter(pk=run_id).first()
    if run is None:
        return "missing"
    try:
        run = services.evaluation_run_build(run=run)
    except ValidationError:
        logger.info("Evaluation run %s already finished; nothing to do", run_id)
        return "finished"
    return run.status


@shared_task(name="awards.run_due_evaluations", acks_late=True, soft_time_limit=20 * 60)
def run_due_evaluations() -> list[int]:
    """The beat's daily job: a run for each year whose evaluation date is today."""
    return [run.pk for run in services.evaluation_runs_due()]


@shared_task(name="awards.build_certificate_batch", acks_late=True, soft_time_limit=10 * 60)
def build_certificate_batch(*, batch_id: int) -> str:
    """Build a queued batch of certificates; a batch that is gone or already built is left
    alone (the service claims it)."""
    batch = CertificateBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return "missing"
    return services.certificate_batch_build(batch=batch).status
