import pytest
from django.core.management import call_command
from django.utils import timezone

from awards import eligibility
from awards.models import (
    AwardDecision,
    Certificate,
    EvaluationRun,
    Nomination,
    Objection,
    ShortlistItem,
    UnitApplication,
)
from competition.models import CompetitionYear
from tests.competition import factories as scoring

pytestmark = pytest.mark.django_db


def test_demo_nominations_run_and_awards():
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
    assert (run.year.year, run.year.status) == (2019, "closed")
    awarded = ShortlistItem.objects.exclude(award="").order_by("award", "recipient")
    assert [(item.award, item.recipient) for item in awarded] == [
        ("certificate", "大企业工会"),
        ("certificate", "杜集区总工会"),
        ("medal", "刘建国"),
    ]
    # The past year's whole procedure: the accepted application, the decision approved,
    # publicly shown with an objection answered, published, and its certificates.
    assert list(UnitApplication.objects.values_list("unit__name", "status")) == [
        ("杜集区总工会", "accepted")
    ]
    decision = AwardDecision.objects.get()
    assert (decision.run, decision.stage, decision.number) == (run, "published", "淮工〔2020〕15号")
    assert list(decision.steps.values_list("action", flat=True)) == [
        "submit",
        "approve",
        "publicity_start",
        "publicity_close",
        "publish",
    ]
    [objection] = decision.objections.all()
    assert objection.is_answered and objection.item.recipient == "杜集区总工会"
    assert sorted(Certificate.objects.values_list("number", flat=True)) == [1, 2, 3]
    assert "杨医生" not in set(ShortlistItem.objects.values_list("recipient", flat=True))
    call_command("seed_demo")
    assert EvaluationRun.objects.count() == 1 and Nomination.objects.count() == 6
    assert (AwardDecision.objects.count(), Objection.objects.count()) == (1, 1)
    assert Certificate.objects.count() == 3 and UnitApplication.objects.count() == 1


def test_scale_adds_nominations_over_existing_entries_idempotently():
    from awards import demo

    # The live year: 2019 is sealed; its 6 nominations stay as they are.
    year = CompetitionYear.objects.get(year=timezone.localdate().year)
    unit = Nomination.objects.first().unit
    for _ in range(3):
        scoring.entry(unit, year)
    demo._seed_scale(year, 1)
    # The three new entries and the live year's three demo entries.
    assert Nomination.objects.filter(year=year, statement=demo.SCALE_MARK).count() == 6
    demo._seed_scale(year, 1)
    assert Nomination.objects.count() == 12
    assert Nomination.objects.filter(year__year=2019).count() == 6
