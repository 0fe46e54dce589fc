"""Deleting a nomination or one of its attachments (issue 16), and the override's
notification: asked first, recorded, refused once ranked, with a finding, or the year closed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards import services
from awards.models import Nomination, NominationAttachment
from common.models import DeletionRecord, Notification
from competition.enums import YearStatus
from competition.models import CompetitionYear
from tests.awards import factories as af

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\n%%EOF\n"


def _attach(nomination, actor):
    upload = SimpleUploadedFile("事迹.pdf", PDF, content_type="application/pdf")
    return services.nomination_attachment_add(actor=actor, nomination=nomination, upload=upload)


def test_nomination_delete_asks_then_deletes_with_attachments_recorded(
    client_for, staff_a, unit_a, year
):
    nomination = af.nomination(unit_a, year)
    _attach(nomination, staff_a)
    url = reverse("awards:nomination_delete", args=[nomination.pk])
    client = client_for(staff_a)
    assert f"确定删除对“{nomination.recipient}”的申报吗？" in client.get(url).content.decode()
    response = client.post(url, {"confirm": ""})
    assert response["Location"] == reverse("awards:nomination_list")
    assert not Nomination.objects.exists() and not NominationAttachment.objects.exists()
    models = sorted(DeletionRecord.objects.values_list("model", flat=True))
    assert models == ["awards.nomination", "awards.nominationattachment"]


def test_attachment_delete_keeps_the_nomination(client_for, staff_a, unit_a, year):
    nomination = af.nomination(unit_a, year)
    attachment = _attach(nomination, staff_a)
    url = reverse("awards:attachment_delete", args=[attachment.pk])
    response = client_for(staff_a).post(url, {"confirm": ""})
    assert response["Location"] == reverse("awards:nomination_detail", args=[nomination.pk])
    assert not NominationAttachment.objects.exists()
    assert DeletionRecord.objects.get().label == "事迹.pdf"


def test_nomination_with_a_finding_or_a_closed_year_is_not_deleted(
    staff_a, office_user, unit_a, year
):
    nomination = af.nomination(unit_a, year)
    services.finding_record(
        actor=office_user,
        nomination=nomination,
        found_on=datetime.date(2020, 3, 1),
        description="违纪",
        evidence="文号",
    )
    with pytest.raises(ValidationError) as caught:
        services.nomination_delete(actor=staff_a, nomination=nomination)
    assert caught.value.messages == ["该申报有违纪违法记录，不能删除。"]
    other = af.nomination(unit_a, year)
    CompetitionYear.objects.filter(pk=year.pk).update(status=YearStatus.CLOSED)
    other.year.refresh_from_db()
    with pytest.raises(ValidationError):
        services.nomination_delete(actor=staff_a, nomination=other)
    assert Nomination.objects.count() == 2
    assert not DeletionRecord.objects.exists()


def test_ranked_nomination_is_not_deleted(staff_a, admin_user, unit_a, year):
    from tests.competition import factories as scoring

    nomination = af.nomination(unit_a, year)
    scoring.sheet(nomination.entry, scoring.reviewer("judge"), 20, 20, 20, 20)
    run = services.evaluation_run_create(actor=admin_user, year=year)
    services.evaluation_run_build(run=run)
    with pytest.raises(ValidationError) as caught:
        services.nomination_delete(actor=staff_a, nomination=nomination)
    assert caught.value.messages == ["该申报已进入评选排名，不能删除。"]


def test_override_notifies_the_unit_staff(staff_a, office_user, unit_b, year):
    nomination = af.nomination(staff_a.membership.unit, year)
    services.nomination_override(
        actor=office_user, nomination=nomination, override=True, reason="材料齐全"
    )
    notification = Notification.objects.get()
    assert notification.recipient == staff_a
    assert "特批" in notification.title and notification.body == "材料齐全"
    assert notification.link == reverse("awards:nomination_detail", args=[nomination.pk])
