from django.contrib import admin

from competition.admin import SealedYearAdminMixin

from .models import (
    EvaluationRun,
    EvaluationSettings,
    Nomination,
    NominationAttachment,
    ShortlistItem,
    UnitAwardLimit,
    YearAward,
)


class AttachmentInline(admin.TabularInline):
    model = NominationAttachment
    extra = 0
    readonly_fields = ["file", "original_name", "uploaded_by", "uploaded_at"]


@admin.register(Nomination)
class NominationAdmin(SealedYearAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "unit", "year", "category", "override", "created_at"]
    list_filter = ["year", "category", "override"]
    search_fields = ["person_name", "team_name", "unit__name"]
    list_select_related = ["unit", "year"]
    raw_id_fields = ["entry", "model_worker"]
    readonly_fields = ["override_by", "override_at", "created_by", "created_at"]
    inlines = [AttachmentInline]


@admin.register(EvaluationSettings)
class EvaluationSettingsAdmin(SealedYearAdminMixin, admin.ModelAdmin):
    list_display = ["year", "weight_entries", "weight_timeliness", "weight_quota"]


@admin.register(YearAward)
class YearAwardAdmin(SealedYearAdminMixin, admin.ModelAdmin):
    """The award names only: the code is what decisions hold, and each category has one row
    per year (year_open copies them; the evaluation page edits them)."""

    list_display = ["year", "category", "name"]
    list_filter = ["year"]
    list_select_related = ["year"]
    readonly_fields = ["year", "category", "code"]

    def has_add_permission(self, request):
        return False


@admin.register(UnitAwardLimit)
class UnitAwardLimitAdmin(SealedYearAdminMixin, admin.ModelAdmin):
    list_display = ["year", "unit", "max_awards"]
    list_filter = ["year"]
    list_select_related = ["year", "unit"]


@admin.register(EvaluationRun)
class EvaluationRunAdmin(SealedYearAdminMixin, admin.ModelAdmin):
    """Read-only: a run is a snapshot; new ones are started from the evaluation page."""

    list_display = ["__str__", "status", "progress", "created_by", "created_at", "finished_at"]
    list_filter = ["year", "status"]
    list_select_related = ["year", "created_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ShortlistItem)
class ShortlistItemAdmin(SealedYearAdminMixin, admin.ModelAdmin):
    list_display = ["recipient", "category", "unit", "rank", "award", "recommend_province"]
    list_filter = ["category", "award"]
    list_select_related = ["unit"]
    readonly_fields = ["run", "nomination_ranking", "unit_ranking", "unit", "rank", "score"]

    def year_of(self, obj):
        return obj.run.year
