from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import XLSX
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .enums import YearStatus
from .models import (
    ActivityType,
    CompetitionYear,
    ConflictDeclaration,
    Criterion,
    Entry,
    KindQuota,
    Membership,
    NineProject,
    Notice,
    Participation,
    ReportingPeriod,
    ReviewerAssignment,
    ScoreSheet,
    SpotCheck,
    SpotCheckDraw,
    SpotCheckPhoto,
    Unit,
    UnitKind,
    UnitQuota,
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
    list_display = ("name", "code", "order")


class ServiceAdminMixin:
    """Writes through the services (permission check, validation, history with the user)."""

    def _save(self, request, obj):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        try:
            saved = self._save(request, obj)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return
        if saved is not None:
            obj.pk = saved.pk

    def get_readonly_fields(self, request, obj=None):
        # The year and the kind/unit of an existing row are its key: change the quota only.
        return ("year", *self.key_fields) if obj is not None else ()


@admin.register(KindQuota)
class KindQuotaAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = ("year", "kind", "quota")
    list_filter = ("year", "kind")
    list_select_related = ("year", "kind")
    key_fields = ("kind",)

    def _save(self, request, obj):
        return services.kind_quota_set(
            actor=request.user, year=obj.year, kind=obj.kind, quota=obj.quota
        )

    def has_delete_permission(self, request, obj=None):
        return False  # A year's kind without a quota would silently count 0.


@admin.register(UnitQuota)
class UnitQuotaAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = ("year", "unit", "quota")
    list_filter = ("year", "unit__kind")
    list_select_related = ("year", "unit")
    search_fields = ("unit__name",)
    autocomplete_fields = ("unit",)
    key_fields = ("unit",)

    def _save(self, request, obj):
        return services.unit_quota_set(
            actor=request.user, year=obj.year, unit=obj.unit, quota=obj.quota
        )

    def delete_model(self, request, obj):
        services.unit_quota_set(actor=request.user, year=obj.year, unit=obj.unit, quota=None)

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("year", "unit"):
            self.delete_model(request, obj)


class YearRuleAdmin(SimpleHistoryAdmin):
    """Read-only here: a year's projects and activity types are edited on the portal's year
    pages, whose services check the admin, refuse a closed year and a row in use."""

    list_filter = ("year",)
    list_select_related = ("year",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NineProject)
class NineProjectAdmin(YearRuleAdmin):
    list_display = ("year", "number", "name", "short_name")


@admin.register(ActivityType)
class ActivityTypeAdmin(YearRuleAdmin):
    list_display = ("year", "number", "code", "name")


@admin.register(Criterion)
class CriterionAdmin(SimpleHistoryAdmin):
    """Read-only here: a year's criteria are edited on the portal's year page, whose service
    keeps the standings right and refuses a year that is no longer open."""

    list_display = ("year", "number", "name", "max_points", "weight")
    list_filter = ("year",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ParticipationInline(admin.TabularInline):
    """Read only: the dates change through the actions (services), never by editing a row,
    so that no edit rewrites the periods already counted."""

    model = Participation
    extra = 0
    can_delete = False
    fields = ("start", "end", "end_reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


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
    )
    list_filter = ("kind",)
    search_fields = ("name", "contact_person")
    list_select_related = ("kind", "parent")
    autocomplete_fields = ("parent",)
    inlines = [ParticipationInline]
    actions = ["participation_start_today", "participation_end_today"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # A new unit takes part from today; earlier periods never counted it.
            services.participation_start(actor=request.user, unit=obj, date=timezone.localdate())

    def _participation_action(self, request, queryset, service, done):
        count = 0
        for unit in queryset:
            try:
                service(actor=request.user, unit=unit, date=timezone.localdate())
            except ValidationError as exc:
                messages.warning(request, f"{unit}：{' '.join(exc.messages)}")
            else:
                count += 1
        messages.success(request, done % {"n": count})

    @admin.action(description=_("从今天起参赛"))
    def participation_start_today(self, request, queryset):
        self._participation_action(
            request, queryset, services.participation_start, _("%(n)s 个单位从今天起参赛。")
        )

    @admin.action(description=_("从今天起退出竞赛（此前各期数据不变）"))
    def participation_end_today(self, request, queryset):
        self._participation_action(
            request, queryset, services.participation_end, _("%(n)s 个单位从今天起退出竞赛。")
        )


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

    def get_readonly_fields(self, request, obj=None):
        # Closing and reopening go through the years page (services record who and why).
        readonly = super().get_readonly_fields(request, obj)
        return readonly if obj is None else (*readonly, "status")

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
        services.kind_quotas_ensure(actor=request.user, year=form.instance)
        services.criteria_ensure(competition_year=form.instance)
        services.projects_ensure(actor=request.user, competition_year=form.instance)
        services.activity_types_ensure(actor=request.user, competition_year=form.instance)


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
class EntryAdmin(SealedYearAdminMixin, SimpleHistoryAdmin):
    list_display = ("title", "unit", "year", "nine_project", "target_households", "created_at")
    list_filter = ("year", "nine_project")
    search_fields = ("title", "unit__name")
    list_select_related = ("unit", "year", "nine_project")


@admin.register(ScoreSheet)
class ScoreSheetAdmin(SealedYearAdminMixin, SimpleHistoryAdmin):
    """Read-only here: sheets change only through the scoring page (rules, ranges, history)."""

    list_display = ("entry", "reviewer", "points", "updated_at")
    list_filter = ("entry__year",)
    list_select_related = ("entry", "reviewer")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("scores__criterion")

    @admin.display(description=_("各项得分"))
    def points(self, obj):
        return "；".join(f"{s.criterion.name} {s.points}" for s in obj.scores.all())

    def has_delete_permission(self, request, obj=None):
        # A deleted sheet would leave the standings' sums behind: sheets are not deleted.
        return False

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
