from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import XLSX
from simple_history.admin import SimpleHistoryAdmin

from . import services
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


class ReportingPeriodFormSet(BaseInlineFormSet):
    """The year's periods checked together, as they will be once saved (services.period_check:
    one period at a time against the database could refuse a valid set of edits)."""

    def clean(self):
        super().clean()
        year = self.instance
        if not (year.start_date and year.end_date):
            return  # the year's own form has errors
        live = [
            form
            for form in self.forms
            if form.is_valid()
            and (form.instance.pk or form.has_changed())
            and not (self.can_delete and self._should_delete_form(form))
        ]
        for form in live:
            others = [other.instance for other in live if other is not form]
            try:
                services.period_check(year, form.instance, others)
            except ValidationError as error:
                form.add_error(None, error)


class ReportingPeriodInline(admin.TabularInline):
    model = ReportingPeriod
    formset = ReportingPeriodFormSet
    fields = ("number", "name", "start", "end", "deadline")
    extra = 0


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

    def save_formset(self, request, form, formset, change):
        if formset.model is not ReportingPeriod:
            return super().save_formset(request, form, formset, change)
        periods = formset.save(commit=False)  # values on the instances, nothing written
        for period in formset.deleted_objects:
            services.period_delete(actor=request.user, period=period)
        # Checked together by the formset; written one at a time, each when it no longer
        # clashes with the database (moving a boundary: the shrinking period first).
        pending = list(periods)
        while pending:
            for period in pending:
                try:
                    with transaction.atomic():
                        _period_save(request.user, form.instance, period)
                except ValidationError:
                    continue
                pending.remove(period)
                break
            else:
                _period_save(request.user, form.instance, pending[0])  # raises

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A new year without periods entered gets the four quarters; a year whose periods
        # were all deleted keeps none until some are added.
        if not change:
            services.periods_ensure(actor=request.user, competition_year=form.instance)


def _period_save(actor, year, period):
    fields = {field: getattr(period, field) for field in services.PERIOD_FIELDS}
    saved = services.period_save(
        actor=actor, year=year, period=period if period.pk else None, **fields
    )
    period.pk = saved.pk  # the admin's change message names the instance it holds


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
class EntryAdmin(SimpleHistoryAdmin):
    list_display = ("title", "unit", "year", "nine_project", "target_households", "created_at")
    list_filter = ("year", "nine_project")
    search_fields = ("title", "unit__name")
    list_select_related = ("unit", "year", "nine_project")


@admin.register(ScoreSheet)
class ScoreSheetAdmin(SimpleHistoryAdmin):
    """Read-only here: sheets change only through the scoring page (rules, ranges, history)."""

    list_display = ("entry", "reviewer", "work", "effect", "income", "satisfaction", "updated_at")
    list_filter = ("entry__year",)
    list_select_related = ("entry", "reviewer")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(SimpleHistoryAdmin):
    list_display = ("reviewer", "unit", "reason", "created_at")
    list_select_related = ("reviewer", "unit")


@admin.register(ReviewerAssignment)
class ReviewerAssignmentAdmin(admin.ModelAdmin):
    list_display = ("entry", "reviewer", "assigned_by", "created_at")
    list_filter = ("entry__year",)
    list_select_related = ("entry", "reviewer", "assigned_by")


class SpotCheckPhotoInline(admin.TabularInline):
    model = SpotCheckPhoto
    extra = 0
    fields = ("original_name", "uploaded_at")
    readonly_fields = ("original_name", "uploaded_at")
    can_delete = False


@admin.register(SpotCheck)
class SpotCheckAdmin(SimpleHistoryAdmin):
    list_display = ("unit", "date", "rating", "inspectors", "year")
    list_filter = ("year", "rating")
    list_select_related = ("unit", "year")
    inlines = [SpotCheckPhotoInline]


@admin.register(SpotCheckDraw)
class SpotCheckDrawAdmin(admin.ModelAdmin):
    list_display = ("pk", "year", "seed", "count", "result", "drawn_by", "created_at")
    readonly_fields = ("year", "seed", "count", "pool", "result", "drawn_by")


@admin.register(Notice)
class NoticeAdmin(SimpleHistoryAdmin):
    list_display = ("title", "year", "published", "published_at")
    list_filter = ("published", "year")
