"""Uploads (issue 17, finding 9): images decoded in full and re-encoded, PDFs that end where
they say, a cap per record on files and bytes, names that keep their extension, and refusals
that say what to do."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from awards import services as award_services
from awards.models import NominationAttachment
from common.uploads import display_name, validate_upload
from competition import services as competition_services
from reports import services as report_services
from reports.models import ReportAttachment
from tests.awards import factories as af
from tests.reports.factories import make_report, period
from tests.volunteers.factories import ActivityFactory
from volunteers import services as volunteer_services
from volunteers.models import ActivityPhoto

pytestmark = pytest.mark.django_db

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def image_bytes(kind="PNG", size=(4, 3), **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, kind, **options)
    return out.getvalue()


def stored_bytes(field_file) -> bytes:
    with field_file.open("rb") as handle:
        return handle.read()


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


# Images: decoded in full, and what is stored is re-encoded -------------------------------


def test_html_appended_to_a_png_is_not_stored(staff_a, unit_a, year):
    report = make_report(unit_a, period(year, 1), actor=staff_a)
    upload = SimpleUploadedFile("现场.png", image_bytes() + HTML)
    attachment = report_services.attachment_add(actor=staff_a, report=report, upload=upload)
    content = stored_bytes(attachment.file)
    assert b"<script" not in content and b"<html" not in content
    assert Image.open(io.BytesIO(content)).size == (4, 3)
    assert attachment.size == len(content)


def test_a_photo_loses_its_metadata_and_is_turned_upright(staff_a, unit_a, year):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: the camera was turned; shown rotated by 90°
    exif[0x010F] = "GPS-Kamera"
    activity = ActivityFactory(unit=unit_a)
    content = image_bytes("JPEG", (4, 3), exif=exif.tobytes(), comment=b"GPS-Kommentar")
    upload = SimpleUploadedFile("现场.jpg", content)
    photo = volunteer_services.activity_photo_add(actor=staff_a, activity=activity, upload=upload)
    content = stored_bytes(photo.file)
    stored = Image.open(io.BytesIO(content))
    assert stored.size == (3, 4)
    assert not stored.getexif()
    assert b"GPS-K" not in content


def test_an_animated_gif_keeps_its_frames():
    frames = [Image.new("RGB", (2, 2), colour) for colour in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], comment=b"secret")
    stored = validate_upload(SimpleUploadedFile("动图.gif", out.getvalue()))
    image = Image.open(io.BytesIO(stored.read()))
    assert image.n_frames == 3
    assert "comment" not in image.info


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("截断.png", image_bytes(size=(64, 64))[:-40]),  # the header is right, the data is not
        ("截断.jpg", image_bytes("JPEG", (64, 64))[:200]),
        ("假的.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    ],
)
def test_an_image_that_does_not_decode_is_refused(name, content):
    with pytest.raises(ValidationError, match="已损坏或不是完整的图片"):
        validate_upload(SimpleUploadedFile(name, content), allowed={"png", "jpg"})


def test_an_image_over_the_pixel_cap_is_refused(settings):
    settings.UPLOAD_IMAGE_MAX_PIXELS = 100
    with pytest.raises(ValidationError, match=r"像素过多（20×10）"):
        validate_upload(SimpleUploadedFile("大图.png", image_bytes(size=(20, 10))))


# PDFs: nothing after the end-of-file marker ------------------------------------------------


def test_a_pdf_with_html_after_its_end_is_refused():
    with pytest.raises(ValidationError, match="文件结尾之后还附带了其他内容"):
        validate_upload(SimpleUploadedFile("台账.pdf", PDF + HTML))
    assert validate_upload(SimpleUploadedFile("台账.pdf", PDF + b"\r\n\x00")).read() == (
        PDF + b"\r\n\x00"
    )


# Caps per record ---------------------------------------------------------------------------


def test_a_report_holds_at_most_the_capped_number_of_files(settings, staff_a, unit_a, year):
    settings.UPLOAD_MAX_FILES_PER_RECORD = 3
    report = make_report(unit_a, period(year, 1), actor=staff_a)
    for n in range(3):
        upload = SimpleUploadedFile(f"台账{n}.pdf", PDF)
        report_services.attachment_add(actor=staff_a, report=report, upload=upload)
    with pytest.raises(ValidationError, match="最多上传 3 个文件，已有 3 个"):
        report_services.attachment_add(
            actor=staff_a, report=report, upload=SimpleUploadedFile("台账.pdf", PDF)
        )
    assert report.attachments.count() == 3


def test_a_report_holds_at_most_the_capped_total_size(settings, staff_a, unit_a, year):
    settings.UPLOAD_MAX_BYTES_PER_RECORD = 2 * len(PDF) + 10
    report = make_report(unit_a, period(year, 1), actor=staff_a)
    for n in range(2):
        upload = SimpleUploadedFile(f"台账{n}.pdf", PDF)
        report_services.attachment_add(actor=staff_a, report=report, upload=upload)
    with pytest.raises(ValidationError, match="文件合计不能超过"):
        report_services.attachment_add(
            actor=staff_a, report=report, upload=SimpleUploadedFile("台账.pdf", PDF)
        )
    assert report.attachments.count() == 2


def test_the_defaults_are_ten_files_and_30_mb(settings):
    assert settings.UPLOAD_MAX_FILES_PER_RECORD == 10
    assert settings.UPLOAD_MAX_BYTES_PER_RECORD == 30 * 1024 * 1024


def test_an_activity_and_a_nomination_are_capped_too(settings, staff_a, unit_a, year):
    settings.UPLOAD_MAX_FILES_PER_RECORD = 2
    activity = ActivityFactory(unit=unit_a)
    nomination = af.nomination(unit_a, year)
    for n in range(2):
        volunteer_services.activity_photo_add(
            actor=staff_a, activity=activity, upload=SimpleUploadedFile(f"{n}.png", image_bytes())
        )
        award_services.nomination_attachment_add(
            actor=staff_a, nomination=nomination, upload=SimpleUploadedFile(f"{n}.pdf", PDF)
        )
    with pytest.raises(ValidationError, match="最多上传 2 个文件"):
        volunteer_services.activity_photo_add(
            actor=staff_a, activity=activity, upload=SimpleUploadedFile("3.png", image_bytes())
        )
    with pytest.raises(ValidationError, match="最多上传 2 个文件"):
        award_services.nomination_attachment_add(
            actor=staff_a, nomination=nomination, upload=SimpleUploadedFile("3.pdf", PDF)
        )
    assert (activity.photos.count(), nomination.attachments.count()) == (2, 2)


def test_a_spot_check_with_too_many_photos_is_refused_whole(settings, office_user, unit_a, year):
    settings.UPLOAD_MAX_FILES_PER_RECORD = 2
    photos = [SimpleUploadedFile(f"{n}.png", image_bytes()) for n in range(3)]
    with pytest.raises(ValidationError, match="最多上传 2 个文件"):
        competition_services.spot_check_record(
            actor=office_user, year=year, unit=unit_a, date=datetime.date(2019, 9, 1),
            inspectors="张三", findings="台账完整。", rating="good", photos=photos,
        )  # fmt: skip
    assert not unit_a.spot_checks.exists()


# Names: shortened before the extension -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "length", "expected"),
    [
        ("长" * 300 + ".pdf", 255, "长" * 251 + ".pdf"),
        ("a" * 250 + ".jpeg", 200, "a" * 195 + ".jpeg"),
        ("C:\\Users\\王\\台账.docx", 255, "台账.docx"),
        ("台\x01账.pdf", 255, "台账.pdf"),
    ],
)
def test_display_name_keeps_the_extension(name, length, expected):
    assert display_name(name, length) == expected


def test_long_names_keep_their_extension_on_every_record(staff_a, unit_a, year):
    stem = "很长的文件名" * 50
    activity = ActivityFactory(unit=unit_a)
    photo = volunteer_services.activity_photo_add(
        actor=staff_a, activity=activity, upload=SimpleUploadedFile(stem + ".png", image_bytes())
    )
    report = make_report(unit_a, period(year, 1), actor=staff_a)
    attachment = report_services.attachment_add(
        actor=staff_a, report=report, upload=SimpleUploadedFile(stem + ".pdf", PDF)
    )
    assert photo.original_name.endswith(".png") and len(photo.original_name) == 200
    assert attachment.original_name.endswith(".pdf") and len(attachment.original_name) <= 255
    assert ActivityPhoto.objects.get().original_name == photo.original_name
    assert ReportAttachment.objects.get().original_name == attachment.original_name


# Messages a user can act on ----------------------------------------------------------------


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_an_empty_nomination_attachment_is_named_as_empty(client_for, staff_a, unit_a, year):
    nomination = af.nomination(unit_a, year)
    url = reverse("awards:attachment_upload", kwargs={"pk": nomination.pk})
    response = client_for(staff_a).post(
        url, {"file": SimpleUploadedFile("空.pdf", b"")}, follow=True
    )
    assert messages_of(response) == ["附件：所选文件是空文件（0 字节），请检查后重新选择。"]
    assert not NominationAttachment.objects.exists()


def test_a_refused_photo_says_why_without_field_names(client_for, staff_a, unit_a):
    activity = ActivityFactory(unit=unit_a)
    url = reverse("volunteers:photo_upload", args=[activity.pk])
    response = client_for(staff_a).post(
        url, {"file": SimpleUploadedFile("现场.png", HTML)}, follow=True
    )
    [message] = messages_of(response)
    assert message.startswith("照片：文件“现场.png”的内容与扩展名不符（不是真正的 png 文件）")
    assert "file" not in message and "*" not in message


def test_no_file_chosen_says_so(client_for, staff_a, unit_a):
    activity = ActivityFactory(unit=unit_a)
    url = reverse("volunteers:photo_upload", args=[activity.pk])
    response = client_for(staff_a).post(url, {"caption": "现场"}, follow=True)
    assert messages_of(response) == ["照片：请选择要上传的文件。"]


def test_a_refusal_at_the_cap_is_a_message_on_the_page(settings, client_for, staff_a, unit_a, year):
    settings.UPLOAD_MAX_FILES_PER_RECORD = 1
    report = make_report(unit_a, period(year, 1), actor=staff_a)
    url = reverse("reports:attachment_upload", args=[report.pk])
    client = client_for(staff_a)
    client.post(url, {"file": SimpleUploadedFile("一.pdf", PDF)}, follow=True)  # reads its message
    response = client.post(url, {"file": SimpleUploadedFile("二.pdf", PDF)}, follow=True)
    assert response.status_code == 200
    assert messages_of(response) == ["每条记录最多上传 1 个文件，已有 1 个；请先删除不需要的文件。"]
    assert report.attachments.count() == 1
