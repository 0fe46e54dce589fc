import pytest
from django.core.management import call_command

from awards import eligibility
from awards.models import EvaluationRun, Nomination, ShortlistItem
from tests.competition import factories as scoring

pytestmark = pytest.mark.django_db


def test_demo_nominations_run_and_awards():
    call_command("seed_demo")
    verdicts = {
        n.recipient: eligibility.assess_nomination(n, service_years=2)
        for n in Nomination.objects.select_related("year", "unit")
    }
    assert len(verdicts) == 6
    assert not verdicts["杨医生"].eligible
    assert not verdicts["市教育系统劳模送教团队"].complete
    assert sum(v.shortlistable for v in verdicts.values()) == 4
    run = EvaluationRun.objects.get()
    assert run.status == "done" and run.entry_rankings.count() == 6
    awarded = ShortlistItem.objects.exclude(award="").order_by("award")
    assert [(item.award, item.recipient) for item in awarded] == [
        ("certificate", "大企业工会"),
        ("medal", "刘建国"),
    ]
    assert "杨医生" not in set(ShortlistItem.objects.values_list("recipient", flat=True))
    call_command("seed_demo")
    assert EvaluationRun.objects.count() == 1 and Nomination.objects.count() == 6


def test_scale_adds_nominations_over_existing_entries_idempotently():
    from awards import demo

    call_command("seed_demo")
    year = EvaluationRun.objects.get().year
    unit = Nomination.objects.first().unit
    for _ in range(3):
        scoring.entry(unit, year)
    demo._seed_scale(year, 1)
    assert Nomination.objects.filter(statement=demo.SCALE_MARK).count() == 3
    demo._seed_scale(year, 1)
    assert Nomination.objects.count() == 9
