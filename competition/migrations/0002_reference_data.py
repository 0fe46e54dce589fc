"""Reference data from the notice: unit kinds and quotas, the nine projects, the four criteria.

Afterwards the admin edits them (names, quotas, maxima, weights); this migration only
creates what is missing and never overwrites an edit.
"""

from django.db import migrations

UNIT_KINDS = [
    # code, name, default yearly activity quota, order
    ("county", "县区总工会", 3, 1),
    ("system", "系统工会", 3, 2),
    ("direct", "直属工会", 1, 3),
    ("poverty_office", "扶贫办", 0, 4),
]

NINE_PROJECTS = [
    (1, "产业脱贫工程", "产业"),
    (2, "就业脱贫工程", "就业"),
    (3, "生态保护脱贫工程", "生态"),
    (4, "智力扶贫工程", "智力"),
    (5, "社保兜底脱贫工程", "社保"),
    (6, "健康脱贫工程", "健康"),
    (7, "基础设施建设扶贫工程", "基础设施"),
    (8, "金融扶贫工程", "金融"),
    (9, "社会扶贫工程", "社会"),
]

CRITERIA = [
    (
        "work",
        1,
        "比工作落实",
        "因村因户施策精准，帮扶措施落实到位，扶贫资金使用效益明显。基础工作扎实，"
        "贫困户各项信息数据完整精确。注重扶贫与扶志、扶智相结合。",
    ),
    (
        "effect",
        2,
        "比项目成效",
        "帮扶项目实施到位并取得显著成效，基础设施对群众生活、产业发展、项目推进、"
        "运输传送的保障作用明显。",
    ),
    (
        "income",
        3,
        "比经济收入",
        "推动贫困村产业发展，促进集体经济收入作用明显。引导和帮助贫困户艰苦奋斗、自力更生，"
        "勤劳致富、积极作为，持续增收，稳定达到脱贫标准。",
    ),
    (
        "satisfaction",
        4,
        "比群众满意",
        "以高度的社会责任感和实际行动关心关注、关爱贫困群众，圆满完成脱贫攻坚工作任务，"
        "全面提升群众的满意度和幸福感，受到群众广泛好评。",
    ),
]


def create(apps, schema_editor):
    UnitKind = apps.get_model("competition", "UnitKind")
    NineProject = apps.get_model("competition", "NineProject")
    Criterion = apps.get_model("competition", "Criterion")
    # The quotas moved to KindQuota rows per year (0005-0007); tests re-run this function
    # with today's models to put the reference data back after a flush.
    has_quota = any(f.name == "default_quota" for f in UnitKind._meta.get_fields())
    for code, name, quota, order in UNIT_KINDS:
        defaults = {"name": name, "order": order}
        if has_quota:
            defaults["default_quota"] = quota
        UnitKind.objects.get_or_create(code=code, defaults=defaults)
    # Since 0012 the projects are each year's, created with the year (as the criteria).
    if not any(field.name == "year" for field in NineProject._meta.get_fields()):
        for number, name, short in NINE_PROJECTS:
            NineProject.objects.get_or_create(number=number, defaults={"name": name, "short_name": short})
    if any(field.name == "year" for field in Criterion._meta.get_fields()):
        return  # since 0005 the criteria are each year's, created with the year
    for code, number, name, rubric in CRITERIA:
        Criterion.objects.get_or_create(
            code=code,
            defaults={"number": number, "name": name, "rubric": rubric, "max_points": 25, "weight": 1},
        )


class Migration(migrations.Migration):
    dependencies = [("competition", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
