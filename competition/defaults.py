"""The notice's rules, as the defaults of a new competition year: criteria, projects, activity
types (the admin edits them per year afterwards; see `services.competition_year_create` and
`services.year_open`)."""

from decimal import Decimal

# The four comparisons (四比): code, name, rubric. 25 points each, weight 1.
CRITERIA = (
    (
        "work",
        "比工作落实",
        "因村因户施策精准，帮扶措施落实到位，扶贫资金使用效益明显。基础工作扎实，"
        "贫困户各项信息数据完整精确。注重扶贫与扶志、扶智相结合。",
    ),
    (
        "effect",
        "比项目成效",
        "帮扶项目实施到位并取得显著成效，基础设施对群众生活、产业发展、项目推进、"
        "运输传送的保障作用明显。",
    ),
    (
        "income",
        "比经济收入",
        "推动贫困村产业发展，促进集体经济收入作用明显。引导和帮助贫困户艰苦奋斗、自力更生，"
        "勤劳致富、积极作为，持续增收，稳定达到脱贫标准。",
    ),
    (
        "satisfaction",
        "比群众满意",
        "以高度的社会责任感和实际行动关心关注、关爱贫困群众，圆满完成脱贫攻坚工作任务，"
        "全面提升群众的满意度和幸福感，受到群众广泛好评。",
    ),
)
CRITERION_MAX_POINTS = Decimal(25)
CRITERION_WEIGHT = Decimal(1)

# The nine projects (九大工程): number, name, short name.
NINE_PROJECTS = (
    (1, "产业脱贫工程", "产业"),
    (2, "就业脱贫工程", "就业"),
    (3, "生态保护脱贫工程", "生态"),
    (4, "智力扶贫工程", "智力"),
    (5, "社保兜底脱贫工程", "社保"),
    (6, "健康脱贫工程", "健康"),
    (7, "基础设施建设扶贫工程", "基础设施"),
    (8, "金融扶贫工程", "金融"),
    (9, "社会扶贫工程", "社会"),
)

# The activity types of the “5+1” project: five themed activities plus the volunteer team's
# service. Code (kept across years: imports, filters and the quota columns use it), name.
ACTIVITY_TYPES = (
    ("skills", "技能扶贫"),
    ("health", "健康扶贫"),
    ("education", "教育扶贫"),
    ("industry", "产业扶贫"),
    ("pairing", "结对帮扶"),
    ("volunteer", "志愿服务"),
)

# Data-quality rules of a new year (数据质量规则): target, kind, field, other field, low, high,
# factor, severity. Bounds are wide enough for a county federation's quarter; a household has
# at least one person (refused); 100–200,000 元 per household helped; a figure more than three
# times (funds: five times) the unit's last period, or more than 3.5 robust standard
# deviations from the same kind's median, asks for an explanation; a day's service is at most
# 12 hours before it asks.
QUALITY_RULES = (
    ("report", "bound", "households_helped", "", 0, 5000, None, "warn"),
    ("report", "bound", "people_helped", "", 0, 20000, None, "warn"),
    ("report", "bound", "funds_invested", "", 0, 50_000_000, None, "warn"),
    ("report", "bound", "people_trained", "", 0, 10000, None, "warn"),
    ("report", "bound", "jobs_arranged", "", 0, 5000, None, "warn"),
    ("report", "at_least", "people_helped", "households_helped", None, None, None, "refuse"),
    ("report", "ratio", "funds_invested", "households_helped", 100, 200_000, None, "warn"),
    ("report", "jump", "households_helped", "", None, None, 3, "warn"),
    ("report", "jump", "funds_invested", "", None, None, 5, "warn"),
    ("report", "outlier", "households_helped", "", None, None, "3.5", "warn"),
    ("report", "outlier", "funds_invested", "", None, None, "3.5", "warn"),
    ("activity", "bound", "households", "", 0, 500, None, "warn"),
    ("activity", "bound", "people", "", 0, 3000, None, "warn"),
    ("activity", "at_least", "people", "households", None, None, None, "refuse"),
    ("service_record", "bound", "hours", "", None, 12, None, "warn"),
)
