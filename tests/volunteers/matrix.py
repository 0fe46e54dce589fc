"""Permission matrix cases for every URL of the volunteers app (see tests/matrix.py)."""

import base64
import datetime

from common.uploads import thumbnail_of
from tests.matrix import Case, everyone, office_only, own_unit_and_office
from tests.volunteers.factories import ActivityFactory, MembershipFactory, ModelWorkerFactory
from volunteers.models import ActivityPhoto

# Objects are unit A's: staff_a and admin may change them; office may only look.
CHANGE = {"staff_a": 200, "staff_b": 404, "office": 403, "admin": 200}
CHANGE_POST = {"staff_a": 302, "staff_b": 404, "office": 403, "admin": 302}
ADD = {"staff_a": 200, "staff_b": 200, "office": 403, "admin": 200}


def _worker(world):
    return {"pk": ModelWorkerFactory(unit=world.unit_a).pk}


def _activity(world):
    return {"pk": ActivityFactory(unit=world.unit_a).pk}


def _membership(world):
    return {"pk": MembershipFactory(model_worker=ModelWorkerFactory(unit=world.unit_a)).pk}


def _photo(world):
    from django.core.files.base import ContentFile

    photo = ActivityPhoto(activity=ActivityFactory(unit=world.unit_a), original_name="a.png")
    photo.file.save("a.png", ContentFile(png_bytes()), save=False)
    photo.thumbnail.save("a.jpg", thumbnail_of(ContentFile(png_bytes(), name="a.png")), save=False)
    photo.save()
    return {"pk": photo.pk}


# A 1×1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def png_bytes() -> bytes:
    return PNG


def _png_upload(world, kwargs):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("p.png", png_bytes(), "image/png"), "caption": "现场"}


def cases(world):
    today = datetime.date(2019, 6, 1).isoformat()
    return [
        Case("volunteers:model_worker_list", everyone(200)),
        Case("volunteers:model_worker_create", ADD),
        Case("volunteers:model_worker_export", everyone(200)),
        Case("volunteers:model_worker_template", ADD),
        Case("volunteers:model_worker_import", ADD),
        Case("volunteers:model_worker_detail", own_unit_and_office(), kwargs=_worker),
        Case("volunteers:model_worker_edit", CHANGE, kwargs=_worker),
        Case(
            "volunteers:team_join",
            CHANGE_POST,
            kwargs=_worker,
            method="post",
            data=lambda w, k: {"joined_on": today},
        ),
        Case("volunteers:team_list", everyone(200)),
        Case(
            "volunteers:team_leave",
            CHANGE_POST,
            kwargs=_membership,
            method="post",
            data=lambda w, k: {"left_on": today, "confirm": ""},
        ),
        Case(
            "volunteers:team_leave",
            CHANGE,
            kwargs=_membership,
            method="post",
            data=lambda w, k: {"left_on": today},
            label="without the confirmation, the confirmation page",
        ),
        Case("volunteers:service_record_create", CHANGE, kwargs=_membership),
        Case("volunteers:activity_list", everyone(200)),
        Case("volunteers:activity_create", ADD),
        Case("volunteers:activity_export", everyone(200)),
        Case("volunteers:activity_template", ADD),
        Case("volunteers:activity_import", ADD),
        Case("volunteers:activity_detail", own_unit_and_office(), kwargs=_activity),
        Case(
            "history:object_history",
            {**own_unit_and_office(), "staff_parent": 200},  # a parent reads its units' records
            kwargs=lambda w: {"key": "volunteers.activity", **_activity(w)},
            label="activity",
        ),
        Case(
            "history:object_history",
            {**own_unit_and_office(), "staff_parent": 200},
            kwargs=lambda w: {"key": "volunteers.modelworker", **_worker(w)},
            label="model worker",
        ),
        Case("volunteers:activity_edit", CHANGE, kwargs=_activity),
        Case(
            "volunteers:photo_upload",
            CHANGE_POST,
            kwargs=_activity,
            method="post",
            data=_png_upload,
        ),
        Case("volunteers:photo_download", own_unit_and_office(), kwargs=_photo),
        Case("volunteers:activity_delete", CHANGE, kwargs=_activity, label="asks first"),
        Case(
            "volunteers:activity_delete",
            CHANGE_POST,
            kwargs=_activity,
            method="post",
            data=lambda w, k: {"confirm": ""},
        ),
        Case("volunteers:photo_delete", CHANGE, kwargs=_photo, label="asks first"),
        Case(
            "volunteers:photo_delete",
            CHANGE_POST,
            kwargs=_photo,
            method="post",
            data=lambda w, k: {"confirm": ""},
        ),
        Case("volunteers:photo_thumbnail", own_unit_and_office(), kwargs=_photo),
        Case("volunteers:quota", office_only()),
        Case("volunteers:quota_export", office_only()),
    ]
