from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import XLSX

from competition.admin import SealedYearAdminMixin, year_of_date
from competition.services import date_require_unsealed

from .models import Activity, ActivityPhoto, ModelWorker, ServiceRecord, VolunteerMembership
from .resources import ActivityResource, ModelWorkerResource


@admin.register(ModelWorker)
class ModelWorkerAdmin(ImportExportModelAdmin):
    resource_classes = [ModelWorkerResource]
    formats = [XLSX]
    list_display = ("name", "unit", "honour_level", "expertise", "masked_phone")
    list_filter = ("honour_level", "expertise", "unit__kind")
    list_select_related = ("unit",)
    search_fields = ("name", "unit__name")

    def has_import_permission(self, request):
        # Imports go through the portal's all-or-nothing import page.
        return False


class ServiceRecordFormSet(BaseInlineFormSet):
    """A membership is not per year, its service records are: a record dated in a closed year
    cannot be added, changed or deleted here either."""

    def clean(self):
        super().clean()
        for form in self.forms:
            if not form.has_changed() and not self._should_delete_form(form):
                continue
            stored = form.initial.get("date") if form.instance.pk else None
            date_require_unsealed(stored, getattr(form, "cleaned_data", {}).get("date"))


class ServiceRecordInline(admin.TabularInline):
    model = ServiceRecord
    formset = ServiceRecordFormSet
    extra = 0
    fields = ("date", "hours", "place", "content")


@admin.register(VolunteerMembership)
class VolunteerMembershipAdmin(admin.ModelAdmin):
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
class ActivityAdmin(SealedYearAdminMixin, ImportExportModelAdmin):
    resource_classes = [ActivityResource]
    formats = [XLSX]
    list_display = ("title", "unit", "activity_type", "nine_project", "date")
    list_filter = ("activity_type", "nine_project", "unit__kind")
    list_select_related = ("unit", "nine_project", "activity_type")
    search_fields = ("title", "unit__name", "town", "village")
    date_hierarchy = "date"
    filter_horizontal = ("model_workers",)
    inlines = [ActivityPhotoInline]

    def year_of(self, obj):
        return year_of_date(obj.date)

    def has_import_permission(self, request):
        return False
