from django.contrib import admin

from common.admin import ReadOnlyAdminMixin

from .models import Report, ReportAttachment, ReportTransition, ShowcaseItem

# Reports, their attachments and the showcase change only through the portal's pages
# (services: who may, the report's lifecycle, closed years); the admin shows them.


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
class ReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("unit", "period", "status", "submitted_at", "is_late")
    list_filter = ("status", "is_late", "period", "unit__kind")
    search_fields = ("unit__name",)
    list_select_related = ("unit", "period__year")
    inlines = [AttachmentInline, TransitionInline]


@admin.register(ShowcaseItem)
class ShowcaseItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "project", "report", "marked_at")
    list_select_related = ("project", "report__unit", "report__period__year")
