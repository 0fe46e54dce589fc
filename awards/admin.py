from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from common.admin import ReadOnlyAdminMixin, ServiceAdminMixin
from competition.admin import SealedYearAdminMixin

from . import services
from .enums import DEFAULT_LATE_FACTOR, DEFAULT_SERVICE_YEARS
from .models import (
    AwardDecision,
    DecisionStep,
    DisciplinaryFinding,
    EvaluationRun,
    EvaluationSettings,
    Nomination,
    NominationAttachment,
    Objection,
    ShortlistItem,
    UnitAwardLimit,
    WorkStartRecord,
    YearAward,
)

# Nominations, the evaluation settings and runs change on the portal's pages, through the
# services; here they are read-only. Per-unit award limits and the decisions on the shortlist
# are written here too, through the same services as the portal (its checks and messages).


class AttachmentInline(admin.TabularInline):
    model = NominationAttachment
    extra = 0
    readonly_fields = ["file", "original_name", "uploaded_by", "uploaded_at"]


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "unit", "year", "category", "override", "created_at"]
    list_filter = ["year", "category", "override"]
    search_fields = ["person_name", "team_name", "unit__name"]
    list_select_related = ["unit", "year"]
    inlines = [AttachmentInline]


@admin.register(EvaluationSettings)
class EvaluationSettingsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["year", "weight_entries", "weight_timeliness", "weight_quota"]


@admin.register(YearAward)
class YearAwardAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only here: each category has one award per year (year_open copies them; the
    evaluation page edits their names through the service)."""

    list_display = ["year", "category", "name"]
    list_filter = ["year"]
    list_select_related = ["year"]
    readonly_fields = ["year", "category", "code"]

    def has_add_permission(self, request):
        return False


@admin.register(UnitAwardLimit)
class UnitAwardLimitAdmin(SealedYearAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    """Through `services.unit_award_limit_set`; deleting lets the unit follow the year's cap."""

    list_display = ["year", "unit", "max_awards"]
    list_filter = ["year"]
    list_select_related = ["year", "unit"]
    autocomplete_fields = ["unit"]

    def get_readonly_fields(self, request, obj=None):
        return ("year", "unit") if obj is not None else ()

    def service_save(self, request, obj, form, change):
        return services.unit_award_limit_set(
            actor=request.user, year=obj.year, unit=obj.unit, max_awards=obj.max_awards
        )

    def service_delete(self, request, obj):
        services.unit_award_limit_set(
            actor=request.user, year=obj.year, unit=obj.unit, max_awards=None
        )


@admin.register(DisciplinaryFinding)
class DisciplinaryFindingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Recorded and withdrawn on the nomination's page (the office or the nominating unit)."""

    list_display = ["found_on", "evidence", "nomination", "model_worker", "withdrawn_at"]
    list_select_related = ["nomination", "model_worker"]


@admin.register(WorkStartRecord)
class WorkStartRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Recorded on the nomination's page (the office or the nominating unit)."""

    list_display = ["started_on", "evidence", "nomination", "model_worker", "recorded_at"]
    list_select_related = ["nomination", "model_worker"]


class DecisionStepInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DecisionStep
    fields = ["at", "action", "actor", "comment"]
    readonly_fields = fields
    extra = 0


@admin.register(AwardDecision)
class AwardDecisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Each step of the procedure is taken on the run's decision page (awards/approval.py)."""

    list_display = ["__str__", "stage", "publicity_start", "publicity_end", "number"]
    list_filter = ["stage"]
    list_select_related = ["run__year"]
    inlines = [DecisionStepInline]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Lodged on the 公示 page, answered on the office's objections page."""

    list_display = ["lodged_at", "decision", "item", "lodged_by", "answered_at"]
    list_select_related = ["decision__run__year", "item", "lodged_by"]


def run_rules(run: EvaluationRun) -> list[tuple[str, object]]:
    """(label, value) of each rule a run's settings hold, labelled as the year's evaluation
    settings name them; a run made before a rule existed shows the value it was built with."""
    field = EvaluationSettings._meta.get_field
    settings = run.settings or {}
    weights = settings.get("weights") or {}
    rows = [(_("评比日"), settings.get("evaluation_date") or "—")]
    names = {
        "entries": "weight_entries",
        "timeliness": "weight_timeliness",
        "quota": "weight_quota",
        "spot_checks": "weight_spot_checks",
    }
    rows += [
        (field(name).verbose_name, weights[key]) for key, name in names.items() if key in weights
    ]
    limit = settings.get("max_awards_per_unit")
    rows += [
        (
            field("late_report_factor").verbose_name,
            settings.get("late_factor", DEFAULT_LATE_FACTOR),
        ),
        (
            field("min_service_years").verbose_name,
            settings.get("min_service_years", DEFAULT_SERVICE_YEARS),
        ),
        (field("max_awards_per_unit").verbose_name, _("不限") if limit is None else limit),
        (field("tie_break").verbose_name, " → ".join(run.tie_break_labels) or "—"),
    ]
    return rows


@admin.register(EvaluationRun)
class EvaluationRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A run is a snapshot; new ones are started from the evaluation page."""

    list_display = ["__str__", "status", "progress", "created_by", "created_at", "finished_at"]
    list_filter = ["year", "status"]
    list_select_related = ["year", "created_by"]
    exclude = ["settings"]
    readonly_fields = ["settings_table"]

    @admin.display(description=_("评选参数"))
    def settings_table(self, run):
        """The rules the run was built with, named as on the evaluation page (not its JSON)."""
        return render_to_string(
            "admin/awards/_run_settings.html",
            {"rules": run_rules(run), "criteria": run.criteria},
        )


@admin.register(ShortlistItem)
class ShortlistItemAdmin(SealedYearAdminMixin, ServiceAdminMixin, admin.ModelAdmin):
    """The decisions on a shortlisted candidate, through `services.shortlist_decide` (the award
    must be the category's, per-unit limits, recuperation for individuals, closed years).
    Candidates are put on and taken off the list on the evaluation page."""

    list_display = ["recipient", "category", "unit", "rank", "award", "recommend_province"]
    list_filter = ["category", "award"]
    list_select_related = ["unit", "run__year"]
    fields = [
        "run",
        "category",
        "recipient",
        "unit",
        "rank",
        "score",
        "award",
        "recommend_province",
        "recuperation_priority",
        "decided_by",
        "decided_at",
    ]
    readonly_fields = [
        "run",
        "category",
        "recipient",
        "unit",
        "rank",
        "score",
        "decided_by",
        "decided_at",
    ]

    def year_of(self, obj):
        return obj.run.year

    def has_add_permission(self, request):
        return False

    def service_save(self, request, obj, form, change):
        return services.shortlist_decide(
            actor=request.user,
            item=obj,
            award=obj.award,
            recommend_province=obj.recommend_province,
            recuperation_priority=obj.recuperation_priority,
        )
