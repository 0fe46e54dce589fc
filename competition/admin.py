from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import XLSX
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import (
    CompetitionYear,
    Criterion,
    Membership,
    NineProject,
    ReportingPeriod,
    Unit,
    UnitKind,
)
from .resources import UnitResource, UserResource


@admin.register(UnitKind)
class UnitKindAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "default_quota", "order")
    list_editable = ("default_quota",)


@admin.register(NineProject)
class NineProjectAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "short_name")


@admin.register(Criterion)
class CriterionAdmin(SimpleHistoryAdmin):
    list_display = ("number", "name", "max_points", "weight")
    list_editable = ("max_points", "weight")


@admin.register(Unit)
class UnitAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [UnitResource]
    formats = [XLSX]
    list_display = (
        "name",
        "kind",
        "parent",
        "contact_person",
        "phone",
        "is_active",
        "quota_override",
    )
    list_filter = ("kind", "is_active")
    search_fields = ("name", "contact_person")
    list_select_related = ("kind", "parent")
    autocomplete_fields = ("parent",)


class ReportingPeriodInline(admin.TabularInline):
    model = ReportingPeriod
    extra = 0
    max_num = 4


@admin.register(CompetitionYear)
class CompetitionYearAdmin(SimpleHistoryAdmin):
    list_display = ("year", "title", "status", "evaluation_date")
    inlines = [ReportingPeriodInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A new year gets its four quarterly periods; periods edited inline are kept.
        services.periods_ensure(actor=request.user, competition_year=form.instance)


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    autocomplete_fields = ("unit",)


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(ImportExportModelAdmin, UserAdmin):
    resource_classes = [UserResource]
    formats = [XLSX]
    inlines = [MembershipInline]
    list_display = ("username", "first_name", "email", "role", "unit", "is_active")
    list_select_related = ("membership__unit",)
    list_filter = ("membership__role", "is_active")

    @admin.display(description=_("角色"))
    def role(self, user):
        membership = getattr(user, "membership", None)
        return membership.get_role_display() if membership else "—"

    @admin.display(description=_("所属单位"))
    def unit(self, user):
        membership = getattr(user, "membership", None)
        return membership.unit if membership and membership.unit else "—"
