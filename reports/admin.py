from django.contrib import admin

from competition.admin import SealedYearAdminMixin

from .models import Report, ReportAttachment, ReportTransition, ShowcaseItem

# The workflow is changed only through the portal's pages (services); the admin shows it.
_WORKFLOW_FIELDS = (
    "status",
    "first_submitted_at",
    "submitted_at",
    "is_late",
    "review_comment",
    "reviewed_at",
)


class AttachmentInline(admin.TabularInline):
    model = ReportAttachment
    extra = 0
    fields = ("original_name", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    can_delete = False


class TransitionInline(admin.TabularInline):
    model = ReportTransition
    extra = 0
    fields = ("at", "actor", "from_status", "to_status", "comment", "mailed_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Report)
class ReportAdmin(SealedYearAdminMixin, admin.ModelAdmin):
    list_display = ("unit", "period", "status", "submitted_at", "is_late")
    list_filter = ("status", "is_late", "period", "unit__kind")
    search_fields = ("unit__name",)
    list_select_related = ("unit", "period__year")
    readonly_fields = ("unit", "period", *_WORKFLOW_FIELDS)
    filter_horizontal = ("projects",)
    inlines = [AttachmentInline, TransitionInline]

    def year_of(self, obj):
        return obj.period.year

    def has_add_permission(self, request):
        return False


@admin.register(ShowcaseItem)
class ShowcaseItemAdmin(SealedYearAdminMixin, admin.ModelAdmin):
    list_display = ("title", "project", "report", "marked_at")
    list_select_related = ("project", "report__unit", "report__period__year")
    readonly_fields = ("report", "marked_by", "marked_at")

    def year_of(self, obj):
        return obj.report.period.year

    def has_add_permission(self, request):
        return False
