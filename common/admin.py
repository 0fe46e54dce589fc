"""The admin of common's records, and the two ways any app's admin may touch the record.

The Django admin (系统管理) must not be a door around the rules. Every admin of a workflow
record is either `ReadOnlyAdminMixin` (shown, never written: the portal's pages write it
through the services) or `ServiceAdminMixin` (its add, change and, where the admin has that
job, delete call the same service as the portal, with the same checks and messages).
`tests/test_admin_doors.py` holds the list of which is which.
"""

import logging
import os

from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .forms import TextGuardMixin, add_service_errors
from .models import DeletionRecord, Notification, OutboxTask, ReminderLog
from .resources import SafeXLSX
from .xlsx import check_xlsx_upload

logger = logging.getLogger(__name__)

_PERMISSION_ACTIONS = {
    "add": gettext_lazy("可添加"),
    "change": gettext_lazy("可修改"),
    "delete": gettext_lazy("可删除"),
    "view": gettext_lazy("可查看"),
}


def permission_label(permission) -> str:
    """A permission as the admin's selector shows it, in the user's language: Django keeps
    the English "Can add …" written at migrate time, and simple-history names its models
    "historical …"."""
    model = permission.content_type.model_class()
    action, _sep, _rest = permission.codename.partition("_")
    if model is None or action not in _PERMISSION_ACTIONS:
        return str(permission)
    name = model._meta.verbose_name
    instance = getattr(model, "instance_type", None)  # a simple-history record model
    if instance is not None:
        name = _("%(model)s（历史记录）") % {"model": instance._meta.verbose_name}
    app = model._meta.app_config.verbose_name
    return f"{app} | {name} | {_PERMISSION_ACTIONS[action]}"


class PermissionLabelsMixin:
    """For the user and group admins: permissions listed by `permission_label`."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in ("user_permissions", "permissions") and field is not None:
            field.queryset = field.queryset.select_related("content_type")
            field.label_from_instance = permission_label
        return field


def refusal_text(exc: ValidationError | PermissionDenied) -> str:
    """A service's refusal as one line (its Chinese messages)."""
    if isinstance(exc, PermissionDenied):
        return str(exc) or _("您无权执行此操作。")
    return " ".join(exc.messages)


class ReadOnlyAdminMixin:
    """Shown here, never written: no add, change, delete, import or reverting to an old
    version (django-simple-history's revert saves on POST with view permission only)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_import_permission(self, request):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


def _take_state(instance, saved) -> None:
    """Make the form's instance the saved row: the admin's inline formsets hold that object."""
    if saved is instance:
        return
    for field in saved._meta.concrete_fields:
        setattr(instance, field.attname, getattr(saved, field.attname))
    instance._state.adding = False
    instance._state.db = saved._state.db


class _Refused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ServiceAdminMixin:
    """The admin's writes go through services.

    `service_save(request, obj, form, change)` runs when the form is validated (so that its
    refusals, ValidationError or PermissionDenied, are the form's errors in Chinese) and
    returns the saved object; if anything on the page is refused (the form or an inline), the
    whole request is rolled back and the form shown again. `save_model` writes nothing more.
    An admin that may delete defines `service_delete(request, obj)`; without it, nothing is
    deleted here. Reverting to an old version is refused (it would save around the service).
    """

    service_delete = None

    def service_save(self, request, obj, form, change):
        raise NotImplementedError

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ServiceForm(TextGuardMixin, form_class):
            def _post_clean(self):
                super()._post_clean()
                if self._errors or (change and not self.has_changed()):
                    return
                try:
                    saved = model_admin.service_save(request, self.instance, self, change)
                except ValidationError as exc:
                    add_service_errors(self, exc)
                except PermissionDenied as exc:
                    self.add_error(None, refusal_text(exc))
                else:
                    if saved is not None:
                        _take_state(self.instance, saved)

        ServiceForm.__name__ = form_class.__name__
        return ServiceForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                response = super().changeform_view(request, object_id, form_url, extra_context)
                if response.status_code == 200:
                    # Shown again with errors: undo what the service wrote while validating.
                    if hasattr(response, "render"):
                        response.render()
                    transaction.set_rollback(True)
        except ValidationError as exc:
            # Refused by a service once the page was validated (an inline's save): nothing
            # was written; say why on the page the user comes back to.
            self.message_user(request, refusal_text(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return response

    def save_model(self, request, obj, form, change):
        pass  # saved by `service_save` when the form was validated

    def has_delete_permission(self, request, obj=None):
        return self.service_delete is not None and super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        try:
            self.service_delete(request, obj)
        except (ValidationError, PermissionDenied) as exc:
            raise _Refused(refusal_text(exc)) from exc

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            try:
                with transaction.atomic():
                    self.service_delete(request, obj)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{obj}：{refusal_text(exc)}", messages.ERROR)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except _Refused as refused:
            self.message_user(request, refused.message, messages.ERROR)
            opts = self.model._meta
            url = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change",
                args=[quote(object_id)],
                current_app=self.admin_site.name,
            )
            return HttpResponseRedirect(url)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ExcelAdminMixin:
    """For an ImportExportModelAdmin: .xlsx only, read under the portal's caps (`SafeXLSX`),
    refusals said in Chinese on the import page (no traceback: `admin/common/import.html`),
    all rows or none, and no upload left behind in the temporary storage."""

    formats = [SafeXLSX]
    import_template_name = "admin/common/import.html"

    def get_import_form_class(self, request):
        form_class = super().get_import_form_class(request)

        class CappedImportForm(TextGuardMixin, form_class):
            def clean_import_file(self):
                # Before import-export copies the file to its temporary storage.
                upload = self.cleaned_data["import_file"]
                check_xlsx_upload(upload)
                return upload

        CappedImportForm.__name__ = form_class.__name__
        return CappedImportForm

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ValidationError):
            form.add_error("import_file", e.messages)
        else:
            logger.warning("admin import: file not read", exc_info=e)
            form.add_error("import_file", _("文件不是有效的 Excel（.xlsx）文件。"))

    def get_import_data_kwargs(self, **kwargs):
        # A row refused when the import is confirmed (the data changed since the preview)
        # undoes the whole file, as in the portal.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def import_action(self, request, **kwargs):
        response = None
        try:
            response = super().import_action(request, **kwargs)
        finally:
            # Kept only for the confirmation that follows a clean preview.
            context = getattr(response, "context_data", None) or {}
            if "confirm_form" not in context:
                self._remove_upload(
                    getattr(request.FILES.get("import_file"), "tmp_storage_name", None)
                )
        return response

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        finally:
            self._remove_upload(request.POST.get("import_file_name"))

    def _remove_upload(self, name) -> None:
        if not name:
            return
        storage = self.get_tmp_storage_class()(
            name=os.path.basename(name), **self.get_tmp_storage_class_kwargs()
        )
        try:
            storage.remove()
        except FileNotFoundError:
            pass  # already removed (a confirmed import removes its own)

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                _(
                    "导入未完成，没有写入任何数据：文件中有的行已无法导入（数据在预览后有变化）。"
                    "请重新上传，查看逐行的错误。"
                ),
                messages.ERROR,
            )
            opts = self.model._meta
            return HttpResponseRedirect(
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_import",
                    current_app=self.admin_site.name,
                )
            )
        return super().process_result(result, request)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "created", "read_at")
    list_filter = ("read_at",)
    search_fields = ("title", "recipient__username")
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient",)


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    """Deleting a row lets that reminder go out again on the next run."""

    list_display = ("kind", "key", "created")
    list_filter = ("kind",)
    search_fields = ("key",)


@admin.register(DeletionRecord)
class DeletionRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who deleted what in the portal; written only by common.services.deletion_record."""

    list_display = ("at", "model", "object_id", "label", "actor")
    list_filter = ("model",)
    search_fields = ("label",)
    date_hierarchy = "at"


@admin.register(OutboxTask)
class OutboxTaskAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What was queued and whether it ran; written only by common.queue and the tasks."""

    list_display = ("task", "kwargs", "created", "status_label", "attempts", "failures")
    list_filter = ("task", ("done_at", admin.EmptyFieldListFilter))
    search_fields = ("task", "task_id")
    date_hierarchy = "created"

    @admin.display(description=gettext_lazy("状态"))
    def status_label(self, obj):
        return obj.status
