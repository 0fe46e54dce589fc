from django.contrib import admin
from django.utils.translation import gettext_lazy
from import_export.admin import ExportMixin

from common.admin import ExcelAdminMixin, ReadOnlyAdminMixin
from competition.permissions import may

from .models import Activity, ActivityPhoto, ModelWorker, ServiceRecord, VolunteerMembership
from .resources import ActivityResource, ModelWorkerResource

# Read-only here: model workers, the team and activities change on the portal's pages (and
# its all-or-nothing imports), through the services. The admin exports.


@admin.register(ModelWorker)
class ModelWorkerAdmin(ReadOnlyAdminMixin, ExcelAdminMixin, ExportMixin, admin.ModelAdmin):
    resource_classes = [ModelWorkerResource]
    list_display = ("name", "unit", "honour_level", "expertise", "phone_shown")
    list_filter = ("honour_level", "expertise", "unit__kind")
    list_select_related = ("unit",)
    search_fields = ("name", "unit__name")

    @admin.display(description=gettext_lazy("联系电话（隐去中间四位）"))
    def phone_shown(self, worker):
        return worker.masked_phone

    def get_export_resource_kwargs(self, request, **kwargs):
        kwargs = super().get_export_resource_kwargs(request, **kwargs)
        return {**kwargs, "show_phone": may(request.user, "volunteers.view_phone")}


class ServiceRecordInline(admin.TabularInline):
    model = ServiceRecord
    extra = 0
    fields = ("date", "hours", "place", "content")


@admin.register(VolunteerMembership)
class VolunteerMembershipAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("model_worker", "joined_on", "left_on")
    list_select_related = ("model_worker__unit",)
    search_fields = ("model_worker__name",)
    inlines = [ServiceRecordInline]


class ActivityPhotoInline(admin.TabularInline):
    model = ActivityPhoto
    extra = 0
    fields = ("original_name", "caption", "uploaded_at")
    readonly_fields = fields


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdminMixin, ExcelAdminMixin, ExportMixin, admin.ModelAdmin):
    resource_classes = [ActivityResource]
    list_display = ("title", "unit", "activity_type", "nine_project", "date")
    list_filter = ("activity_type", "nine_project", "unit__kind")
    list_select_related = ("unit", "nine_project", "activity_type")
    search_fields = ("title", "unit__name", "town", "village")
    date_hierarchy = "date"
    inlines = [ActivityPhotoInline]

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).prefetch_related("model_workers")
