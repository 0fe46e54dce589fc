from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已通过")


# A report "counts as reported" for rates and reminders only in these states: a returned
# report must be corrected and submitted again before it counts.
REPORTED_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
# States in which the unit's staff may still change the report.
EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)


class Completeness(models.TextChoices):
    """A unit's reporting state for one period, as the completeness dashboard shows it."""

    ON_TIME = "on_time", _("按时报送")
    LATE = "late", _("逾期报送")
    RETURNED = "returned", _("退回待重报")
    DRAFT = "draft", _("草稿未提交")
    MISSING = "missing", _("未报")
