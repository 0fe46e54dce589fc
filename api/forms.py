import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import PortalForm
from competition.selectors import years

from .enums import Scope


class ApiTokenForm(PortalForm):
    name = forms.CharField(
        label=_("客户端名称"), max_length=100, help_text=_("如“安徽省总工会评选系统”。")
    )
    scopes = forms.MultipleChoiceField(
        label=_("可访问的接口"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    all_years = forms.BooleanField(label=_("所有年度（含以后的年度）"), required=False)
    years = forms.ModelMultipleChoiceField(
        label=_("可访问的年度"),
        queryset=years(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expires_on = forms.DateField(
        label=_("有效期至"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("当天结束时失效；最长一年。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["years"].queryset = years().order_by("-year")
        self.fields["years"].label_from_instance = lambda year: str(year.year)
        self.initial.setdefault("expires_on", timezone.localdate() + datetime.timedelta(days=180))
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("创建令牌")))

    def expires_at(self) -> datetime.datetime:
        """The end of the chosen day, in the portal's time zone."""
        day = self.cleaned_data["expires_on"]
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))
