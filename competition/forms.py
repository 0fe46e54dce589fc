"""Forms for 四比双争 scoring: they clean and validate; the services decide."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.forms import cap_counts
from common.uploads import IMAGE_EXTENSIONS, validate_upload

from . import selectors
from .enums import SpotCheckRating
from .models import ActivityType, CompetitionYear, Entry, NineProject, Notice, Unit


def _helper(label):
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


class EntryForm(forms.ModelForm):
    class Meta:
        model = Entry
        fields = ["nine_project", "title", "description", "target_villages", "target_households"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "target_villages": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nine_project"].queryset = selectors.projects_of(year)
        cap_counts(self, "target_households")
        self.helper = _helper(_("保存"))


class ScoreSheetForm(forms.Form):
    """One field per criterion, bounded by its current maximum, with its rubric as help text."""

    comment = forms.CharField(
        label=_("评语"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = [criterion.code for criterion in criteria]
        for criterion in criteria:
            self.fields[criterion.code] = forms.DecimalField(
                label=f"{criterion.name}（0–{format(criterion.max_points.normalize(), 'f')}）",
                min_value=0,
                max_value=criterion.max_points,
                max_digits=5,
                decimal_places=1,
                help_text=criterion.rubric,
            )
        self.order_fields([*self.codes, "comment"])
        self.helper = _helper(_("提交评分"))

    @property
    def points(self):
        return {code: self.cleaned_data[code] for code in self.codes}


class ConflictForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("回避单位"), queryset=Unit.objects.none())
    reason = forms.CharField(label=_("回避理由"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.units_taking_part()
        self.helper = _helper(_("申报回避"))


class AssignmentForm(forms.Form):
    entry = forms.ModelChoiceField(label=_("参赛项目"), queryset=Entry.objects.none())
    reviewer = forms.ModelChoiceField(label=_("评委"), queryset=None)

    def __init__(self, *args, year, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = Entry.objects.filter(year=year).select_related("unit")
        self.fields["reviewer"].queryset = reviewers
        self.helper = _helper(_("分配"))


class SpreadForm(forms.Form):
    per_entry = forms.IntegerField(label=_("每个项目评委数"), min_value=1, max_value=20, initial=2)
    seed = forms.IntegerField(label=_("随机种子"), min_value=0, initial=2019)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("随机均衡分配"))


class DrawForm(forms.Form):
    count = forms.IntegerField(label=_("抽取单位数"), min_value=1, max_value=100, initial=3)
    seed = forms.IntegerField(
        label=_("随机种子"),
        min_value=0,
        required=False,
        help_text=_("留空则随机生成；填写以前抽签的种子可复现当时的结果。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("抽签"))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        errors = []
        for upload in files:
            try:
                validate_upload(upload, allowed=IMAGE_EXTENSIONS)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return files


class SpotCheckForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("被抽查单位"), queryset=Unit.objects.none())
    entry = forms.ModelChoiceField(
        label=_("参赛项目"), queryset=Entry.objects.none(), required=False
    )
    date = forms.DateField(label=_("抽查日期"), widget=forms.DateInput(attrs={"type": "date"}))
    inspectors = forms.CharField(label=_("检查人员"), max_length=200)
    findings = forms.CharField(label=_("检查情况"), widget=forms.Textarea(attrs={"rows": 5}))
    rating = forms.ChoiceField(label=_("评价"), choices=SpotCheckRating.choices)
    photos = MultipleImageField(label=_("照片"), required=False)

    def __init__(self, *args, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.fields["entry"].queryset = Entry.objects.filter(year=year).select_related("unit")
        self.fields["unit"].queryset = selectors.units_active_between(
            year.start_date, year.end_date
        )
        self.helper = _helper(_("保存抽查记录"))
        self.helper.layout = Layout(
            "unit", "entry", Field("date"), "inspectors", "findings", "rating", "photos"
        )

    def clean_date(self):
        # A year's work may still be checked after 31 December, until its evaluation.
        date, year = self.cleaned_data["date"], self.year
        last = max(year.end_date, year.evaluation_date)
        if not year.start_date <= date <= last:
            raise ValidationError(
                _("抽查日期 %(date)s 不在%(year)s年度（%(start)s 至 %(end)s）内。"),
                params={
                    "date": date.isoformat(),
                    "year": year.year,
                    "start": year.start_date.isoformat(),
                    "end": last.isoformat(),
                },
                code="outside_year",
            )
        return date


class NoticeForm(forms.ModelForm):
    class Meta:
        model = Notice
        fields = ["year", "title", "body", "include_standings"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = CompetitionYear.objects.all()
        self.helper = _helper(_("保存草稿"))


class StandingsFilterForm(forms.Form):
    nine_project = forms.ModelChoiceField(
        label=_("九大工程"),
        queryset=NineProject.objects.none(),
        required=False,
        empty_label=_("全部"),
    )
    # Off by default: it needs every reviewer's statistics over the year (two more aggregates).
    normalised = forms.BooleanField(label=_("显示标准化总分"), required=False)

    def __init__(self, *args, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nine_project"].queryset = selectors.projects_of(year)


class YearReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("重新开放的原因"),
        max_length=90,
        widget=forms.TextInput(attrs={"placeholder": _("必填，如：补录遗漏的报告")}),
    )


class ProjectForm(forms.ModelForm):
    """One of a year's projects; the service checks the year (admin, not closed, unique)."""

    class Meta:
        model = NineProject
        fields = ["number", "name", "short_name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["number"].help_text = _("留空则排在最后。")
        self.helper = _helper(_("保存"))


class ActivityTypeForm(forms.ModelForm):
    """One of a year's activity types; the service checks the year (admin, not closed,
    unique)."""

    class Meta:
        model = ActivityType
        fields = ["number", "code", "name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["number"].help_text = _("留空则排在最后。")
        self.helper = _helper(_("保存"))
