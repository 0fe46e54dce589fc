from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import XLSX
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .enums import YearStatus
from .models import (
    CompetitionYear,
    ConflictDeclaration,
    Criterion,
    Entry,
    Membership,
    NineProject,
    Notice,
    ReportingPeriod,
    ReviewerAssignment,
    ScoreSheet,
    SpotCheck,
    SpotCheckDraw,
    SpotCheckPhoto,
    Unit,
    UnitKind,
)
from .resources import UnitResource, UserResource


class SealedYearAdminMixin:
    """Records of a closed (sealed) year are read-only here: no change, no delete; adding is
    unaffected. An admin states how to find a record's year by overriding `year_of`."""

    def year_of(self, obj) -> CompetitionYear | None:
        return getattr(obj, "year", None)

    def is_sealed(self, obj) -> bool:
        if obj is None:
            return False
        year = self.year_of(obj)
        return year is not None and year.status == YearStatus.CLOSED

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self.is_sealed(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self.is_sealed(obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history's "revert" saves on POST without asking for change permission.
        if request.method == "POST" and self.is_sealed(self.get_object(request, object_id)):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_deleted_objects(self, objs, request):
        # The changelist's "delete selected" asks per queryset, not per object: a sealed
        # record among them makes the whole deletion refused (as a missing permission).
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if any(self.is_sealed(obj) for obj in objs):
            perms_needed = {*perms_needed, _("已封存年度的记录")}
        return deleted, counts, perms_needed, protected


def year_of_date(date) -> CompetitionYear | None:
    """The year of a dated record (activity, service record): the calendar year's number."""
    return CompetitionYear.objects.filter(year=date.year).first() if date else None


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
    list_display = (
        "year",
        "title",
        "status",
        "evaluation_date",
        "results_published",
        "disagreement_threshold",
        "unassigned_may_score",
    )
    inlines = [ReportingPeriodInline]

    def get_readonly_fields(self, request, obj=None):
        # Closing and reopening go through the years page (services record who and why).
        readonly = super().get_readonly_fields(request, obj)
        return readonly if obj is None else (*readonly, "status")

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


@admin.register(Entry)
class EntryAdmin(SealedYearAdminMixin, SimpleHistoryAdmin):
    list_display = ("title", "unit", "year", "nine_project", "target_households", "created_at")
    list_filter = ("year", "nine_project")
    search_fields = ("title", "unit__name")
    list_select_related = ("unit", "year", "nine_project")


@admin.register(ScoreSheet)
class ScoreSheetAdmin(SealedYearAdminMixin, SimpleHistoryAdmin):
    """Read-only here: sheets change only through the scoring page (rules, ranges, history)."""

    list_display = ("entry", "reviewer", "work", "effect", "income", "satisfaction", "updated_at")
    list_filter = ("entry__year",)
    list_select_related = ("entry", "reviewer")

    def year_of(self, obj):
        return obj.entry.year

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(SimpleHistoryAdmin):
    list_display = ("reviewer", "unit", "reason", "created_at")
    list_select_related = ("reviewer", "unit")


@admin.register(ReviewerAssignment)
class ReviewerAssignmentAdmin(SealedYearAdminMixin, admin.ModelAdmin):
    list_display = ("entry", "reviewer", "assigned_by", "created_at")
    list_filter = ("entry__year",)
    list_select_related = ("entry", "reviewer", "assigned_by")

    def year_of(self, obj):
        return obj.entry.year


class SpotCheckPhotoInline(admin.TabularInline):
    model = SpotCheckPhoto
    extra = 0
    fields = ("original_name", "uploaded_at")
    readonly_fields = ("original_name", "uploaded_at")
    can_delete = False


@admin.register(SpotCheck)
class SpotCheckAdmin(SealedYearAdminMixin, SimpleHistoryAdmin):
    list_display = ("unit", "date", "rating", "inspectors", "year")
    list_filter = ("year", "rating")
    list_select_related = ("unit", "year")
    inlines = [SpotCheckPhotoInline]


@admin.register(SpotCheckDraw)
class SpotCheckDrawAdmin(SealedYearAdminMixin, admin.ModelAdmin):
    list_display = ("pk", "year", "seed", "count", "result", "drawn_by", "created_at")
    readonly_fields = ("year", "seed", "count", "pool", "result", "drawn_by")


@admin.register(Notice)
class NoticeAdmin(SealedYearAdminMixin, SimpleHistoryAdmin):
    list_display = ("title", "year", "published", "published_at")
    list_filter = ("published", "year")
