"""Writes for model workers, the volunteer team, activities and imports.

Each takes the acting user, checks that user's permission by the one permission module
(`volunteers.permissions`; `common.permissions.SYSTEM` for a command), runs in one
transaction, validates with `full_clean()` and saves with its history naming the user. They
also check what the data must satisfy whoever asks (a participant belongs to the activity's
unit, dates are ordered...).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef
from django.utils.translation import gettext as _

from common.services import acting_user, delete_recorded, deletion_record, save_recorded
from common.uploads import (
    IMAGE_EXTENSIONS,
    check_record_room,
    display_name,
    stored_size,
    thumbnail_of,
    validate_upload,
)
from common.xlsx import check_xlsx_upload
from competition import permissions, quality
from competition.models import CompetitionYear
from competition.selectors import year_of_date
from competition.services import date_require_unsealed, require_of_year

from . import selectors, validation
from .models import (
    Activity,
    ActivityPhoto,
    ActivityTally,
    ModelWorker,
    ServiceRecord,
    VolunteerMembership,
)
from .resources import ActivityResource, ModelWorkerResource, RowError, read_xlsx


@transaction.atomic
def model_worker_save(*, actor, model_worker: ModelWorker) -> ModelWorker:
    """Create or update a model worker (the caller has set its unit). An edit may not move
    the worker out of a unit the actor may change."""
    stored = ModelWorker.objects.filter(pk=model_worker.pk).first()
    for record in (stored, model_worker):
        if record is not None:
            permissions.require(actor, "volunteers.edit_model_worker", record)
    model_worker.full_clean()
    save_recorded(model_worker, actor)
    return model_worker


@transaction.atomic
def team_join(
    *, actor, model_worker: ModelWorker, joined_on: datetime.date, remarks: str = ""
) -> VolunteerMembership:
    permissions.require(actor, "volunteers.manage_team", model_worker)
    membership = VolunteerMembership(
        model_worker=model_worker, joined_on=joined_on, remarks=remarks
    )
    membership.full_clean()
    save_recorded(membership, actor)
    return membership


def team_leave_check(*, membership: VolunteerMembership, left_on: datetime.date) -> None:
    """What `team_leave` refuses, also asked before its confirmation page is shown."""
    if membership.left_on is not None:
        raise ValidationError(_("该队员已离队。"))
    if left_on < membership.joined_on:
        raise ValidationError({"left_on": _("离队日期不能早于入队日期。")})


@transaction.atomic
def team_leave(
    *, actor, membership: VolunteerMembership, left_on: datetime.date
) -> VolunteerMembership:
    permissions.require(actor, "volunteers.manage_team", membership)
    team_leave_check(membership=membership, left_on=left_on)
    membership.left_on = left_on
    membership.full_clean()
    save_recorded(membership, actor, update_fields=["left_on"])
    return membership


def _check_quality(record) -> None:
    """Flag the record by its year's rules (stored with it); refuse what must hold, and a
    warning without an explanation."""
    flags = validation.compute(record)
    errors = {}
    for flag in quality.refusals(flags):
        errors.setdefault(flag["field"], []).append(quality.describe(flag))
    if errors:
        raise ValidationError(errors, code="quality_refused")
    if quality.warnings(flags) and not record.quality_explanation.strip():
        raise ValidationError(
            {
                "quality_explanation": ValidationError(
                    _("数据有异常提示，保存前请在“异常说明”中说明原因。"),
                    code="explanation_required",
                )
            }
        )
    validation.store(record, flags)


def quality_flags_refresh(*, year_id: int) -> int:
    """The year's data-quality rules changed: recompute its records' stored flags."""
    return validation.year_refresh(year_id)


@transaction.atomic
def service_record_add(
    *,
    actor,
    membership: VolunteerMembership,
    date: datetime.date,
    hours: Decimal,
    place: str,
    content: str,
    quality_explanation: str = "",
) -> ServiceRecord:
    """Record service by a team member, on a day they were in the team. The year's
    data-quality rules: a refusal is not saved, a warning only with an explanation."""
    permissions.require(actor, "volunteers.manage_team", membership)
    date_require_unsealed(date)
    if date < membership.joined_on or (membership.left_on and date > membership.left_on):
        raise ValidationError({"date": _("服务日期不在该队员的在队期间内。")})
    record = ServiceRecord(
        membership=membership,
        date=date,
        hours=hours,
        place=place,
        content=content,
        recorded_by=acting_user(actor),
        quality_explanation=quality_explanation,
    )
    _check_quality(record)
    record.full_clean()
    save_recorded(record, actor)
    return record


@transaction.atomic
def activity_save(*, actor, activity: Activity, model_workers) -> Activity:
    """Create or update an activity and its participants (model workers of its unit only).

    Refused when the activity's date, or the date it had before this edit, is in a closed year,
    and when its type or project is not one of the year its date lies in.
    """
    stored = Activity.objects.filter(pk=activity.pk).first()
    for record in (stored, activity):  # nor move an activity out of a unit the actor may change
        if record is not None:
            permissions.require(actor, "volunteers.edit_activity", record)
    date_require_unsealed(activity.date, stored.date if stored else None)
    require_of_year(
        year_of_date(activity.date),
        activity_type=activity.activity_type if activity.activity_type_id else None,
        nine_project=activity.nine_project if activity.nine_project_id else None,
    )
    foreign = [worker for worker in model_workers if worker.unit_id != activity.unit_id]
    if foreign:
        raise ValidationError(
            {
                "model_workers": _("参与劳模须为本单位登记的劳模：%(names)s")
                % {"names": "、".join(worker.name for worker in foreign)}
            }
        )
    if activity.pk is None:
        activity.created_by = acting_user(actor)
    _check_quality(activity)
    activity.full_clean()
    save_recorded(activity, actor)
    activity.model_workers.set(model_workers)
    touched = [activity] if stored is None else [stored, activity]
    activity_tallies_recount_for(activities=touched)
    return activity


_PHOTO_NAME_LENGTH = ActivityPhoto._meta.get_field("original_name").max_length


@transaction.atomic
def activity_photo_add(*, actor, activity: Activity, upload, caption: str = "") -> ActivityPhoto:
    """Attach a photo: images only, checked by size, name and content."""
    return activity_photos_add(actor=actor, activity=activity, uploads=[upload], caption=caption)[0]


@transaction.atomic
def activity_photos_add(
    *, actor, activity: Activity, uploads, caption: str = ""
) -> list[ActivityPhoto]:
    """Attach several photos at once (a phone's selection), all or none: each checked by
    size, name and content (HEIC stored as JPEG), together against the activity's caps; each
    stored with its thumbnail."""
    permissions.require(actor, "volunteers.upload_photo", activity)
    date_require_unsealed(activity.date)
    stored = [validate_upload(upload, allowed=IMAGE_EXTENSIONS) for upload in uploads]
    # The activity's row is locked so that two uploads at once cannot both pass the caps.
    Activity.objects.select_for_update().filter(pk=activity.pk).first()
    held = [stored_size(photo.file) for photo in activity.photos.all()]
    check_record_room(count=len(held), total=sum(held), adding=stored)
    photos = []
    for content in stored:
        photo = ActivityPhoto(
            activity=activity,
            original_name=display_name(content.name, _PHOTO_NAME_LENGTH),
            caption=caption,
            uploaded_by=acting_user(actor),
        )
        photo.file.save(content.name, content, save=False)
        thumbnail = thumbnail_of(content)
        if thumbnail is not None:
            photo.thumbnail.save(thumbnail.name, thumbnail, save=False)
        photo.full_clean()
        photo.save()
        photos.append(photo)
    return photos


@transaction.atomic
def activity_delete(*, actor, activity: Activity) -> None:
    """Delete an activity with its photos, recorded; refused once its year is closed."""
    permissions.require(actor, "volunteers.delete_activity", activity)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    date_require_unsealed(activity.date)
    photos = [photo.file for photo in activity.photos.all()]
    for photo in activity.photos.all():
        deletion_record(actor=actor, obj=photo)
    deletion_record(actor=actor, obj=activity)
    delete_recorded(activity, actor)
    activity_tallies_recount_for(activities=[activity])
    transaction.on_commit(lambda: [stored.delete(save=False) for stored in photos])


@transaction.atomic
def activity_photo_delete(*, actor, photo: ActivityPhoto) -> None:
    """Delete one photo of an activity, recorded; refused once the activity's year is closed."""
    permissions.require(actor, "volunteers.delete_photo", photo)
    Activity.objects.select_for_update().filter(pk=photo.activity_id).first()
    date_require_unsealed(photo.activity.date)
    stored = photo.file
    deletion_record(actor=actor, obj=photo)
    photo.delete()
    transaction.on_commit(lambda: stored.delete(save=False))


# Activity tallies (derived: recounted from the activities, never incremented) -------------


@transaction.atomic
def activity_tallies_recount(*, year: CompetitionYear, unit_ids) -> None:
    """Recount, from the activities themselves, the year's `ActivityTally` of the units in
    `unit_ids`, in the caller's transaction.

    Safe beside concurrent writers: the tally rows are made if missing and locked first (in
    unit order, so two recounts cannot deadlock; on PostgreSQL both the insert and the lock
    wait for another transaction recounting the same row), and only then counted by a new
    statement, which sees every activity committed before the wait ended; a writer still
    uncommitted recounts after us, behind the same lock."""
    units = sorted(set(unit_ids))
    ActivityTally.objects.bulk_create(
        [ActivityTally(year=year, unit_id=unit, count=0) for unit in units],
        ignore_conflicts=True,
        batch_size=1000,
    )
    tallies = ActivityTally.objects.filter(year=year, unit_id__in=units)
    list(tallies.select_for_update().order_by("unit_id").values_list("pk", flat=True))
    tallies.update(count=selectors.activity_count_for_outer_unit(year, OuterRef("unit_id")))


@transaction.atomic
def activity_tallies_recount_for(*, activities) -> None:
    """Recount the tallies the activities count in (their units, in every year containing
    their dates): after a save (the activity as stored before and after), a delete or an
    import."""
    activities = list(activities)
    dates = {activity.date for activity in activities}
    if not dates:
        return
    years = CompetitionYear.objects.filter(start_date__lte=max(dates), end_date__gte=min(dates))
    for year in years.order_by("pk"):
        units = {a.unit_id for a in activities if year.start_date <= a.date <= year.end_date}
        if units:
            activity_tallies_recount(year=year, unit_ids=units)


@transaction.atomic
def activity_tallies_recount_year(year: CompetitionYear) -> None:
    """A year was created or its dates changed: recount all its tallies (rows of units that
    no longer have activities in it drop to 0)."""
    stale = ActivityTally.objects.filter(year=year).values_list("unit_id", flat=True)
    start, end = year.start_date, year.end_date
    dated = Activity.objects.filter(date__gte=start, date__lte=end).values_list("unit_id")
    units = set(stale) | {unit for (unit,) in dated.order_by().distinct()}
    activity_tallies_recount(year=year, unit_ids=units)


# Imports ---------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_unit_for(actor):
    """Unit staff import into their own unit; admins name the unit on each row (None)."""
    if permissions.is_unit_staff(actor):
        return permissions.membership_of(actor).unit
    return None


def _import(resource_class, *, actor, upload, after_saved=None) -> ImportOutcome:
    """`after_saved(instances)`, when given, runs in the import's transaction once every row
    is saved."""
    permissions.require(actor, "volunteers.import")
    try:
        check_xlsx_upload(upload)
        required = [resource_class.fields[name].column_name for name in resource_class.REQUIRED]
        dataset, numbers = read_xlsx(upload, required)
    except ValidationError as exc:
        return ImportOutcome(errors=[RowError(0, "", message) for message in exc.messages])
    resource = resource_class(unit=import_unit_for(actor), actor=actor, row_numbers=numbers)
    with transaction.atomic():
        # Every row is checked; if any failed, the transaction is rolled back (nothing written).
        result = resource.import_data(
            dataset,
            dry_run=False,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
        )
        errors = resource.collect_errors(result)
        if errors:
            transaction.set_rollback(True)
            return ImportOutcome(errors=errors)
        if after_saved is not None:
            after_saved(resource.saved)
    return ImportOutcome(created=result.totals["new"])


def model_workers_import(*, actor, upload) -> ImportOutcome:
    """Import model workers from an .xlsx: all rows or none. See resources.py."""
    return _import(ModelWorkerResource, actor=actor, upload=upload)


def activities_import(*, actor, upload) -> ImportOutcome:
    """Import activities from an .xlsx: all rows or none. See resources.py."""
    return _import(
        ActivityResource,
        actor=actor,
        upload=upload,
        after_saved=lambda saved: activity_tallies_recount_for(activities=saved),
    )
