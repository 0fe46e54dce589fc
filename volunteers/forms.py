from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import (
    CameraImageField,
    FilterForm,
    MultipleImageField,
    PortalForm,
    PortalModelForm,
    cap_counts,
)
from competition.forms import quality_require_explanation, quality_warnings_show
from competition.models import ActivityType, CompetitionYear, NineProject, Unit
from competition.selectors import activity_types_of, projects_of, year_of_date

from . import validation
from .enums import HonourLevel
from .models import Activity, ModelWorker, ServiceRecord, VolunteerMembership

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _helper(label, *layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    if layout:
        helper.layout = Layout(*layout)
    helper.add_input(Submit("submit", label))
    return helper


class ModelWorkerForm(PortalModelForm):
    """The unit field is shown to admins only; unit staff always register in their unit."""

    class Meta:
        model = ModelWorker
        fields = [
            "unit",
            "name",
            "gender",
            "birth_year",
            "position",
            "honour_level",
            "honour_year",
            "expertise",
            "phone",
            "remarks",
        ]
        widgets = {"remarks": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, choose_unit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if choose_unit:
            self.fields["unit"].queryset = Unit.objects.select_related("kind")
        else:
            del self.fields["unit"]
        self.helper = _helper(_("保存"))


class ModelWorkerFilterForm(FilterForm):
    """The model-worker list's filters (and its export's)."""

    q = forms.CharField(label=_("姓名"), max_length=50, required=False)
    honour_level = forms.ChoiceField(
        label=_("荣誉等级"), choices=[("", _("全部等级")), *HonourLevel.choices], required=False
    )
    unit = forms.ModelChoiceField(
        label=_("所属单位"), queryset=Unit.objects.none(), required=False, empty_label=_("全部单位")
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        if units is None:  # a unit's staff see their own unit's model workers only
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units

    def filter(self, workers):
        values = self.values()
        lookups = {"q": "name__contains", "honour_level": "honour_level", "unit": "unit"}
        return workers.filter(**{lookups[k]: v for k, v in values.items() if k in lookups})


class ActivityFilterForm(FilterForm):
    """The activity list's filters. Type and project are offered as the current year's and
    matched by code and number in every year (a year has its own rows of both)."""

    q = forms.CharField(label=_("活动名称"), max_length=100, required=False)
    type = forms.ChoiceField(label=_("活动类型"), required=False)
    project = forms.TypedChoiceField(label=_("九大工程"), coerce=int, required=False)
    unit = forms.ModelChoiceField(
        label=_("组织单位"), queryset=Unit.objects.none(), required=False, empty_label=_("全部单位")
    )
    date_from = forms.DateField(label=_("活动日期自"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("至"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, year, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [
            ("", _("全部类型")),
            *((t.code, t.name) for t in activity_types_of(year)),
        ]
        self.fields["project"].choices = [
            ("", _("全部工程")),
            *((p.number, p.short_name) for p in projects_of(year)),
        ]
        if units is None:  # a unit's staff see their own activities only
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units

    def filter(self, activities):
        values = self.values()
        lookups = {
            "q": "title__icontains",
            "type": "activity_type__code",
            "project": "nine_project__number",
            "unit": "unit",
            "date_from": "date__gte",
            "date_to": "date__lte",
        }
        return activities.filter(**{lookups[k]: v for k, v in values.items() if k in lookups})


class ActivityForm(PortalModelForm):
    """The type and project are offered from `year` (the activity's, or the current one), by
    code and number; an activity dated in another year gets that year's type of the same
    code and project of the same number."""

    activity_type = forms.ModelChoiceField(
        label=_("活动类型"), queryset=ActivityType.objects.none(), to_field_name="code"
    )
    nine_project = forms.ModelChoiceField(
        label=_("九大工程"), queryset=NineProject.objects.none(), to_field_name="number"
    )

    class Meta:
        model = Activity
        fields = [
            "unit",
            "title",
            "activity_type",
            "nine_project",
            "date",
            "town",
            "village",
            "model_workers",
            "households",
            "people",
            "quality_explanation",
            "description",
        ]
        widgets = {
            "date": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 5}),
            "quality_explanation": forms.Textarea(attrs={"rows": 2}),
            "model_workers": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, year, unit=None, choose_unit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.fields["activity_type"].queryset = activity_types_of(year)
        self.fields["nine_project"].queryset = projects_of(year)
        if choose_unit:
            self.fields["unit"].queryset = Unit.objects.select_related("kind")
            workers = ModelWorker.objects.select_related("unit")
        else:
            del self.fields["unit"]
            workers = ModelWorker.objects.filter(unit=unit)
        self.fields["model_workers"].queryset = workers
        cap_counts(self, "households", "people")
        self.fields["model_workers"].label_from_instance = lambda w: (
            f"{w.name}（{w.unit.name}）" if choose_unit else w.name
        )
        self.helper = _helper(
            _("保存"),
            *(["unit"] if choose_unit else []),
            "title",
            Row(Column("activity_type"), Column("nine_project"), Column("date")),
            Row(Column("town"), Column("village")),
            "model_workers",
            Row(Column("households"), Column("people")),
            "quality_explanation",
            "description",
        )
        if not self.is_bound:
            quality_warnings_show(self, self.instance.quality_flags)

    def clean_date(self):
        date = self.cleaned_data["date"]
        if not CompetitionYear.objects.filter(start_date__lte=date, end_date__gte=date).exists():
            raise forms.ValidationError(
                _("活动日期 %(date)s 不在任何竞赛年度内，请检查年份。"),
                params={"date": date.isoformat()},
                code="outside_year",
            )
        return date

    def clean(self):
        cleaned = super().clean()
        _check_quality(self, cleaned, ("date", "households", "people"))
        year = year_of_date(cleaned.get("date"))
        if year is None or self.year is None or year.pk == self.year.pk:
            return cleaned
        kind, project = cleaned.get("activity_type"), cleaned.get("nine_project")
        if kind is not None:
            cleaned["activity_type"] = activity_types_of(year).filter(code=kind.code).first()
            if cleaned["activity_type"] is None:
                self.add_error("activity_type", self._missing(year, kind))
        if project is not None:
            cleaned["nine_project"] = projects_of(year).filter(number=project.number).first()
            if cleaned["nine_project"] is None:
                self.add_error("nine_project", self._missing(year, project))
        return cleaned

    @staticmethod
    def _missing(year, row):
        return _("%(year)s年度没有“%(name)s”，请按活动日期所在年度的设置选择。") % {
            "year": year.year,
            "name": row,
        }


class TeamJoinForm(PortalModelForm):
    class Meta:
        model = VolunteerMembership
        fields = ["joined_on", "remarks"]
        widgets = {"joined_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("加入志愿服务队"))


class TeamLeaveForm(PortalForm):
    left_on = forms.DateField(label=_("离队日期"), widget=DATE_INPUT)


class ServiceRecordForm(PortalModelForm):
    class Meta:
        model = ServiceRecord
        fields = ["date", "hours", "place", "content", "quality_explanation"]
        widgets = {
            "date": DATE_INPUT,
            "content": forms.Textarea(attrs={"rows": 3}),
            "quality_explanation": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("记录服务"))

    def clean(self):
        cleaned = super().clean()
        _check_quality(self, cleaned, ("date", "hours"))
        return cleaned


def _check_quality(form, cleaned, names) -> None:
    """The year's data-quality rules on the figures entered: refusals on their fields,
    warnings beside them, an explanation required for a warning."""
    if any(name in form.errors or cleaned.get(name) is None for name in names):
        return
    flags = validation.compute(form.instance, values={name: cleaned[name] for name in names})
    quality_warnings_show(form, flags)
    quality_require_explanation(form, flags, required=True)


class PhotoForm(PortalForm):
    """Photos from the phone's gallery (several at once) or one taken with its camera."""

    file = MultipleImageField(
        label=_("照片"),
        required=False,
        help_text=_("JPG、PNG、GIF、WebP 或 HEIC 图片，可一次选择多张；HEIC 会转为 JPEG。"),
    )
    camera = CameraImageField(label=_("现场拍照"))
    caption = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("上传照片"))

    def clean(self):
        cleaned = super().clean()
        camera = cleaned.pop("camera", None)
        cleaned["file"] = [*cleaned.get("file", []), *([camera] if camera else [])]
        if not self.errors and not cleaned["file"]:
            self.add_error("file", self.fields["file"].error_messages["required"])
        return cleaned


class ImportForm(PortalForm):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("导入"))
