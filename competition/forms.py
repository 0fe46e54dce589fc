"""Forms for 四比双争 scoring: they clean and validate; the services decide."""

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from common.forms import (
    CameraImageField,
    FilterForm,
    MultipleImageField,
    PortalForm,
    PortalModelForm,
    cap_counts,
)

from . import quality, selectors
from .enums import QUALITY_FIELDS, PeriodScheme, QualityTarget, SpotCheckRating
from .models import (
    ActivityType,
    CompetitionYear,
    Criterion,
    Entry,
    NineProject,
    Notice,
    QualityRule,
    ReportingPeriod,
    Unit,
    UnitKind,
    default_evaluation_date,
    latest_evaluation_date,
)


def _helper(label, *layout):
    helper = FormHelper()
    if layout:
        helper.layout = Layout(*layout)
    helper.add_input(Submit("submit", label))
    return helper


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnitFilterForm(FilterForm):
    q = forms.CharField(label=_("单位名称"), max_length=100, required=False)
    kind = forms.ModelChoiceField(
        label=_("单位类别"),
        queryset=UnitKind.objects.order_by("order"),
        required=False,
        empty_label=_("全部类别"),
    )

    def filter(self, units):
        values = self.values()
        if "q" in values:
            units = units.filter(name__icontains=values["q"])
        if "kind" in values:
            units = units.filter(kind=values["kind"])
        return units


class SpotCheckFilterForm(FilterForm):
    """The spot-check list's filters, within the year chosen above them (kept hidden)."""

    SOURCES = [("draw", _("随机抽签")), ("direct", _("直接记录"))]
    year = forms.IntegerField(widget=forms.HiddenInput, required=False)
    q = forms.CharField(label=_("被抽查单位"), max_length=100, required=False)
    rating = forms.ChoiceField(
        label=_("评价"), choices=[("", _("全部评价")), *SpotCheckRating.choices], required=False
    )
    source = forms.ChoiceField(
        label=_("来源"), choices=[("", _("全部来源")), *SOURCES], required=False
    )
    date_from = forms.DateField(label=_("抽查日期自"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("至"), required=False, widget=DATE_INPUT)

    def filter(self, checks):
        values = self.values()
        lookups = {
            "q": "unit__name__icontains",
            "rating": "rating",
            "date_from": "date__gte",
            "date_to": "date__lte",
        }
        checks = checks.filter(**{lookups[k]: v for k, v in values.items() if k in lookups})
        if "source" in values:
            checks = checks.filter(draw__isnull=values["source"] == "direct")
        return checks


class EntryForm(PortalModelForm):
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


class ScoreSheetForm(PortalForm):
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


class ConflictForm(PortalForm):
    unit = forms.ModelChoiceField(label=_("回避单位"), queryset=Unit.objects.none())
    reason = forms.CharField(label=_("回避理由"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.units_taking_part()
        self.helper = _helper(_("申报回避"))


class AssignmentForm(PortalForm):
    entry = forms.ModelChoiceField(label=_("参赛项目"), queryset=Entry.objects.none())
    reviewer = forms.ModelChoiceField(label=_("评委"), queryset=None)

    def __init__(self, *args, year, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = Entry.objects.filter(year=year).select_related("unit")
        self.fields["reviewer"].queryset = reviewers
        self.helper = _helper(_("分配"))


class SpreadForm(PortalForm):
    per_entry = forms.IntegerField(label=_("每个项目评委数"), min_value=1, max_value=20, initial=2)
    seed = forms.IntegerField(label=_("随机种子"), min_value=0, initial=2019)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("随机均衡分配"))


class DrawForm(PortalForm):
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


class SpotCheckForm(PortalForm):
    unit = forms.ModelChoiceField(label=_("被抽查单位"), queryset=Unit.objects.none())
    entry = forms.ModelChoiceField(
        label=_("参赛项目"), queryset=Entry.objects.none(), required=False
    )
    date = forms.DateField(label=_("抽查日期"), widget=forms.DateInput(attrs={"type": "date"}))
    inspectors = forms.CharField(label=_("检查人员"), max_length=200)
    findings = forms.CharField(label=_("检查情况"), widget=forms.Textarea(attrs={"rows": 5}))
    rating = forms.ChoiceField(label=_("评价"), choices=SpotCheckRating.choices)
    photos = MultipleImageField(
        label=_("照片"),
        required=False,
        help_text=_("可一次选择多张；iPhone 的 HEIC 照片会转为 JPEG。"),
    )
    camera = CameraImageField(label=_("现场拍照"))

    def __init__(self, *args, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.fields["entry"].queryset = Entry.objects.filter(year=year).select_related("unit")
        self.fields["unit"].queryset = selectors.units_active_between(
            year.start_date, year.end_date
        )
        self.helper = _helper(_("保存抽查记录"))
        self.helper.layout = Layout(
            "unit", "entry", Field("date"), "inspectors", "findings", "rating", "photos", "camera"
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

    def clean(self):
        cleaned = super().clean()
        camera = cleaned.pop("camera", None)
        cleaned["photos"] = [*cleaned.get("photos", []), *([camera] if camera else [])]
        return cleaned


class NoticeForm(PortalModelForm):
    class Meta:
        model = Notice
        fields = ["year", "title", "body", "include_standings"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = CompetitionYear.objects.all()
        self.helper = _helper(_("保存草稿"))


class StandingsFilterForm(PortalForm):
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


class YearReopenForm(PortalForm):
    reason = forms.CharField(
        label=_("重新开放的原因"),
        max_length=90,
        widget=forms.TextInput(attrs={"placeholder": _("必填，如：补录遗漏的报告")}),
    )


class ProjectForm(PortalModelForm):
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


class ActivityTypeForm(PortalModelForm):
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


# --- a year's rules ----------------------------------------------------------------------------


class YearSettingsForm(PortalModelForm):
    """A year's own settings (年度设置): its name, dates, evaluation date and scoring
    options. The model refuses an evaluation date on or after the next May Day."""

    class Meta:
        model = CompetitionYear
        fields = [
            "title",
            "theme",
            "start_date",
            "end_date",
            "evaluation_date",
            "self_assessment_deadline",
            "self_gap_threshold",
            "disagreement_threshold",
            "unassigned_may_score",
        ]
        widgets = {
            "start_date": DATE_INPUT,
            "end_date": DATE_INPUT,
            "evaluation_date": DATE_INPUT,
            "self_assessment_deadline": DATE_INPUT,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year = self.instance.year
        self.fields["evaluation_date"].help_text = _(
            "须在次年“五一”劳动节前（最晚 %(last)s），默认 %(default)s；评比日当天凌晨自动计算一次排名。"
        ) % {
            "last": latest_evaluation_date(year).isoformat(),
            "default": default_evaluation_date(year).isoformat(),
        }
        self.helper = _helper(
            _("保存年度设置"),
            Row(Column("title"), Column("theme")),
            Row(Column("start_date"), Column("end_date"), Column("evaluation_date")),
            Row(Column("self_assessment_deadline"), Column("self_gap_threshold")),
            Row(Column("disagreement_threshold"), Column("unassigned_may_score")),
        )
        self.fields["self_gap_threshold"].required = False

    def clean_self_gap_threshold(self):
        value = self.cleaned_data.get("self_gap_threshold")
        return self.instance.self_gap_threshold if value is None else value


class CriterionForm(PortalModelForm):
    """A criterion of the year: a new one may leave its code empty (the service gives it
    one); an existing one keeps its code, which names it in scores and rankings."""

    class Meta:
        model = Criterion
        fields = ["code", "number", "name", "rubric", "max_points", "weight"]
        widgets = {"rubric": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "code": _("英文字母、数字或连字符，如 innovation；留空则自动生成。"),
            "number": _("在本年度评比标准中的先后顺序；留空排在最后。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["code"]
        else:
            self.fields["code"].required = False
            self.fields["number"].required = False
        self.helper = _helper(_("保存评比标准"))
        self.helper.form_tag = False


def _quality_field_choices(blank: bool) -> list:
    groups = [
        (QualityTarget(target).label, [(code, label) for code, label in fields])
        for target, fields in QUALITY_FIELDS.items()
    ]
    return [("", _("（不用）")), *groups] if blank else groups


class QualityRuleForm(PortalModelForm):
    """A data-quality rule of the year; which fields fit which target and kind is the
    model's `clean`."""

    field = forms.ChoiceField(label=_("数据项"), choices=())
    other_field = forms.ChoiceField(label=_("比较数据项"), choices=(), required=False)

    class Meta:
        model = QualityRule
        fields = [
            "number", "target", "kind", "field", "other_field", "low", "high", "factor",
            "min_peers", "severity", "active",
        ]  # fmt: skip
        help_texts = {"number": _("留空排在最后。")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = _quality_field_choices(blank=False)
        self.fields["other_field"].choices = _quality_field_choices(blank=True)
        self.fields["other_field"].help_text = QualityRule._meta.get_field("other_field").help_text
        self.fields["number"].required = False
        self.helper = _helper(
            _("保存规则"),
            Row(Column("number"), Column("target"), Column("kind"), Column("severity")),
            Row(Column("field"), Column("other_field")),
            Row(Column("low"), Column("high"), Column("factor"), Column("min_peers")),
            "active",
        )
        self.helper.form_tag = False


EVIDENCE_LINE = re.compile(r"^(https?://\S+)?/(reports|volunteers)/\S*$")


class SelfAssessmentForm(PortalForm):
    """A unit's self-assessment: per criterion of the year its points, justification and
    evidence links (`points_<code>`, `justification_<code>`, `evidence_<code>`)."""

    def __init__(self, *args, criteria, assessment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        stored = {s.criterion_id: s for s in assessment.scores.all()} if assessment else {}
        for criterion in self.criteria:
            score = stored.get(criterion.pk)
            code = criterion.code
            self.fields[f"points_{code}"] = forms.DecimalField(
                label=_("%(name)s：自评分（满分%(max)s）")
                % {"name": criterion.name, "max": criterion.max_points.normalize()},
                min_value=0,
                max_value=criterion.max_points,
                decimal_places=1,
                required=False,
                initial=score.points if score else None,
            )
            self.fields[f"justification_{code}"] = forms.CharField(
                label=_("自评理由"),
                max_length=500,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=score.justification if score else "",
            )
            self.fields[f"evidence_{code}"] = forms.CharField(
                label=_("证明材料链接"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("每行一个本门户的链接，如本单位的季度报告、劳模扶贫活动或附件的地址。"),
                initial=score.evidence if score else "",
            )
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        for criterion in self.criteria:
            name = f"evidence_{criterion.code}"
            lines = [line.strip() for line in cleaned.get(name, "").splitlines() if line.strip()]
            if any(not EVIDENCE_LINE.match(line) for line in lines):
                self.add_error(name, _("请填写本门户季度报告、活动或附件的链接，每行一个。"))
            cleaned[name] = "\n".join(lines)
        return cleaned

    def scores(self) -> dict:
        data = self.cleaned_data
        return {
            c.code: {
                "points": data.get(f"points_{c.code}"),
                "justification": data.get(f"justification_{c.code}", ""),
                "evidence": data.get(f"evidence_{c.code}", ""),
            }
            for c in self.criteria
        }


class KindQuotasForm(PortalForm):
    """One quota field per unit kind (`kinds`), filled with the year's quotas (`quotas`,
    kind id → quota)."""

    def __init__(self, *args, kinds, quotas, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = {}
        for kind in kinds:
            name = f"quota_{kind.code}"
            self.kinds[name] = kind
            self.fields[name] = forms.IntegerField(
                label=kind.name, min_value=0, max_value=1000, initial=quotas.get(kind.pk, 0)
            )
        self.helper = _helper(_("保存活动数要求"), Row(*(Column(name) for name in self.kinds)))
        self.helper.form_tag = False

    @property
    def quotas(self) -> dict:
        return {kind: self.cleaned_data[name] for name, kind in self.kinds.items()}


class UnitQuotaForm(PortalForm):
    unit = forms.ModelChoiceField(label=_("参赛单位"), queryset=Unit.objects.none())
    quota = forms.IntegerField(
        label=_("本年度活动数要求（单独设定）"),
        min_value=0,
        max_value=1000,
        required=False,
        help_text=_("留空表示按单位类别的要求。"),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.helper = _helper(_("保存单位要求"), Row(Column("unit"), Column("quota")))
        self.helper.form_tag = False


class ParticipationStartForm(PortalForm):
    unit = forms.ModelChoiceField(label=_("参赛单位"), queryset=Unit.objects.none())
    date = forms.DateField(label=_("参赛起始日"), widget=DATE_INPUT)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.helper = _helper(_("从该日起参赛"), Row(Column("unit"), Column("date")))
        self.helper.form_tag = False


class ParticipationEndForm(PortalForm):
    unit = forms.ModelChoiceField(label=_("参赛单位"), queryset=Unit.objects.none())
    date = forms.DateField(
        label=_("退出日期"),
        widget=DATE_INPUT,
        help_text=_("自该日起不再参赛；此前各报送期的应报数、活动数要求和排名不变。"),
    )
    reason = forms.CharField(label=_("退出原因"), max_length=200, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.helper = _helper(
            _("从该日起退出"), Row(Column("unit"), Column("date"), Column("reason"))
        )
        self.helper.form_tag = False


class PeriodForm(PortalModelForm):
    class Meta:
        model = ReportingPeriod
        fields = ["number", "name", "start", "end", "deadline"]
        widgets = {"start": DATE_INPUT, "end": DATE_INPUT, "deadline": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            _("保存报送期"),
            Row(Column("number"), Column("name")),
            Row(Column("start"), Column("end"), Column("deadline")),
        )
        self.helper.form_tag = False


class PeriodsReplaceForm(PortalForm):
    scheme = forms.ChoiceField(label=_("报送方式"), choices=PeriodScheme.choices)
    deadline_days = forms.IntegerField(
        label=_("期末后几天截止"), min_value=0, max_value=60, initial=10
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("替换全部报送期"), Row(Column("scheme"), Column("deadline_days")))
        self.helper.form_tag = False


# --- data-quality warnings on the forms of reported numbers (reports, volunteers) ------------


def quality_warnings_show(form, flags) -> None:
    """Each flag's message beside its field, in the field's help text (crispy renders it)."""
    form.quality_flags = quality.described(flags)
    for name, messages in quality.by_field(flags).items():
        if name not in form.fields:
            continue
        field = form.fields[name]
        warnings = format_html_join(
            "", '<span class="d-block text-warning-emphasis quality-warning">⚠ {}</span>',
            ((message,) for message in messages),
        )  # fmt: skip
        field.help_text = format_html("{}{}", field.help_text or "", warnings)
        # The bound field copied the help text when the form cleaned its fields.
        form[name].help_text = field.help_text


def quality_require_explanation(form, flags, *, required: bool) -> None:
    """Refusals are errors on their fields; warnings need an explanation when `required`."""
    for flag in quality.refusals(flags):
        if flag["field"] in form.fields:
            form.add_error(flag["field"], quality.describe(flag))
    explanation = form.cleaned_data.get("quality_explanation", "")
    if required and quality.warnings(flags) and not explanation.strip():
        form.add_error("quality_explanation", _("数据有异常提示，提交前请在“异常说明”中说明原因。"))
