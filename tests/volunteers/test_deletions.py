"""Deleting an activity or one of its photos (issue 16): asked first, recorded, refused once
the activity's year is closed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from common.models import DeletionRecord
from competition.enums import YearStatus
from competition.models import CompetitionYear
from tests.volunteers.factories import ActivityFactory
from tests.volunteers.matrix import png_bytes
from volunteers import services
from volunteers.models import Activity, ActivityPhoto

pytestmark = pytest.mark.django_db


def _photo(activity, actor):
    upload = SimpleUploadedFile("现场.png", png_bytes(), content_type="image/png")
    return services.activity_photo_add(actor=actor, activity=activity, upload=upload)


def test_activity_delete_asks_then_deletes_with_its_photos_recorded(
    client_for, staff_a, unit_a, django_capture_on_commit_callbacks
):
    activity = ActivityFactory(unit=unit_a, date=datetime.date(2019, 5, 1))
    photo = _photo(activity, staff_a)
    stored = photo.file.name
    url = reverse("volunteers:activity_delete", args=[activity.pk])
    client = client_for(staff_a)
    page = client.get(url).content.decode()
    assert f"确定删除活动“{activity.title}”吗？" in page
    assert Activity.objects.filter(pk=activity.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirm": ""})
    assert response["Location"] == reverse("volunteers:activity_list")
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert not ActivityPhoto.objects.exists()
    records = dict(DeletionRecord.objects.values_list("model", "label"))
    assert records == {
        "volunteers.activity": activity.title,
        "volunteers.activityphoto": "现场.png",
    }
    assert DeletionRecord.objects.filter(actor=staff_a).count() == 2
    assert not photo.file.storage.exists(stored)


def test_photo_delete_keeps_the_activity(client_for, staff_a, unit_a):
    activity = ActivityFactory(unit=unit_a)
    photo = _photo(activity, staff_a)
    url = reverse("volunteers:photo_delete", args=[photo.pk])
    response = client_for(staff_a).post(url, {"confirm": ""})
    assert response["Location"] == reverse("volunteers:activity_detail", args=[activity.pk])
    assert not ActivityPhoto.objects.exists()
    assert Activity.objects.filter(pk=activity.pk).exists()
    assert DeletionRecord.objects.get().model == "volunteers.activityphoto"


def test_delete_refused_once_the_year_is_closed(staff_a, unit_a):
    activity = ActivityFactory(unit=unit_a, date=datetime.date(2019, 5, 1))
    photo = _photo(activity, staff_a)
    CompetitionYear.objects.filter(year=2019).update(status=YearStatus.CLOSED)
    for call, kwargs in (
        (services.activity_photo_delete, {"photo": photo}),
        (services.activity_delete, {"activity": activity}),
    ):
        with pytest.raises(ValidationError) as caught:
            call(actor=staff_a, **kwargs)
        assert caught.value.messages == ["该竞赛年度已结束并封存，记录不能再修改。"]
    assert ActivityPhoto.objects.filter(pk=photo.pk).exists()
    assert not DeletionRecord.objects.exists()


def test_other_units_staff_cannot_delete(staff_b, unit_a):
    from django.core.exceptions import PermissionDenied

    activity = ActivityFactory(unit=unit_a)
    with pytest.raises(PermissionDenied):
        services.activity_delete(actor=staff_b, activity=activity)
