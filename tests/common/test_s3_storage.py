"""Uploads on an S3-compatible service (django-storages), as several web machines share them:
a report attachment and an activity photo with its thumbnail go through the services into a
bucket of a local S3 emulator (moto's server on a free port of 127.0.0.1), and come back
through the download views, read by a fresh storage as another machine would read them."""

import io
import socket

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from reports import services as report_services
from tests.conftest import need
from tests.reports.factories import make_report, period
from tests.volunteers.factories import ActivityFactory
from volunteers import services as volunteer_services

pytestmark = pytest.mark.django_db

BUCKET = "huaibei-uploads"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        need(False, "needs moto's S3 emulator: pip install 'moto[server]' (a dev extra)")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_storage(settings, s3_endpoint, tmp_path):
    """The settings AWS_STORAGE_BUCKET_NAME and AWS_S3_ENDPOINT_URL produce, on a new bucket."""
    import boto3

    options = {
        "bucket_name": BUCKET,
        "endpoint_url": s3_endpoint,
        "region_name": "us-east-1",
        "access_key": "testing",
        "secret_key": "testing",
        "addressing_style": "path",
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
    }
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _photo(size=(800, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def _another_machine():
    """Forget the storage objects this process made: the next read builds a new client."""
    storages._storages.clear()


def _downloaded(response) -> bytes:
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].startswith("attachment")
    return b"".join(response.streaming_content)


def test_settings_choose_s3_by_the_bucket_variable(monkeypatch):
    import importlib

    import config.settings as module

    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "portal")
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", "http://127.0.0.1:9000")
    try:
        chosen = importlib.reload(module).STORAGES["default"]
    finally:
        monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME")
        monkeypatch.delenv("AWS_S3_ENDPOINT_URL")
        default = importlib.reload(module).STORAGES["default"]
    assert chosen["BACKEND"] == "storages.backends.s3.S3Storage"
    assert chosen["OPTIONS"]["bucket_name"] == "portal"
    assert chosen["OPTIONS"]["endpoint_url"] == "http://127.0.0.1:9000"
    assert chosen["OPTIONS"]["default_acl"] is None  # private: downloads go through the views
    assert default["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_report_attachment_and_activity_photo_live_in_the_bucket(
    s3_storage, settings, tmp_path, client_for, staff_a, unit_a, year
):
    report = make_report(unit_a, period(year, 1), actor=staff_a)
    attachment = report_services.attachment_add(
        actor=staff_a, report=report, upload=SimpleUploadedFile("入户走访.jpg", _photo())
    )
    activity = ActivityFactory(unit=unit_a)
    (photo,) = volunteer_services.activity_photos_add(
        actor=staff_a, activity=activity, uploads=[SimpleUploadedFile("现场.jpg", _photo())]
    )
    keys = {item["Key"] for item in s3_storage.list_objects_v2(Bucket=BUCKET)["Contents"]}
    stored = {
        attachment.file.name,
        attachment.thumbnail.name,
        photo.file.name,
        photo.thumbnail.name,
    }
    assert "" not in stored and keys == stored
    assert not (tmp_path / "media").exists()  # nothing on this machine's disk

    def bucket_bytes(name):
        return s3_storage.get_object(Bucket=BUCKET, Key=name)["Body"].read()

    _another_machine()
    client = client_for(staff_a)
    pages = [
        ("reports:attachment_download", attachment.pk, attachment.file.name),
        ("reports:attachment_thumbnail", attachment.pk, attachment.thumbnail.name),
        ("volunteers:photo_download", photo.pk, photo.file.name),
        ("volunteers:photo_thumbnail", photo.pk, photo.thumbnail.name),
    ]
    for name, pk, key in pages:
        body = _downloaded(client.get(reverse(name, args=[pk])))
        assert body == bucket_bytes(key), name
    assert Image.open(io.BytesIO(bucket_bytes(photo.thumbnail.name))).size == (320, 240)
    assert Image.open(io.BytesIO(bucket_bytes(photo.file.name))).size == (800, 600)
