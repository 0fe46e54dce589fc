from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from common.admin import (
    ExcelAdminMixin,
    PermissionLabelsMixin,
    ReadOnlyAdminMixin,
    ServiceAdminMixin,
)

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
    """For an admin that writes (through services): records of a closed (sealed) year are
    read-only here, no change, no delete (the services refuse them too; this says so before
    the form is filled in). An admin states how to find a record's year by overriding
    `year_of`."""

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


@admin.register(UnitKind)
class UnitKindAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Reference data from the migrations: the code decides the kind's rules."""

    list_display = ("name", "code", "order")


class QuotaAdmin(SealedYearAdminMixin, ServiceAdminMixin, SimpleHistoryAdmin):
    """A year's quotas, written through the services (permission, closed years, history)."""

    def get_readonly_fields(self, request, obj=None):
        # The year and the kind/unit of an existing row are its key: change the quota only.
        return ("year", *self.key_fields) if obj is not None else ()


@admin.register(KindQuota)
class KindQuotaAdmin(QuotaAdmin):
    list_display = ("year", "kind", "quota")
    list_filter = ("year", "kind")
    list_select_related = ("year", "kind")
    key_fields = ("kind",)

    # No deleting: a year's kind without a quota would silently count 0.

    def service_save(self, request, obj, form, change):
        return services.kind_quota_set(
            actor=request.user, year=obj.year, kind=obj.kind, quota=obj.quota
        )


@admin.register(UnitQuota)
class UnitQuotaAdmin(QuotaAdmin):
    list_display = ("year", "unit", "quota")
    list_filter = ("year", "unit__kind")
    list_select_related = ("year", "unit")
    search_fields = ("unit__name",)
    autocomplete_fields = ("unit",)
    key_fields = ("unit",)

    def service_save(self, request, obj, form, change):
        return services.unit_quota_set(
            actor=request.user, year=obj.year, unit=obj.unit, quota=obj.quota
        )

    def service_delete(self, request, obj):
        # The unit follows its kind's quota again.
        services.unit_quota_set(actor=request.user, year=obj.year, unit=obj.unit, quota=None)


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
class NineProjectAdmin(ReadOnlyAdminMixin, YearRuleAdmin):
    list_display = ("year", "number", "name", "short_name")


@admin.register(ActivityType)
class ActivityTypeAdmin(ReadOnlyAdminMixin, YearRuleAdmin):
    list_display = ("year", "number", "code", "name")


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Read-only here: a year's criteria are edited on the portal's year page, whose service
    keeps the standings right and refuses a year that is no longer open."""

    list_display = ("year", "number", "name", "max_points", "weight")
    list_filter = ("year",)


class ParticipationInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Read only: the dates change through the actions (services), never by editing a row,
    so that no edit rewrites the periods already counted."""

    model = Participation
    extra = 0
    fields = ("start", "end", "end_reason")


@admin.register(Unit)
class UnitAdmin(ServiceAdminMixin, ExcelAdminMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    """Units are reference data: added and changed through `services.unit_save` (a new unit
    takes part from today); never deleted (a unit stops taking part instead)."""

    resource_classes = [UnitResource]
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

    def service_save(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name] for name in services.UNIT_FIELDS if name in form.fields
        }
        return services.unit_save(actor=request.user, unit=obj if change else None, **fields)

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
class CompetitionYearAdmin(SealedYearAdminMixin, ServiceAdminMixin, SimpleHistoryAdmin):
    """A year and its periods, written through the services (`competition_year_create`,
    `competition_year_update`, `period_save`/`period_delete`): admins only, a closed year is
    read-only, the periods stay inside the year. The status changes on the years page
    (closing, reopening), the results are published from the standings page; years are
    not deleted."""

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

    add_fields = (
        "year",
        "title",
        "theme",
        "evaluation_date",
        "disagreement_threshold",
        "unassigned_may_score",
    )
    change_fields = (
        "year",
        "title",
        "theme",
        "start_date",
        "end_date",
        "evaluation_date",
        "status",
        "results_published",
        "results_published_at",
        "disagreement_threshold",
        "unassigned_may_score",
    )

    def year_of(self, obj):
        return obj

    def get_fields(self, request, obj=None):
        return self.change_fields if obj is not None else self.add_fields

    def get_readonly_fields(self, request, obj=None):
        # Closing and reopening go through the years page (services record who and why).
        if obj is None:
            return ()
        return ("year", "status", "results_published", "results_published_at")

    def service_save(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name] for name in services.YEAR_FIELDS if name in form.fields
        }
        if change:
            return services.competition_year_update(actor=request.user, year=obj, **fields)
        # The year's dates are its calendar year; its periods come from the inline (or the
        # four quarters, `save_related`).
        year = services.competition_year_create(
            actor=request.user,
            year=obj.year,
            title=fields.pop("title"),
            theme=fields.pop("theme"),
            evaluation_date=fields.pop("evaluation_date"),
            periods=[],
        )
        return services.competition_year_update(actor=request.user, year=year, **fields)

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
    """Saved by `services.membership_set` (see `PortalUserAdmin.save_formset`)."""

    model = Membership
    can_delete = False
    autocomplete_fields = ("unit",)


User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(Group)
class PortalGroupAdmin(PermissionLabelsMixin, GroupAdmin):
    pass


@admin.register(User)
class PortalUserAdmin(PermissionLabelsMixin, ExcelAdminMixin, ImportExportModelAdmin, UserAdmin):
    """Accounts (name, e-mail, password, active) through Django's own user forms; the role and
    unit through `services.membership_set`. Users are deactivated, never deleted: what they
    did keeps naming them. An import adds users and never changes one (`UserResource`)."""

    resource_classes = [UserResource]
    inlines = [MembershipInline]
    list_display = ("username", "first_name", "email", "role", "unit", "is_active")
    list_select_related = ("membership__unit",)
    list_filter = ("membership__role", "is_active")

    def has_delete_permission(self, request, obj=None):
        return False

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        # Validated by the formset (the model's checks, which the service applies too).
        for membership in formset.save(commit=False):
            services.membership_set(
                actor=request.user, user=form.instance, role=membership.role, unit=membership.unit
            )

    @admin.display(description=_("角色"))
    def role(self, user):
        membership = getattr(user, "membership", None)
        return membership.get_role_display() if membership else "—"

    @admin.display(description=_("所属单位"))
    def unit(self, user):
        membership = getattr(user, "membership", None)
        return membership.unit if membership and membership.unit else "—"


# The scoring records are read-only here: they change on the portal's pages, through the
# services (who may, closed years, the standings kept right, history).


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("title", "unit", "year", "nine_project", "target_households", "created_at")
    list_filter = ("year", "nine_project")
    search_fields = ("title", "unit__name")
    list_select_related = ("unit", "year", "nine_project")


@admin.register(ScoreSheet)
class ScoreSheetAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """A sheet is never deleted: it stays the record. One stops counting when its reviewer
    declares a conflict with the entry's unit (`selectors.counted_sheets`)."""

    list_display = ("entry", "reviewer", "points", "updated_at")
    list_filter = ("entry__year",)
    list_select_related = ("entry", "reviewer")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("scores__criterion")

    @admin.display(description=_("各项得分"))
    def points(self, obj):
        return "；".join(f"{s.criterion.name} {s.points}" for s in obj.scores.all())


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("reviewer", "unit", "reason", "created_at")
    list_select_related = ("reviewer", "unit")


@admin.register(ReviewerAssignment)
class ReviewerAssignmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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
class SpotCheckAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("unit", "date", "rating", "inspectors", "year")
    list_filter = ("year", "rating")
    list_select_related = ("unit", "year")
    inlines = [SpotCheckPhotoInline]


@admin.register(SpotCheckDraw)
class SpotCheckDrawAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("pk", "year", "seed", "count", "result", "drawn_by", "created_at")


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("title", "year", "published", "published_at")
    exclude = ("standings",)
    readonly_fields = ("standings_table",)

    @admin.display(description=_("排名表"))
    def standings_table(self, notice):
        """The standings kept with the notice, as a table (not its JSON)."""
        if not notice.standings:
            return "—"
        head = format_html(
            "<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            _("九大工程"), _("单位"), _("参赛项目"), _("评分表数"), _("总分"),
        )  # fmt: skip
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (r.get("nine_project"), r.get("unit"), r.get("title"), r.get("sheets"),
                 "—" if r.get("total") is None else r.get("total"))
                for r in notice.standings
            ),
        )  # fmt: skip
        return format_html("<table>{}{}</table>", head, rows)

    list_filter = ("published", "year")
