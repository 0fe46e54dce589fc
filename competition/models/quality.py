"""A year's data-quality rules (数据质量规则): rows of the year, checked on every save of a
report, an activity or a service record (`competition.quality`, `reports.validation`,
`volunteers.validation`). Opening a year copies them (`services.year_open`)."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..enums import (
    PERIOD_KINDS,
    QUALITY_FIELDS,
    QualityRuleKind,
    QualitySeverity,
    QualityTarget,
)
from .core import CompetitionYear


class QualityRule(models.Model):
    year = models.ForeignKey(
        CompetitionYear,
        on_delete=models.CASCADE,
        related_name="quality_rules",
        verbose_name=_("竞赛年度"),
    )
    number = models.PositiveSmallIntegerField(_("序号"))
    target = models.CharField(_("检查对象"), max_length=20, choices=QualityTarget.choices)
    kind = models.CharField(_("规则类型"), max_length=20, choices=QualityRuleKind.choices)
    field = models.CharField(_("数据项"), max_length=40)
    other_field = models.CharField(
        _("比较数据项"),
        max_length=40,
        blank=True,
        help_text=_("“不少于另一项”“比值范围”用：数据项须不少于此项，或数据项 ÷ 此项在范围内。"),
    )
    low = models.DecimalField(_("下限"), max_digits=14, decimal_places=2, null=True, blank=True)
    high = models.DecimalField(_("上限"), max_digits=14, decimal_places=2, null=True, blank=True)
    factor = models.DecimalField(
        _("倍数"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "“与上期相比”：本期超过上期的几倍或低于上期的几分之一时提示；"
            "“与同类单位相比”：偏离同类单位中位数超过几个稳健标准差（中位数绝对偏差）时提示。"
        ),
    )
    min_peers = models.PositiveSmallIntegerField(
        _("最少同类单位数"),
        default=4,
        validators=[MinValueValidator(2)],
        help_text=_("“与同类单位相比”用：同期已提交报告的同类单位少于此数时不作比较。"),
    )
    severity = models.CharField(
        _("处理方式"),
        max_length=10,
        choices=QualitySeverity.choices,
        default=QualitySeverity.WARN,
    )
    active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "number"]
        verbose_name = _("数据质量规则")
        verbose_name_plural = _("数据质量规则")
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="quality_rule_unique_number"),
            models.CheckConstraint(
                condition=Q(low__isnull=True) | Q(high__isnull=True) | Q(low__lte=models.F("high")),
                name="quality_rule_bounds_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.year.year} · {self.number} · {self.get_kind_display()} · {self.field}"

    def clean(self):
        super().clean()
        fields = dict(QUALITY_FIELDS.get(self.target, ()))
        errors = {}
        if self.field not in fields:
            errors["field"] = _("该检查对象没有此数据项。")
        needs_other = self.kind in (QualityRuleKind.AT_LEAST, QualityRuleKind.RATIO)
        if needs_other and self.other_field not in fields:
            errors["other_field"] = _("请选择该检查对象的另一数据项。")
        if needs_other and self.other_field == self.field:
            errors["other_field"] = _("比较数据项不能与数据项相同。")
        if self.kind in (QualityRuleKind.BOUND, QualityRuleKind.RATIO) and (
            self.low is None and self.high is None
        ):
            errors["high"] = _("请至少填写下限或上限。")
        if self.kind in PERIOD_KINDS:
            if self.target != QualityTarget.REPORT:
                errors["kind"] = _("与上期或同类单位比较只适用于季度报告。")
            if self.factor is None:
                errors["factor"] = _("请填写倍数。")
        if self.low is not None and self.high is not None and self.low > self.high:
            errors["low"] = _("下限不能大于上限。")
        if errors:
            raise ValidationError(errors)

    @property
    def field_label(self) -> str:
        return str(dict(QUALITY_FIELDS.get(self.target, ())).get(self.field, self.field))

    @property
    def other_label(self) -> str:
        return str(
            dict(QUALITY_FIELDS.get(self.target, ())).get(self.other_field, self.other_field)
        )
