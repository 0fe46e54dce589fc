from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row, Submit
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.forms import FilterForm, PortalForm, PortalModelForm, UploadField
from volunteers.models import ModelWorker

from .enums import (
    COLLECTIVE_CRITERIA,
    DEFAULT_PUBLICITY_DAYS,
    INDIVIDUAL_CRITERIA,
    Category,
    CollectiveKind,
    ShortlistCategory,
)
from .models import EvaluationSettings, Nomination, UnitApplication
from .services import NOMINATION_FIELDS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _helper(label, *layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    if layout:
        helper.layout = Layout(*layout)
    helper.add_input(Submit("submit", label))
    return helper


class NominationForm(PortalModelForm):
    """A nomination of the user's unit: its entries and model workers only."""

    class Meta:
        model = Nomination
        fields = list(NOMINATION_FIELDS)
        widgets = {
            "work_started_on": DATE_INPUT,
            "statement": forms.Textarea(attrs={"rows": 5}),
            **{
                f"evidence_{code}": forms.Textarea(attrs={"rows": 3})
                for code, _n in COLLECTIVE_CRITERIA + INDIVIDUAL_CRITERIA
            },
        }

    def __init__(self, *args, unit, year, entries, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            # The model's checks (entry of the same unit and year) need them.
            self.instance.unit, self.instance.year = unit, year
        self.fields["entry"].queryset = entries
        self.fields["model_worker"].queryset = ModelWorker.objects.filter(unit=unit)
        evidence = lambda criteria: [f"evidence_{code}" for code, _n in criteria]  # noqa: E731
        self.helper = _helper(
            _("保存申报"),
            Row(Column("category"), Column("entry")),
            Fieldset(_("先锋集体"), Row(Column("collective_kind"), Column("team_name"))),
            Fieldset(
                _("先锋个人"),
                Row(Column("person_name"), Column("gender"), Column("position")),
                Row(
                    Column("model_worker"),
                    Column("work_started_on"),
                    Column("has_disciplinary_record"),
                ),
            ),
            "statement",
            HTML(
                '<p class="small text-muted">{}</p>'.format(
                    _("每项标准须有事实材料，否则视为材料不全。")
                )
            ),
            Fieldset(_("先锋集体：选树标准"), *evidence(COLLECTIVE_CRITERIA)),
            Fieldset(_("先锋个人：选树标准"), *evidence(INDIVIDUAL_CRITERIA)),
        )

    def clean(self):
        data = super().clean()
        category = data.get("category")
        if category == Category.INDIVIDUAL:
            for name in ("person_name", "gender", "work_started_on"):
                if not data.get(name):
                    self.add_error(name, _("先锋个人须填写此项。"))
        elif category == Category.COLLECTIVE and not data.get("collective_kind"):
            self.add_error("collective_kind", _("先锋集体须选择集体类型。"))
        if category == Category.COLLECTIVE and data.get("collective_kind") == CollectiveKind.UNIT:
            data["team_name"] = ""
        return data


class ApplicationForm(PortalModelForm):
    """A unit's application for the 奖状: what it organised and the facts that show it."""

    class Meta:
        model = UnitApplication
        fields = ["statement", "evidence"]
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 5}),
            "evidence": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("提交申报"))


class ApplicationReviewForm(PortalForm):
    decision = forms.ChoiceField(
        label=_("审核结果"),
        choices=[("accept", _("通过")), ("return", _("退回修改")), ("refuse", _("不通过"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回或不通过时必填。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("保存审核结果"))


class FindingForm(PortalForm):
    """A disciplinary finding on the nominee's record (违纪违法记录)."""

    found_on = forms.DateField(
        label=_("认定日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    evidence = forms.CharField(
        label=_("依据"), max_length=200, help_text=_("处分决定文号、通报或其他依据。")
    )
    description = forms.CharField(
        label=_("情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    on_model_worker = forms.BooleanField(
        label=_("记录在劳模名册中（对其所有申报有效）"), required=False
    )

    def __init__(self, *args, nomination=None, **kwargs):
        super().__init__(*args, **kwargs)
        if nomination is None or nomination.model_worker_id is None:
            del self.fields["on_model_worker"]
        self.helper = _helper(_("记录"))


class WorkStartForm(PortalForm):
    """A verified start of the nominee's poverty-alleviation work (扶贫工作起始记录)."""

    started_on = forms.DateField(
        label=_("从事扶贫工作起始日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    evidence = forms.CharField(
        label=_("依据"), max_length=200, help_text=_("派驻或任职文件文号、帮扶台账等。")
    )
    on_model_worker = forms.BooleanField(
        label=_("记录在劳模名册中（对其所有申报有效）"), required=False
    )

    def __init__(self, *args, nomination=None, **kwargs):
        super().__init__(*args, **kwargs)
        if nomination is None or nomination.model_worker_id is None:
            del self.fields["on_model_worker"]
        self.helper = _helper(_("记录"))


class WithdrawFindingForm(PortalForm):
    reason = forms.CharField(label=_("撤销理由"), max_length=200)


class OverrideForm(PortalForm):
    override = forms.BooleanField(label=_("特批入围（不符合条件或材料不全时）"), required=False)
    reason = forms.CharField(
        label=_("特批理由"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("保存"))

    def clean(self):
        data = super().clean()
        if data.get("override") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("特批必须填写理由。"))
        return data


class AttachmentForm(PortalForm):
    file = UploadField(label=_("附件"))


class SettingsForm(PortalModelForm):
    """The year's evaluation rules: the unit ranking's weights and late-report factor, the
    service years, the award limit, one tie-break slot per rule the year allows (its
    criteria and the earlier submission: `rules`, from `services.tie_break_rules`) and the
    award of each shortlist category (`awards`, from `selectors.year_awards`)."""

    class Meta:
        model = EvaluationSettings
        fields = [
            "weight_entries",
            "weight_timeliness",
            "weight_quota",
            "weight_spot_checks",
            "late_report_factor",
            "min_service_years",
            "max_awards_per_unit",
            "apply_needs_quota",
            "apply_needs_reports",
            "apply_needs_spot_checks",
            "publicity_days",
        ]

    def __init__(self, *args, rules, awards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weight_spot_checks"].required = False
        self.fields["publicity_days"].required = False
        choices = [("", "—"), *rules]
        self.slots = [f"rule_{index}" for index in range(1, len(rules) + 1)]
        for index, name in enumerate(self.slots, start=1):
            self.fields[name] = forms.ChoiceField(
                label=_("并列时第%(n)s比较") % {"n": index}, choices=choices, required=False
            )
        for name, rule in zip(self.slots, self.instance.tie_break, strict=False):
            self.fields[name].initial = rule
        self.award_fields = {}
        for category, award in awards.items():
            name = f"award_{category}"
            self.award_fields[name] = category
            self.fields[name] = forms.CharField(
                label=_("%(category)s的表彰") % {"category": award.get_category_display()},
                max_length=50,
                initial=award.name,
            )
        self.helper = _helper(
            _("保存设置"),
            Row(
                Column("weight_entries"),
                Column("weight_timeliness"),
                Column("weight_quota"),
                Column("weight_spot_checks"),
            ),
            Row(
                Column("late_report_factor"),
                Column("min_service_years"),
                Column("publicity_days"),
            ),
            Row(*(Column(name) for name in self.slots)),
            Row(*(Column(name) for name in self.award_fields)),
            "max_awards_per_unit",
            Row(
                Column("apply_needs_quota"),
                Column("apply_needs_reports"),
                Column("apply_needs_spot_checks"),
            ),
        )

    def clean_publicity_days(self):
        """Left empty, the notice's practice (5 working days)."""
        value = self.cleaned_data.get("publicity_days")
        return DEFAULT_PUBLICITY_DAYS if value is None else value

    def clean_weight_spot_checks(self):
        """Left empty, spot checks do not count (0)."""
        value = self.cleaned_data.get("weight_spot_checks")
        return Decimal("0") if value is None else value

    def clean(self):
        data = super().clean()
        chain = [data[name] for name in self.slots if data.get(name)]
        if len(set(chain)) != len(chain):
            raise forms.ValidationError(_("并列区分规则不能重复。"))
        data["tie_break"] = chain
        data["award_names"] = {
            category: data[name] for name, category in self.award_fields.items() if name in data
        }
        return data


class AwardLimitForm(PortalForm):
    """A unit's own cap on awards in the year; left empty, the year's cap applies again."""

    unit = forms.ModelChoiceField(label=_("参赛单位"), queryset=None)
    max_awards = forms.IntegerField(
        label=_("表彰名额上限"),
        min_value=0,
        max_value=1000,
        required=False,
        help_text=_("留空表示按本年度每单位上限。"),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.helper = _helper(_("保存单位名额"), Row(Column("unit"), Column("max_awards")))


class ShortlistBuildForm(PortalForm):
    category = forms.ChoiceField(label=_("类别"), choices=ShortlistCategory.choices)
    top_n = forms.IntegerField(label=_("前N名"), min_value=1, max_value=1000, required=False)
    threshold = forms.FloatField(label=_("或分数线"), min_value=0, max_value=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            _("生成入围名单"), Row(Column("category"), Column("top_n"), Column("threshold"))
        )

    def clean(self):
        data = super().clean()
        if (data.get("top_n") is None) == (data.get("threshold") is None):
            raise forms.ValidationError(_("请填写入围人数或分数线（二者选一）。"))
        return data


class DecisionForm(PortalForm):
    award = forms.ChoiceField(label=_("表彰"), required=False)
    recommend_province = forms.BooleanField(label=_("推荐参加省级评选"), required=False)
    recuperation_priority = forms.BooleanField(label=_("优先安排劳模休养、交流"), required=False)

    def __init__(self, *args, item, award, **kwargs):
        """`award`: the YearAward of the item's category in its run's year."""
        kwargs.setdefault(
            "initial",
            {
                "award": item.award,
                "recommend_province": item.recommend_province,
                "recuperation_priority": item.recuperation_priority,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["award"].choices = [("", _("不授予")), (award.code, award.name)]
        if item.category != ShortlistCategory.INDIVIDUAL:
            del self.fields["recuperation_priority"]


class YearOpenForm(PortalForm):
    """Open a new competition year from an existing one (开启新年度)."""

    source = forms.ModelChoiceField(label=_("沿用哪一年度的规则"), queryset=None, empty_label=None)
    year = forms.IntegerField(label=_("新年度"), min_value=2000, max_value=2100)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = years
        latest = years.order_by("-year").first()
        if latest is not None:
            self.fields["source"].initial = latest.pk
            self.fields["year"].initial = latest.year + 1
        self.helper = _helper(_("预览"), Row(Column("source"), Column("year")))


# --- the decision's procedure (approval, 公示, objections) ----------------------------------


class StepForm(PortalForm):
    """A step of the decision's procedure with an optional comment (submit, approve)."""

    comment = forms.CharField(
        label=_("意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(label or _("提交"))


class ReturnForm(PortalForm):
    comment = forms.CharField(
        label=_("退回意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("退回办公室修改"))


class PublicityStartForm(PortalForm):
    start = forms.DateField(
        label=_("公示开始日期"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("留空为今天；公示期按本年度规则的工作日数计算，节假日顺延。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("开始公示"))


class PublishForm(PortalForm):
    number = forms.CharField(label=_("决定文号"), max_length=50)
    published_on = forms.DateField(
        label=_("决定日期"), required=False, widget=DATE_INPUT, help_text=_("留空为今天。")
    )
    text = forms.CharField(
        label=_("决定正文"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("发布表彰决定"))


class ObjectionForm(PortalForm):
    """An objection to the list under 公示: to one of its awards, or to the whole list."""

    item = forms.ModelChoiceField(
        label=_("针对的表彰对象"),
        queryset=None,
        required=False,
        empty_label=_("整个名单"),
    )
    text = forms.CharField(
        label=_("异议内容"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("请写明事实和依据；竞赛办公室将逐条答复。"),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda item: (
            f"{item.recipient}（{item.unit.name}）"
        )
        self.helper = _helper(_("提出异议"))


class AnswerForm(PortalForm):
    answer = forms.CharField(
        label=_("答复"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("保存答复"))


class NominationFilterForm(FilterForm):
    """The nomination list's filters; the status is the eligibility badge the list shows."""

    STATUSES = [
        ("eligible", _("符合条件")),
        ("overridden", _("特批")),
        ("ineligible", _("不符合条件")),
        ("incomplete", _("材料不全")),
    ]
    year = forms.IntegerField(widget=forms.HiddenInput, required=False)
    q = forms.CharField(label=_("推荐对象或单位"), max_length=100, required=False)
    category = forms.ChoiceField(
        label=_("类别"), choices=[("", _("全部类别")), *Category.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("资格审查"), choices=[("", _("全部")), *STATUSES], required=False
    )

    def filter(self, nominations):
        values = self.values()
        if "q" in values:
            q = values["q"]
            nominations = nominations.filter(
                Q(person_name__icontains=q) | Q(team_name__icontains=q) | Q(unit__name__icontains=q)
            )
        if "category" in values:
            nominations = nominations.filter(category=values["category"])
        return nominations
