"""What /api/v1/ answers: plain, flat JSON with the portal's Chinese labels as descriptions.

Ranking and award rows carry the names they were ranked under (snapshots), so a later
rename of a unit does not change a published list.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reports.enums import Completeness


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("错误说明（中文）。"))
    code = serializers.CharField(help_text=_("错误代码，如 not_authenticated、expired、scope。"))
    errors = serializers.DictField(
        required=False, help_text=_("请求参数错误时，按参数列出的错误。")
    )


class ParticipationSerializer(serializers.Serializer):
    start = serializers.DateField(help_text=_("参赛起始日"))
    end = serializers.DateField(allow_null=True, help_text=_("参赛截止日（空：仍在参赛）"))


class UnitSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("单位编号"))
    name = serializers.CharField(help_text=_("单位名称"))
    kind = serializers.CharField(source="kind.code", help_text=_("单位类别代码"))
    kind_name = serializers.CharField(source="kind.name", help_text=_("单位类别"))
    parent_id = serializers.IntegerField(allow_null=True, help_text=_("上级单位编号"))
    parent_name = serializers.CharField(
        source="parent.name", allow_null=True, default=None, help_text=_("上级单位")
    )
    taking_part = serializers.BooleanField(help_text=_("今天是否在参赛"))
    participations = ParticipationSerializer(many=True, help_text=_("参赛记录"))


class YearSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text=_("年度"))
    title = serializers.CharField(help_text=_("名称"))
    theme = serializers.CharField(help_text=_("主题"))
    start_date = serializers.DateField(help_text=_("开始日期"))
    end_date = serializers.DateField(help_text=_("结束日期"))
    evaluation_date = serializers.DateField(help_text=_("评比日期"))
    status = serializers.CharField(help_text=_("状态：open 进行中，closed 已结束"))
    results_published = serializers.BooleanField(help_text=_("评分结果已公布"))
    results_published_at = serializers.DateTimeField(allow_null=True, help_text=_("公布时间"))


class CriterionSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("代码"))
    number = serializers.IntegerField(help_text=_("序号"))
    name = serializers.CharField(help_text=_("名称"))
    rubric = serializers.CharField(help_text=_("评分标准"))
    max_points = serializers.DecimalField(max_digits=5, decimal_places=1, help_text=_("满分"))
    weight = serializers.DecimalField(max_digits=5, decimal_places=3, help_text=_("权重"))


class ProjectSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text=_("序号"))
    name = serializers.CharField(help_text=_("名称"))
    short_name = serializers.CharField(help_text=_("简称"))
    description = serializers.CharField(help_text=_("说明"))


class ActivityTypeSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("代码"))
    number = serializers.IntegerField(help_text=_("序号"))
    name = serializers.CharField(help_text=_("名称"))


class KindQuotaSerializer(serializers.Serializer):
    kind = serializers.CharField(source="kind.code", help_text=_("单位类别代码"))
    kind_name = serializers.CharField(source="kind.name", help_text=_("单位类别"))
    quota = serializers.IntegerField(help_text=_("每年劳模扶贫活动最低数"))


class UnitQuotaSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField(help_text=_("单位编号"))
    unit_name = serializers.CharField(source="unit.name", help_text=_("单位名称"))
    quota = serializers.IntegerField(help_text=_("活动数要求（单独设定）"))


class YearAwardSerializer(serializers.Serializer):
    category = serializers.CharField(
        help_text=_("类别：collective 先锋集体，individual 先锋个人，unit 参赛单位")
    )
    code = serializers.CharField(help_text=_("表彰代码"))
    name = serializers.CharField(help_text=_("表彰名称"))


class EvaluationSettingsSerializer(serializers.Serializer):
    weight_entries = serializers.DecimalField(
        max_digits=4, decimal_places=2, help_text=_("参赛项目得分权重")
    )
    weight_timeliness = serializers.DecimalField(
        max_digits=4, decimal_places=2, help_text=_("季度报告及时率权重")
    )
    weight_quota = serializers.DecimalField(
        max_digits=4, decimal_places=2, help_text=_("劳模扶贫活动完成率权重")
    )
    weight_spot_checks = serializers.DecimalField(
        max_digits=4, decimal_places=2, help_text=_("抽查评价权重")
    )
    tie_break = serializers.ListField(
        child=serializers.CharField(), help_text=_("并列时的区分顺序")
    )
    max_awards_per_unit = serializers.IntegerField(
        allow_null=True, help_text=_("每单位表彰名额上限（空：不限）")
    )
    late_report_factor = serializers.DecimalField(
        max_digits=3, decimal_places=2, help_text=_("逾期报告折算")
    )
    min_service_years = serializers.IntegerField(help_text=_("先锋个人从事扶贫工作年限"))


class PeriodSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("报送期编号"))
    year = serializers.IntegerField(source="year.year", help_text=_("年度"))
    number = serializers.IntegerField(help_text=_("在本年度内的序号"))
    name = serializers.CharField(help_text=_("名称"))
    label = serializers.CharField(source="__str__", help_text=_("显示名称，如“2019年第1季度”"))
    start = serializers.DateField(help_text=_("开始日期"))
    end = serializers.DateField(help_text=_("结束日期"))
    deadline = serializers.DateField(help_text=_("报送截止日"))


class YearDetailSerializer(YearSerializer):
    criteria = CriterionSerializer(many=True, help_text=_("评比标准"))
    projects = ProjectSerializer(many=True, help_text=_("九大工程"))
    activity_types = ActivityTypeSerializer(many=True, help_text=_("活动类型"))
    kind_quotas = KindQuotaSerializer(many=True, help_text=_("单位类别活动数要求"))
    unit_quotas = UnitQuotaSerializer(many=True, help_text=_("单位活动数要求（单独设定）"))
    periods = PeriodSerializer(many=True, help_text=_("报送期"))
    evaluation_settings = EvaluationSettingsSerializer(help_text=_("评选设置"))
    awards = YearAwardSerializer(many=True, help_text=_("表彰奖项"))


class ReportStatusSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField(source="pk", help_text=_("单位编号"))
    unit_name = serializers.CharField(source="name", help_text=_("单位名称"))
    kind = serializers.CharField(source="kind.code", help_text=_("单位类别代码"))
    state = serializers.CharField(
        help_text=_(
            "报送情况：on_time 按时报送，late 逾期报送，returned 退回待重报，draft 草稿未提交，missing 未报"
        )
    )
    state_label = serializers.SerializerMethodField(help_text=_("报送情况（中文）"))
    submitted_at = serializers.DateTimeField(allow_null=True, help_text=_("提交时间"))

    @extend_schema_field(OpenApiTypes.STR)
    def get_state_label(self, unit):
        return str(Completeness(unit.state).label)


class RatesSerializer(serializers.Serializer):
    on_time = serializers.IntegerField(help_text=_("按时报送"))
    late = serializers.IntegerField(help_text=_("逾期报送"))
    returned = serializers.IntegerField(help_text=_("退回待重报"))
    draft = serializers.IntegerField(help_text=_("草稿未提交"))
    missing = serializers.IntegerField(help_text=_("未报"))
    expected = serializers.IntegerField(help_text=_("应报单位数"))
    reported = serializers.IntegerField(help_text=_("已报单位数（按时 + 逾期）"))
    reporting_rate = serializers.FloatField(allow_null=True, help_text=_("报送率（%）"))
    on_time_rate = serializers.FloatField(allow_null=True, help_text=_("按时报送率（%）"))


class KindRatesSerializer(RatesSerializer):
    kind = serializers.CharField(help_text=_("单位类别"))


class CompletenessSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text=_("年度"))
    period = serializers.IntegerField(help_text=_("报送期序号"))
    label = serializers.CharField(help_text=_("报送期"))
    deadline = serializers.DateField(help_text=_("报送截止日"))
    city = RatesSerializer(help_text=_("全市"))
    kinds = KindRatesSerializer(many=True, help_text=_("按单位类别"))


class QuotaSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField(source="pk", help_text=_("单位编号"))
    unit_name = serializers.CharField(source="name", help_text=_("单位名称"))
    kind = serializers.CharField(source="kind.code", help_text=_("单位类别代码"))
    activity_count = serializers.IntegerField(help_text=_("本年度劳模扶贫活动数"))
    quota = serializers.IntegerField(source="effective_quota", help_text=_("活动数要求"))
    quota_override = serializers.IntegerField(
        allow_null=True, help_text=_("单独设定的活动数要求（空：按单位类别）")
    )
    behind = serializers.BooleanField(help_text=_("未完成活动数要求"))
    by_type = serializers.DictField(
        child=serializers.IntegerField(), help_text=_("按活动类型代码的活动数")
    )


MEANS = serializers.DictField(
    child=serializers.FloatField(allow_null=True),
    allow_null=True,
    help_text=_("各项平均分（按评比标准代码）"),
)


class RankingRowSerializer(serializers.Serializer):
    year = serializers.IntegerField(source="run.year.year", help_text=_("年度"))
    run_id = serializers.IntegerField(help_text=_("评选排名编号"))
    rank = serializers.IntegerField(help_text=_("名次"))
    tie_note = serializers.CharField(help_text=_("并列说明"))
    total = serializers.FloatField(allow_null=True, help_text=_("总分"))
    means = MEANS


class UnitRankingSerializer(RankingRowSerializer):
    unit_id = serializers.IntegerField(allow_null=True, help_text=_("单位编号"))
    unit_name = serializers.CharField(help_text=_("单位名称"))
    kind_name = serializers.CharField(help_text=_("单位类别"))
    entry_count = serializers.IntegerField(help_text=_("参赛项目数"))
    entry_score = serializers.FloatField(help_text=_("项目平均得分"))
    timeliness = serializers.FloatField(help_text=_("报告及时率（%）"))
    quota_rate = serializers.FloatField(help_text=_("活动完成率（%）"))
    activity_count = serializers.IntegerField(help_text=_("活动数"))
    quota = serializers.IntegerField(help_text=_("活动数要求"))
    spot_check_count = serializers.IntegerField(help_text=_("抽查次数"))
    spot_check_score = serializers.FloatField(allow_null=True, help_text=_("抽查评价得分"))


class EntryRankingSerializer(RankingRowSerializer):
    title = serializers.CharField(help_text=_("项目名称"))
    unit_id = serializers.IntegerField(allow_null=True, help_text=_("单位编号"))
    unit_name = serializers.CharField(help_text=_("单位名称"))
    project_number = serializers.IntegerField(
        source="nine_project.number", help_text=_("九大工程序号")
    )
    project_name = serializers.CharField(source="nine_project.name", help_text=_("九大工程"))
    project_rank = serializers.IntegerField(help_text=_("工程内名次"))
    sheet_count = serializers.IntegerField(help_text=_("评分表数"))


class NominationRankingSerializer(RankingRowSerializer):
    category = serializers.CharField(help_text=_("类别：collective 先锋集体，individual 先锋个人"))
    recipient = serializers.CharField(help_text=_("推荐对象"))
    unit_id = serializers.IntegerField(allow_null=True, help_text=_("申报单位编号"))
    unit_name = serializers.CharField(help_text=_("申报单位"))
    project_number = serializers.IntegerField(
        source="nine_project.number", help_text=_("九大工程序号")
    )
    project_name = serializers.CharField(source="nine_project.name", help_text=_("九大工程"))
    entry_title = serializers.CharField(help_text=_("依托项目"))


class AwardSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("表彰决定编号"))
    year = serializers.IntegerField(source="run.year.year", help_text=_("年度"))
    category = serializers.CharField(
        help_text=_("类别：collective 先锋集体，individual 先锋个人，unit 参赛单位")
    )
    category_label = serializers.CharField(
        source="get_category_display", help_text=_("类别（中文）")
    )
    recipient = serializers.CharField(help_text=_("表彰对象"))
    unit_id = serializers.IntegerField(help_text=_("单位编号"))
    unit_name = serializers.CharField(source="unit.name", help_text=_("单位名称"))
    project_number = serializers.IntegerField(
        source="nomination_ranking.nine_project.number",
        allow_null=True,
        default=None,
        help_text=_("九大工程序号（参赛单位类别为空）"),
    )
    project_name = serializers.CharField(
        source="nomination_ranking.nine_project.name",
        allow_null=True,
        default=None,
        help_text=_("九大工程（参赛单位类别为空）"),
    )
    rank = serializers.IntegerField(help_text=_("名次"))
    score = serializers.FloatField(allow_null=True, help_text=_("得分"))
    award = serializers.CharField(help_text=_("表彰代码"))
    award_name = serializers.CharField(help_text=_("表彰名称"))
    recommend_province = serializers.BooleanField(help_text=_("推荐参加省级评选"))
    decided_at = serializers.DateTimeField(help_text=_("决定时间"))


class RecommendationSerializer(AwardSerializer):
    kind_name = serializers.CharField(source="unit.kind.name", help_text=_("单位类别"))
    award = serializers.CharField(help_text=_("市级表彰代码（空：未获市级表彰）"))
    award_name = serializers.CharField(help_text=_("市级表彰名称（空：未获市级表彰）"))
    means = serializers.SerializerMethodField(help_text=_("各项平均分（按评比标准代码）"))
    entry_title = serializers.CharField(
        source="nomination_ranking.entry_title",
        allow_null=True,
        default=None,
        help_text=_("依托项目（参赛单位类别为空）"),
    )
    gender = serializers.SerializerMethodField(help_text=_("性别（先锋个人，其余为空）"))
    position = serializers.SerializerMethodField(help_text=_("职务（先锋个人，其余为空）"))
    evidence_titles = serializers.SerializerMethodField(help_text=_("事实材料（附件）的标题"))
    model_worker_level = serializers.CharField(
        source="nomination_ranking.model_worker_level",
        allow_null=True,
        default=None,
        help_text=_(
            "劳模名册中登记的荣誉（national、provincial、city、may_day_medal；空：不是登记的劳模）："
            "同等条件下优先推荐"
        ),
    )

    @staticmethod
    def _nomination(item):
        ranking = item.nomination_ranking
        return ranking.nomination if ranking is not None else None

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": {"type": "number", "nullable": True},
            "nullable": True,
        }
    )
    def get_means(self, item):
        ranking = item.nomination_ranking or item.unit_ranking
        return ranking.means if ranking is not None else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_gender(self, item):
        nomination = self._nomination(item)
        return str(nomination.get_gender_display()) if nomination is not None else ""

    @extend_schema_field(OpenApiTypes.STR)
    def get_position(self, item):
        nomination = self._nomination(item)
        return nomination.position if nomination is not None else ""

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_evidence_titles(self, item):
        nomination = self._nomination(item)
        if nomination is None:
            return []
        return [attachment.original_name for attachment in nomination.attachments.all()]
