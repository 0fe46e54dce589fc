from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import FilterForm, PortalForm, PortalModelForm, UploadField, cap_counts
from common.uploads import validate_upload
from competition.forms import quality_require_explanation, quality_warnings_show
from competition.models import NineProject, ReportingPeriod, UnitKind
from competition.selectors import projects_of

from . import validation
from .enums import ReportStatus
from .models import Report
from .services import NUMBER_FIELDS, TEXT_SECTIONS


class ReportForm(PortalModelForm):
    """The staff's report. Drafts may be incomplete; `submit=True` requires every section."""

    class Meta:
        model = Report
        fields = [*TEXT_SECTIONS, "projects", *NUMBER_FIELDS, "quality_explanation"]
        widgets = {
            "projects": forms.CheckboxSelectMultiple,
            "quality_explanation": forms.Textarea(attrs={"rows": 2}),
            **{name: forms.Textarea(attrs={"rows": 5}) for name in TEXT_SECTIONS},
        }

    # The version the page was read at (see services.report_save): a stale save is refused.
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, submit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submit = submit
        self.fields["version"].initial = self.instance.version
        self.fields["projects"].queryset = projects_of(self.instance.period.year)
        for name in NUMBER_FIELDS:
            self.fields[name].widget.attrs["min"] = 0
        cap_counts(self, *(name for name in NUMBER_FIELDS if name != "funds_invested"))
        if submit:
            for name in (*TEXT_SECTIONS, "projects"):
                self.fields[name].required = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("version"),
            Fieldset(_("文字内容"), *TEXT_SECTIONS),
            Fieldset(_("涉及九大工程"), Field("projects")),
            Fieldset(
                _("数据"),
                Div(*[Div(name, css_class="col-md-4") for name in NUMBER_FIELDS], css_class="row"),
                Field("quality_explanation"),
            ),
        )
        self.quality_flags = []
        if not self.is_bound:
            quality_warnings_show(self, self.instance.quality_flags)

    def clean(self):
        cleaned = super().clean()
        for name in NUMBER_FIELDS:
            value = cleaned.get(name)
            if value is not None and value < 0:
                self.add_error(name, _("不能为负数。"))
        if not any(name in self.errors for name in NUMBER_FIELDS):
            figures = {name: cleaned[name] for name in NUMBER_FIELDS if name in cleaned}
            flags = validation.compute(self.instance, values=figures)
            quality_warnings_show(self, flags)
            quality_require_explanation(self, flags, required=self.submit)
        return cleaned


class AttachmentForm(PortalForm):
    file = UploadField(
        label=_("附件"),
        help_text=_("图片（含 iPhone 的 HEIC，转为 JPEG）、PDF、Word、Excel 或 WPS 文档。"),
        # A phone offers its photos and camera as well as its files.
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/*,.pdf,.doc,.docx,.xls,.xlsx,.wps,.et,.heic,.heif"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_upload(upload)
        return upload


class ReviewForm(PortalForm):
    ACCEPT, RETURN = "accept", "return"
    decision = forms.ChoiceField(
        label=_("审核结论"),
        choices=[(ACCEPT, _("通过")), (RETURN, _("退回修改"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("审核意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回时必填。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.RETURN and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("退回时必须填写审核意见。"))
        return cleaned


class ReopenForm(PortalForm):
    reason = forms.CharField(
        label=_("重新开放原因"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": _("重新开放时必须填写原因。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class ShowcaseForm(PortalForm):
    title = forms.CharField(label=_("推广标题"), max_length=100)
    project = forms.ModelChoiceField(label=_("九大工程"), queryset=NineProject.objects.none())

    def __init__(self, *args, report: Report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = report.projects.all()
        self.helper = FormHelper()
        self.helper.form_tag = False


class QueueFilterForm(PortalForm):
    """GET filters of the office's review queue; invalid values are ignored, not shown. The
    queue lists submitted reports (those waiting for review) unless another status, or all,
    is chosen, and the status select says so."""

    ALL = "all"
    q = forms.CharField(label=_("单位名称"), max_length=100, required=False)
    period = forms.ModelChoiceField(
        label=_("报送期"),
        queryset=ReportingPeriod.objects.select_related("year"),
        required=False,
        empty_label=_("全部报送期"),
    )
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[*ReportStatus.choices, (ALL, _("全部状态"))],
        required=False,
        initial=ReportStatus.SUBMITTED,
    )
    kind = forms.ModelChoiceField(
        label=_("单位类别"),
        queryset=UnitKind.objects.all(),
        required=False,
        empty_label=_("全部类别"),
    )
    late = forms.ChoiceField(
        label=_("逾期"),
        choices=[("", _("不限")), ("1", _("逾期")), ("0", _("按时"))],
        required=False,
    )
    flagged = forms.ChoiceField(
        label=_("数据异常"),
        choices=[("", _("不限")), ("1", _("有异常")), ("0", _("无异常"))],
        required=False,
    )
    order = forms.ChoiceField(
        label=_("排序"),
        choices=[("old", _("提交时间：早→晚")), ("new", _("提交时间：晚→早"))],
        required=False,
    )

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not data.get("status"):
            # Without a status (a first visit, an old link with "?status="), the queue holds
            # what waits for review, and the status select shows that.
            data = data.copy()
            data["status"] = ReportStatus.SUBMITTED
        super().__init__(data, *args, **kwargs)
        # Rendered by templates/_filter_form.html, not crispy: a filter bar is five selects,
        # and crispy's field templates cost a quarter of the queue page.
        for name, field in self.fields.items():
            field.widget.attrs["class"] = (
                "form-control form-control-sm" if name == "q" else "form-select form-select-sm"
            )

    def filters(self) -> dict:
        if not self.is_valid():
            return {"status": ReportStatus.SUBMITTED}
        data = self.cleaned_data
        late = {"1": True, "0": False}.get(data["late"])
        status = data["status"]
        return {
            "unit_name": data["q"] or None,
            "period": data["period"],
            "status": None if status == self.ALL else status,
            "kind": data["kind"],
            "late": late,
            "flagged": {"1": True, "0": False}.get(data["flagged"]),
            "newest_first": data["order"] == "new",
        }


class ReportFilterForm(FilterForm):
    """The report list's filters; the unit name only for those who see every unit's."""

    q = forms.CharField(label=_("单位名称"), max_length=100, required=False)
    period = forms.ModelChoiceField(
        label=_("报送期"),
        queryset=ReportingPeriod.objects.select_related("year"),
        required=False,
        empty_label=_("全部报送期"),
    )
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部状态")), *ReportStatus.choices], required=False
    )

    def __init__(self, *args, many_units: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not many_units:
            del self.fields["q"]

    def filter(self, reports):
        values = self.values()
        lookups = {"q": "unit__name__icontains", "period": "period", "status": "status"}
        return reports.filter(**{lookups[k]: v for k, v in values.items() if k in lookups})
