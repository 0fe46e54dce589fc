from django.contrib import admin

from .models import Notification, ReminderLog


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
