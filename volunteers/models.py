from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.models import UploadedFile
from common.uploads import upload_path
from competition.models import ActivityType, CompetitionYear, NineProject, Unit

from .enums import Expertise, Gender, HonourLevel

phone_validator = RegexValidator(
    r"^[0-9+\-() ]{5,20}$", _("请填写有效的电话号码（数字，可含 - 和空格）。")
)


def mask_phone(phone: str) -> str:
    """138****1234 for a mobile number; other numbers keep only their first 3 and last 4."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if not digits:
        return ""
    if len(digits) <= 7:
        return digits[:2] + "*" * (len(digits) - 2)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


class ModelWorker(models.Model):
    """A model worker (劳动模范) registered by a unit."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="model_workers", verbose_name=_("所属单位")
    )
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(
        _("出生年份"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1920), MaxValueValidator(2010)],
    )
    position = models.CharField(_("职务"), max_length=100, blank=True)
    honour_level = models.CharField(_("荣誉等级"), max_length=20, choices=HonourLevel.choices)
    honour_year = models.PositiveSmallIntegerField(
        _("获评年份"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1950), MaxValueValidator(2100)],
    )
    expertise = models.CharField(
        _("专业领域"), max_length=20, choices=Expertise.choices, default=Expertise.OTHER
    )
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[phone_validator])
    remarks = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["unit__name", "name", "id"]
        verbose_name = _("劳动模范")
        verbose_name_plural = _("劳动模范")
        constraints = [
            # One register per unit: the same name twice in a unit is an import duplicate.
            models.UniqueConstraint(fields=["unit", "name"], name="model_worker_unique_in_unit"),
        ]

    def __str__(self):
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class VolunteerMembership(models.Model):
    """A model worker's time in the volunteer service team (劳模扶贫志愿服务队)."""

    model_worker = models.ForeignKey(
        ModelWorker,
        on_delete=models.CASCADE,
        related_name="team_memberships",
        verbose_name=_("劳动模范"),
    )
    joined_on = models.DateField(_("入队日期"))
    left_on = models.DateField(_("离队日期"), null=True, blank=True)
    remarks = models.CharField(_("备注"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["model_worker__unit__name", "model_worker__name", "-joined_on"]
        verbose_name = _("志愿服务队队员")
        verbose_name_plural = _("志愿服务队队员")
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="volunteer_membership_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["model_worker"],
                condition=Q(left_on__isnull=True),
                name="volunteer_membership_one_open",
                violation_error_message=_("该劳模已在志愿服务队中。"),
            ),
        ]

    def __str__(self):
        return f"{self.model_worker} · {self.joined_on}"

    @property
    def unit_id(self):
        return self.model_worker.unit_id

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class ServiceRecord(models.Model):
    """One stint of volunteer service by a team member."""

    membership = models.ForeignKey(
        VolunteerMembership,
        on_delete=models.CASCADE,
        related_name="service_records",
        verbose_name=_("队员"),
    )
    date = models.DateField(_("服务日期"))
    hours = models.DecimalField(
        _("服务时长（小时）"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0.5), MaxValueValidator(24)],
    )
    place = models.CharField(_("服务地点"), max_length=100)
    content = models.TextField(_("服务内容"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("记录人"),
    )
    # The year's data-quality findings (competition.quality), kept by the service at save.
    quality_flags = models.JSONField(_("数据异常"), default=list, blank=True)
    has_flags = models.BooleanField(_("有异常"), default=False, db_index=True)
    quality_explanation = models.TextField(
        _("异常说明"), blank=True, help_text=_("数据有异常提示时，保存前请说明原因。")
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["quality_flags", "has_flags"])

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("志愿服务记录")
        verbose_name_plural = _("志愿服务记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="service_record_hours_range"
            ),
        ]

    def __str__(self):
        return f"{self.membership.model_worker} · {self.date}"

    @property
    def unit_id(self):
        return self.membership.model_worker.unit_id


class Activity(models.Model):
    """A model-worker poverty-alleviation activity (劳模扶贫活动) organised by a unit."""

    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="volunteer_activities",
        verbose_name=_("组织单位"),
    )
    title = models.CharField(_("活动名称"), max_length=200)
    # Both are rows of the year the activity's date lies in (`services.activity_save`).
    activity_type = models.ForeignKey(
        ActivityType,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("活动类型"),
    )
    nine_project = models.ForeignKey(
        NineProject, on_delete=models.PROTECT, related_name="+", verbose_name=_("九大工程")
    )
    date = models.DateField(_("活动日期"))
    town = models.CharField(_("乡镇"), max_length=50)
    village = models.CharField(_("村"), max_length=50, blank=True)
    model_workers = models.ManyToManyField(
        ModelWorker, blank=True, related_name="activities", verbose_name=_("参与劳模")
    )
    households = models.PositiveIntegerField(_("受益贫困户（户）"), default=0)
    people = models.PositiveIntegerField(_("受益人数（人）"), default=0)
    description = models.TextField(_("活动说明"), blank=True)
    # The year's data-quality findings (competition.quality), kept by the service at save.
    quality_flags = models.JSONField(_("数据异常"), default=list, blank=True)
    has_flags = models.BooleanField(_("有异常"), default=False, db_index=True)
    quality_explanation = models.TextField(
        _("异常说明"), blank=True, help_text=_("数据有异常提示时，保存前请说明原因。")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    # The data-quality flags are derived (recomputed from the rules), not a change anyone made.
    history = HistoricalRecords(excluded_fields=["quality_flags", "has_flags"])

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("劳模扶贫活动")
        verbose_name_plural = _("劳模扶贫活动")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "date", "title"],
                name="activity_unique_per_unit_day",
                violation_error_message=_("本单位同一天已有同名活动。"),
            ),
        ]
        indexes = [models.Index(fields=["unit", "date"], name="activity_unit_date")]

    def __str__(self):
        return self.title

    def clean(self):
        # Type and project of one year (which year its date picks: services.activity_save).
        if (
            self.activity_type_id
            and self.nine_project_id
            and self.activity_type.year_id != self.nine_project.year_id
        ):
            raise ValidationError({"nine_project": _("活动类型和九大工程须属于同一竞赛年度。")})


class ActivityTally(models.Model):
    """How many activities a unit has dated inside a competition year: a derived figure,
    kept so that counting the units behind their quota (home page, quota page) reads one row
    per unit instead of every activity of the city.

    Never written by hand: `services.activity_tallies_recount` recounts it from the
    activities themselves (on every save, move, delete and import of activities, and for the
    whole year when the year's dates change); a unit without a row has none. The tests check
    it against a recount from scratch."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="activity_tallies", verbose_name=_("单位")
    )
    year = models.ForeignKey(
        CompetitionYear,
        on_delete=models.CASCADE,
        related_name="activity_tallies",
        verbose_name=_("竞赛年度"),
    )
    count = models.PositiveIntegerField(_("活动数"), default=0)

    class Meta:
        verbose_name = _("年度活动数")
        verbose_name_plural = _("年度活动数")
        constraints = [
            models.UniqueConstraint(fields=["year", "unit"], name="activity_tally_unique")
        ]

    def __str__(self):
        return f"{self.unit_id}/{self.year_id}: {self.count}"


class QuotaUnit(Unit):
    """A unit as `selectors.quota_progress` returns it.

    `effective_quota` is the year's quota annotated by the database (a unit's quota is a rule
    of each year: `competition.selectors.quota_for_year`)."""

    class Meta:
        proxy = True
        verbose_name = _("活动数完成情况")
        verbose_name_plural = _("活动数完成情况")


def activity_photo_path(instance, filename):
    return upload_path("activity_photos", filename)


def activity_thumbnail_path(instance, filename):
    return upload_path("activity_photos/thumbs", filename)


class ActivityPhoto(UploadedFile):
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="photos", verbose_name=_("活动")
    )
    file = models.FileField(_("文件"), upload_to=activity_photo_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    thumbnail = models.FileField(
        _("缩略图"), upload_to=activity_thumbnail_path, max_length=200, blank=True
    )

    class Meta(UploadedFile.Meta):
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")

    @property
    def unit_id(self):
        return self.activity.unit_id
