"""Factories for the awards tests."""

import datetime

from awards.models import Nomination
from tests.competition import factories as scoring

COLLECTIVE_EVIDENCE = {
    "evidence_participation": "全员参与结对帮扶。",
    "evidence_promotion": "筹集资金 50 万元。",
    "evidence_practice": "帮扶户人均增收 3000 元。",
}
INDIVIDUAL_EVIDENCE = {
    "evidence_integrity": "政治坚定。",
    "evidence_results": "带动 30 户脱贫。",
    "evidence_style": "扎根一线。",
    "evidence_innovation": "首创“合作社+农户”模式。",
    "evidence_discipline": "无违纪记录。",
}


def nomination(unit, year, *, entry=None, category="collective", **kwargs) -> Nomination:
    """A complete nomination written straight to the database (no rule checks)."""
    entry = entry or scoring.entry(unit, year)
    fields = dict(COLLECTIVE_EVIDENCE if category == "collective" else INDIVIDUAL_EVIDENCE)
    if category == "collective":
        fields["collective_kind"] = "unit"
    else:
        fields.update(
            person_name="张先锋",
            gender="m",
            position="村第一书记",
            work_started_on=datetime.date(2016, 3, 1),
        )
    fields.update(kwargs)
    return Nomination.objects.create(
        unit=unit, year=year, entry=entry, category=category, statement="主要事迹。", **fields
    )


def accepted_application(unit, year):
    """An application for the 奖状 the office accepted, straight to the database."""
    from django.utils import timezone

    from awards.enums import ApplicationStatus
    from awards.models import UnitApplication

    return UnitApplication.objects.get_or_create(
        year=year,
        unit=unit,
        defaults={
            "statement": "组织工作情况。",
            "evidence": "事实材料。",
            "status": ApplicationStatus.ACCEPTED,
            "submitted_at": timezone.now(),
        },
    )[0]


def leading_group_member(username="leader"):
    """The leading group is the admin role (awards/permissions.py)."""
    from django.contrib.auth import get_user_model

    from tests import factories

    existing = get_user_model().objects.filter(username=username).first()
    return existing or factories.user_with_role("admin", username=username)


def office_member(username="proposer"):
    from django.contrib.auth import get_user_model

    from tests import factories

    existing = get_user_model().objects.filter(username=username).first()
    return existing or factories.user_with_role("office", username=username)


STAGES = ("submitted", "approved", "publicity", "final", "published")


def staged(run, until="published", *, admin=None, office=None, objection=None, **publish):
    """Walk the run's decisions through the procedure with the services up to the stage
    `until`: the office submits, the leading group approves, the 公示 (running from today
    when `until` is "publicity", else one that began three weeks ago, by `today=`, with the
    year's working days), `objection` (a text) lodged and answered in it, the 公示 closed
    and the 表彰决定 published today. Returns the decision."""
    import datetime

    from django.utils import timezone

    from awards import approval

    admin = admin or leading_group_member()
    office = office or office_member()
    today = timezone.localdate()
    began = today if until == "publicity" else today - datetime.timedelta(days=21)
    steps = {
        "submitted": lambda: approval.decision_submit(actor=office, run=run),
        "approved": lambda: approval.decision_approve(actor=admin, run=run),
        "publicity": lambda: approval.publicity_start(
            actor=office, run=run, start=began, today=began
        ),
        "final": lambda: approval.publicity_close(actor=office, run=run, today=today),
        "published": lambda: approval.decision_publish(
            actor=admin,
            run=run,
            number=publish.get("number", "淮工字〔2020〕1号"),
            text=publish.get("text", "表彰决定正文。"),
        ),
    }
    decision = None
    for stage in STAGES[: STAGES.index(until) + 1]:
        decision = steps[stage]()
        if stage == "publicity" and objection:
            lodged = approval.objection_lodge(
                actor=office, decision=decision, text=objection, today=began
            )
            approval.objection_answer(actor=office, objection=lodged, answer="经核实，情况属实。")
    return decision


def published(run, **kwargs):
    """The run's decisions published (see `staged`)."""
    return staged(run, "published", **kwargs)
