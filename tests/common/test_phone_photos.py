"""Photos from a phone (issue 16.4): HEIC/HEIF taken and stored as JPEG, the GPS position
dropped, several photos at once, a thumbnail made on upload and shown on the activity, spot
check and report pages, linking to the full image."""

import io
import re

import pillow_heif
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from common.uploads import THUMBNAIL_SIZE, validate_upload
from competition.models import SpotCheck
from reports import services as report_services
from tests.reports.factories import make_report, period
from tests.volunteers.factories import ActivityFactory
from volunteers.models import ActivityPhoto

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


def gps_jpeg(size=(1200, 900)) -> bytes:
    """A phone photo: a JPEG whose EXIF carries where it was taken (淮北, 33°57′N 116°47′E)."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (33.0, 57.0, 0.0), 3: "E", 4: (116.0, 47.0, 0.0)})
    out = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(out, "JPEG", exif=exif.tobytes())
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)[2] == (33.0, 57.0, 0.0)
    return data


def heic(size=(640, 480)) -> bytes:
    out = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", size, (200, 60, 20))).save(out, quality=80)
    data = out.getvalue()
    assert data[4:12] == b"ftypheic"
    return data


def read(field_file) -> bytes:
    with field_file.open("rb") as handle:
        return handle.read()


def test_the_gps_position_of_a_jpeg_is_not_stored():
    stored = validate_upload(SimpleUploadedFile("村口.jpg", gps_jpeg()))
    content = stored.read()
    image = Image.open(io.BytesIO(content))
    assert image.size == (1200, 900)
    assert not image.getexif().get_ifd(GPS_IFD)
    assert not image.getexif()
    assert b"PhoneMaker" not in content


@pytest.mark.parametrize("name", ["IMG_0001.HEIC", "IMG_0002.heif"])
def test_a_heic_photo_is_stored_as_a_jpeg(name):
    stored = validate_upload(SimpleUploadedFile(name, heic()))
    assert stored.name == name.rsplit(".", 1)[0] + ".jpg"
    image = Image.open(io.BytesIO(stored.read()))
    assert (image.format, image.size) == ("JPEG", (640, 480))


def test_a_file_named_heic_that_is_not_one_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate_upload(SimpleUploadedFile("IMG.heic", gps_jpeg()))
    assert exc.value.code == "bad_content"


def test_several_photos_at_once_each_with_its_thumbnail(client_for, staff_a, unit_a):
    activity = ActivityFactory(unit=unit_a)
    files = [
        SimpleUploadedFile("一.jpg", gps_jpeg()),
        SimpleUploadedFile("二.HEIC", heic()),
    ]
    url = reverse("volunteers:photo_upload", args=[activity.pk])
    response = client_for(staff_a).post(url, {"file": files, "caption": "入户"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["已上传 2 张照片。"]
    photos = list(ActivityPhoto.objects.filter(activity=activity).order_by("pk"))
    assert [p.original_name for p in photos] == ["一.jpg", "二.jpg"]
    for photo in photos:
        assert photo.file.name.endswith(".jpg") and photo.thumbnail.name.endswith(".jpg")
        thumb = Image.open(io.BytesIO(read(photo.thumbnail)))
        assert thumb.format == "JPEG" and max(thumb.size) == max(THUMBNAIL_SIZE)
        assert not Image.open(io.BytesIO(read(photo.file))).getexif()
    body = response.content.decode()
    for photo in photos:
        thumb_url = reverse("volunteers:photo_thumbnail", args=[photo.pk])
        full_url = reverse("volunteers:photo_download", args=[photo.pk])
        assert f'<a href="{full_url}"' in body and f'src="{thumb_url}"' in body


def test_the_upload_form_takes_several_images_and_offers_the_camera(client_for, staff_a, unit_a):
    activity = ActivityFactory(unit=unit_a)
    body = client_for(staff_a).get(reverse("volunteers:activity_detail", args=[activity.pk]))
    body = body.content.decode()
    inputs = re.findall(r'<input[^>]*type="file"[^>]*>', body)
    gallery, camera = (next(i for i in inputs if f'name="{n}"' in i) for n in ("file", "camera"))
    assert 'accept="image/*"' in gallery and " multiple" in gallery and "capture" not in gallery
    assert 'accept="image/*"' in camera and 'capture="environment"' in camera


def test_a_refused_photo_among_several_stores_none(client_for, staff_a, unit_a):
    activity = ActivityFactory(unit=unit_a)
    files = [SimpleUploadedFile("好.jpg", gps_jpeg()), SimpleUploadedFile("坏.jpg", b"<html>")]
    url = reverse("volunteers:photo_upload", args=[activity.pk])
    client_for(staff_a).post(url, {"file": files})
    assert not ActivityPhoto.objects.exists()


def test_photos_over_the_cap_together_are_refused_whole(settings, client_for, staff_a, unit_a):
    settings.UPLOAD_MAX_FILES_PER_RECORD = 2
    activity = ActivityFactory(unit=unit_a)
    files = [SimpleUploadedFile(f"{n}.jpg", gps_jpeg((40, 30))) for n in range(3)]
    url = reverse("volunteers:photo_upload", args=[activity.pk])
    response = client_for(staff_a).post(url, {"file": files}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "每条记录最多上传 2 个文件，已有 0 个；请先删除不需要的文件。"
    ]
    assert not ActivityPhoto.objects.exists()


def test_the_thumbnail_is_shown_inline_only_to_those_who_see_the_photo(
    client_for, staff_a, staff_b, office_user, unit_a
):
    activity = ActivityFactory(unit=unit_a)
    url = reverse("volunteers:photo_upload", args=[activity.pk])
    client_for(staff_a).post(url, {"file": SimpleUploadedFile("一.jpg", gps_jpeg())})
    photo = ActivityPhoto.objects.get()
    thumb_url = reverse("volunteers:photo_thumbnail", args=[photo.pk])
    response = client_for(office_user).get(thumb_url)
    assert response["Content-Type"] == "image/jpeg"
    # An attachment like every download: an <img> shows it all the same.
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert image.size == (320, 240)
    assert client_for(staff_b).get(thumb_url).status_code == 404


def test_a_photo_without_thumbnail_is_a_link_and_its_thumbnail_404(client_for, staff_a, unit_a):
    from django.core.files.base import ContentFile

    activity = ActivityFactory(unit=unit_a)
    photo = ActivityPhoto(activity=activity, original_name="旧.jpg")
    photo.file.save("旧.jpg", ContentFile(gps_jpeg((8, 6))), save=True)  # before thumbnails
    client = client_for(staff_a)
    body = client.get(reverse("volunteers:activity_detail", args=[activity.pk])).content.decode()
    assert "旧.jpg</a>" in body and "photo_thumbnail" not in body
    assert client.get(reverse("volunteers:photo_thumbnail", args=[photo.pk])).status_code == 404


def test_a_spot_check_takes_gallery_photos_and_a_camera_shot(client_for, office_user, unit_a, year):
    data = {
        "unit": unit_a.pk,
        "date": "2019-06-01",
        "inspectors": "许文华",
        "findings": "台账齐全",
        "rating": "good",
        "photos": [SimpleUploadedFile("a.jpg", gps_jpeg()), SimpleUploadedFile("b.heic", heic())],
        "camera": SimpleUploadedFile("c.jpg", gps_jpeg((300, 400))),
    }
    client = client_for(office_user)
    response = client.post(reverse("competition:spot_check_create"), data, follow=True)
    check = SpotCheck.objects.get()
    photos = list(check.photos.order_by("pk"))
    assert [p.original_name for p in photos] == ["a.jpg", "b.jpg", "c.jpg"]
    assert all(p.thumbnail for p in photos)
    body = response.content.decode()
    for photo in photos:
        assert f'src="{reverse("competition:spot_check_photo_thumbnail", args=[photo.pk])}"' in body
    thumb = client.get(reverse("competition:spot_check_photo_thumbnail", args=[photos[2].pk]))
    assert Image.open(io.BytesIO(b"".join(thumb.streaming_content))).size == (240, 320)


def test_a_report_shows_image_attachments_as_thumbnails_not_documents(
    client_for, staff_a, unit_a, year
):
    report = make_report(unit_a, period(year, 1), actor=staff_a)
    photo = report_services.attachment_add(
        actor=staff_a, report=report, upload=SimpleUploadedFile("现场.HEIC", heic())
    )
    pdf = report_services.attachment_add(
        actor=staff_a,
        report=report,
        upload=SimpleUploadedFile("总结.pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"),
    )
    assert photo.original_name == "现场.jpg" and photo.size == photo.file.size
    assert photo.thumbnail and not pdf.thumbnail
    body = client_for(staff_a).get(reverse("reports:report_detail", args=[report.pk]))
    body = body.content.decode()
    assert f'src="{reverse("reports:attachment_thumbnail", args=[photo.pk])}"' in body
    assert reverse("reports:attachment_thumbnail", args=[pdf.pk]) not in body


def test_deleting_an_image_attachment_removes_its_thumbnail(
    django_capture_on_commit_callbacks, staff_a, unit_a, year
):
    report = make_report(unit_a, period(year, 1), actor=staff_a)
    attachment = report_services.attachment_add(
        actor=staff_a, report=report, upload=SimpleUploadedFile("现场.jpg", gps_jpeg())
    )
    storage, thumb = attachment.thumbnail.storage, attachment.thumbnail.name
    assert storage.exists(thumb)
    with django_capture_on_commit_callbacks(execute=True):
        report_services.attachment_delete(actor=staff_a, attachment=attachment)
    assert not storage.exists(thumb)
