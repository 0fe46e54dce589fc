"""A unit's self-assessment (自查) of a year: it scores itself on the year's criteria before
the year's deadline (`CompetitionYear.self_assessment_deadline`), with a justification and
evidence links per criterion. The office reads it beside its reviewers' scores; the unit
reads the office's beside its own once the year's results are published."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .core import CompetitionYear, Criterion, Unit


class SelfAssessment(models.Model):
    year = models.ForeignKey(
        CompetitionYear,
        on_delete=models.CASCADE,
        related_name="self_assessments",
        verbose_name=_("竞赛年度"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="self_assessments", verbose_name=_("单位")
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提交人"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year__year", "unit__name"]
        verbose_name = _("单位自查")
        verbose_name_plural = _("单位自查")
        constraints = [
            models.UniqueConstraint(fields=["year", "unit"], name="self_assessment_unique"),
        ]

    def __str__(self):
        return f"{self.year.year} · {self.unit}"


class SelfScore(models.Model):
    assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("自查")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="self_scores", verbose_name=_("评比标准")
    )
    points = models.DecimalField(
        _("自评分"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)]
    )
    justification = models.CharField(_("自评理由"), max_length=500)
    evidence = models.TextField(
        _("证明材料"),
        blank=True,
        help_text=_("每行一个本门户的链接：本单位的季度报告、劳模扶贫活动或附件。"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["criterion__number"]
        verbose_name = _("自评分")
        verbose_name_plural = _("自评分")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="self_score_unique"),
        ]

    def __str__(self):
        return f"{self.assessment} · {self.criterion} · {self.points}"
