"""The unit's self-assessment (自查): filled before the deadline, shown beside the reviewers'
scores to the office, to the unit once results are published, never to other units."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from competition import reminders, services
from competition.models import SelfAssessment
from tests.competition import factories as scoring

FULL = {
    code: {"points": Decimal(20), "justification": "落实到户", "evidence": "/reports/1/"}
    for code in ("work", "effect", "income", "satisfaction")
}


@pytest.fixture
def open_year(year):
    year.self_assessment_deadline = datetime.date.today() + datetime.timedelta(days=5)
    year.save()
    return year


def _url(unit, year):
    return reverse("competition:self_assessment", args=[unit.pk]) + f"?year={year.year}"


def test_new_year_has_a_deadline_before_its_evaluation(year):
    assert year.self_assessment_deadline == year.evaluation_date - datetime.timedelta(days=15)


def test_staff_submits_a_full_self_assessment(open_year, unit_a, staff_a):
    assessment = services.self_assessment_save(
        actor=staff_a, year=open_year, unit=unit_a, scores=FULL, submit=True
    )
    assert assessment.submitted_at is not None
    assert sorted(assessment.scores.values_list("criterion__code", "points")) == sorted(
        (code, Decimal(20)) for code in FULL
    )


def test_submit_needs_every_criterion_justified_and_points_within_the_maximum(
    open_year, unit_a, staff_a
):
    with pytest.raises(ValidationError) as exc:
        services.self_assessment_save(
            actor=staff_a, year=open_year, unit=unit_a,
            scores={**FULL, "work": {"points": Decimal(30), "justification": "x"},
                    "income": {"points": Decimal(5), "justification": ""}},
            submit=True,
        )  # fmt: skip
    assert set(exc.value.error_dict) == {"work", "income"}
    assert not SelfAssessment.objects.filter(submitted_at__isnull=False).exists()


def test_after_the_deadline_it_is_refused(year, unit_a, staff_a):
    year.self_assessment_deadline = datetime.date.today() - datetime.timedelta(days=1)
    year.save()
    with pytest.raises(ValidationError):
        services.self_assessment_save(actor=staff_a, year=year, unit=unit_a, scores=FULL)


def test_other_units_staff_and_the_office_cannot_write_it(open_year, unit_a, staff_b, office_user):
    for actor in (staff_b, office_user):
        with pytest.raises(Exception):  # noqa: B017 - PermissionDenied
            services.self_assessment_save(actor=actor, year=open_year, unit=unit_a, scores=FULL)


def test_form_saves_then_submits_and_shows_the_office_means_once_published(
    client_for, open_year, unit_a, staff_a, admin_user
):
    client = client_for(staff_a)
    entry = scoring.entry(unit_a, open_year)
    scoring.sheet(entry, scoring.reviewer("judge"), 10, 11, 12, 13)
    data = {}
    for code in FULL:
        data |= {f"points_{code}": "20", f"justification_{code}": "落实", f"evidence_{code}": ""}
    data["evidence_work"] = "/reports/1/\nhttp://evil.example/x"
    response = client.post(_url(unit_a, open_year), {**data, "submit": "1"})
    assert "evidence_work" in response.context["form"].errors
    data["evidence_work"] = "/reports/1/"
    assert client.post(_url(unit_a, open_year), {**data, "submit": "1"}).status_code == 302
    page = client.get(_url(unit_a, open_year))
    assert page.context["show_office"] is False
    assert "office-mean" not in page.content.decode()
    services.results_publish(actor=admin_user, year=open_year)
    page = client.get(_url(unit_a, open_year))
    rows = {row["criterion"].code: row for row in page.context["rows"]}
    assert rows["work"]["office"] == 10 and rows["work"]["score"].points == 20
    assert 'href="/reports/1/"' in page.content.decode()


def test_submitting_an_unfinished_form_names_each_criterion_missing(
    client_for, open_year, unit_a, staff_a
):
    """The service's errors by criterion go to their fields (once a 500: the view read the
    dict of errors as a list)."""
    data = {"points_work": "22", "justification_work": "走访全覆盖", "points_effect": "20"}
    response = client_for(staff_a).post(_url(unit_a, open_year), {**data, "submit": "1"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["points_effect"] == ["请填写“比项目成效”的自评理由。"]
    assert errors["points_income"] == ["请为“比经济收入”自评打分。"]
    assert "points_work" not in errors
    assert not SelfAssessment.objects.filter(submitted_at__isnull=False).exists()


def test_office_sees_it_beside_the_reviewers_scores_and_the_gap_in_standings(
    client_for, open_year, unit_a, unit_b, staff_a, office_user
):
    entry = scoring.entry(unit_a, open_year, title="甲项目")
    scoring.sheet(entry, scoring.reviewer("judge"), 10, 10, 10, 10)  # 40 of 100
    services.self_assessment_save(
        actor=staff_a, year=open_year, unit=unit_a, scores=FULL, submit=True
    )
    client = client_for(office_user)
    detail = client.get(reverse("competition:entry_detail", args=[entry.pk]))
    assert detail.context["self_points"] == {c: Decimal(20) for c in FULL}
    assert 'id="self-points"' in detail.content.decode()
    standings = client.get(reverse("competition:standings"), {"year": open_year.year})
    row = next(r for r in standings.context["page"] if r["pk"] == entry.pk)
    assert row["self_total"] == pytest.approx(80) and row["self_gap"] is True  # 80 vs 40
    assert "差距大" in standings.content.decode()


def test_reminders_before_the_deadline_go_once_to_units_not_submitted(
    open_year, unit_a, unit_b, staff_a, staff_b
):
    services.self_assessment_save(
        actor=staff_b, year=open_year, unit=unit_b, scores=FULL, submit=True
    )
    today = open_year.self_assessment_deadline - datetime.timedelta(days=6)  # the d-7 window
    sent = reminders.self_assessment_reminders_send(today=today)
    assert [d.key for d in sent] == [f"self:unit={unit_a.pk}:year={open_year.year}:d-7"]
    assert [m.to for m in mail.outbox] == [[staff_a.email]] if staff_a.email else True
    assert reminders.self_assessment_reminders_send(today=today) == []
    last_day = open_year.self_assessment_deadline - datetime.timedelta(days=1)
    assert [
        d.key.rsplit(":", 1)[1] for d in reminders.self_assessment_reminders_send(today=last_day)
    ] == ["d-1"]
    after = open_year.self_assessment_deadline + datetime.timedelta(days=1)
    assert reminders.self_assessment_reminders_send(today=after) == []
