"""Demo data for the competition core: the Huaibei units, year 2019, the demo accounts, and the
2019 四比双争 scoring (entries, sheets from office1 and office2, a spot check, a notice).

Idempotent: everything is looked up by its natural key first, so a second run changes nothing.
"""

import datetime

from django.contrib.auth import get_user_model

from . import services
from .enums import Role, SpotCheckRating
from .models import (
    CompetitionYear,
    Entry,
    Membership,
    NineProject,
    Notice,
    ScoreSheet,
    SpotCheck,
    SpotCheckDraw,
    Unit,
    UnitKind,
)

DEMO_PASSWORD = "huaibei2019"
DEMO_YEAR = 2019

# name, kind code, contact person, phone
UNITS = [
    ("相山区总工会", "county", "王丽", "0561-3011001"),
    ("杜集区总工会", "county", "李强", "0561-3011002"),
    ("烈山区总工会", "county", "张敏", "0561-3011003"),
    ("濉溪县总工会", "county", "刘洋", "0561-3011004"),
    ("市教育工会", "system", "陈静", "0561-3012001"),
    ("市卫计委工会", "system", "杨帆", "0561-3012002"),
    ("市电子商贸物流工会", "system", "宫蕾", "0561-3012003"),
    ("大企业工会", "system", "赵刚", "0561-3012004"),
    ("市农业农村系统工会", "system", "周平", "0561-3012005"),
    ("市直机关工会", "direct", "吴敏", "0561-3013001"),
    ("市供电公司工会", "direct", "郑伟", "0561-3013002"),
    ("市自来水公司工会", "direct", "孙娜", "0561-3013003"),
    ("市公交公司工会", "direct", "马超", "0561-3013004"),
    ("市邮政公司工会", "direct", "朱红", "0561-3013005"),
    ("市扶贫办", "poverty_office", "李祥云", "0561-3014001"),
]

# username, full name, role, unit name
ACCOUNTS = [
    ("admin", "系统管理员", Role.ADMIN, None),
    ("office1", "许文华", Role.OFFICE, None),
    ("office2", "宫蕾", Role.OFFICE, "市电子商贸物流工会"),
    ("xiangshan", "王丽", Role.UNIT_STAFF, "相山区总工会"),
    ("suixi", "刘洋", Role.UNIT_STAFF, "濉溪县总工会"),
    ("jiaoyu", "陈静", Role.UNIT_STAFF, "市教育工会"),
]


def seed(*, stdout=None, scale: int = 0) -> None:
    kinds = {kind.code: kind for kind in UnitKind.objects.all()}
    for name, kind_code, contact, phone in UNITS:
        Unit.objects.get_or_create(
            name=name,
            defaults={"kind": kinds[kind_code], "contact_person": contact, "phone": phone},
        )
    admin_user = _account("admin", "系统管理员", Role.ADMIN, None, actor=None)
    for username, full_name, role, unit_name in ACCOUNTS[1:]:
        _account(username, full_name, role, unit_name, actor=admin_user)
    if not CompetitionYear.objects.filter(year=DEMO_YEAR).exists():
        services.competition_year_create(actor=admin_user, year=DEMO_YEAR)
    _seed_scoring(admin_user)
    if stdout:
        stdout.write(f"competition: {Unit.objects.count()} units, year {DEMO_YEAR}, demo accounts")


def _account(username, full_name, role, unit_name, *, actor):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": full_name, "email": f"{username}@example.org"}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    unit = Unit.objects.get(name=unit_name) if unit_name else None
    membership = Membership.objects.filter(user=user).first()
    if membership is None or membership.role != role or membership.unit != unit:
        services.membership_set(actor=actor or user, user=user, role=role, unit=unit)
    return user


# unit, nine-project number, title, villages, households, description
ENTRIES = [
    (
        "相山区总工会",
        1,
        "劳模领办特色种植合作社",
        "渠沟镇钟楼村",
        86,
        "劳模牵头成立种植合作社，带动贫困户种植食用菌。",
    ),
    (
        "濉溪县总工会",
        2,
        "“技能扶贫”就业培训进村",
        "五沟镇、百善镇 6 个贫困村",
        240,
        "组织技能型劳模开展电工、焊工、家政等培训，推荐就业。",
    ),
    (
        "市教育工会",
        4,
        "名师送教下乡",
        "孙疃镇中心小学、四铺乡邵楼小学",
        0,
        "教育系统劳模对口指导村小备课、授课和班级管理。",
    ),
    (
        "市卫计委工会",
        6,
        "劳模医疗服务队健康扶贫",
        "铁佛镇 3 个贫困村",
        150,
        "医疗劳模组队巡诊、送医送药、结对帮扶因病致贫户。",
    ),
    (
        "市电子商贸物流工会",
        1,
        "电商助农产销对接",
        "刘桥镇王楼村",
        64,
        "帮助贫困村开设网店，物流企业免费揽收农产品。",
    ),
    (
        "大企业工会",
        9,
        "企业结对帮扶贫困村",
        "南坪镇黄新庄村",
        120,
        "企业家劳模结对帮扶，援建扶贫车间，吸纳贫困劳动力。",
    ),
]

# points per criterion (work, effect, income, satisfaction), per reviewer, per entry title
SHEETS = {
    "office1": [
        (22, 21, 19, 23),
        (23, 22, 21, 22),
        (20, 19, 15, 22),
        (21, 22, 18, 24),
        (19, 20, 22, 20),
        (24, 23, 22, 21),
    ],
    "office2": [
        (20, 22, 18, 22),
        (24, 23, 20, 23),
        (18, 17, 14, 20),
        (22, 21, 19, 23),
        None,
        (21, 21, 23, 20),
    ],
}


def _seed_scoring(admin_user) -> None:
    """Entries of six demo units with sheets from both reviewers; office2 (of 市电子商贸物流工会)
    has no sheet on his own unit's entry, as the conflict rule forbids it."""
    year = CompetitionYear.objects.get(year=DEMO_YEAR)
    users = {
        u.username: u
        for u in get_user_model()
        .objects.filter(username__in=["office1", "office2", "xiangshan", "suixi", "jiaoyu"])
        .select_related("membership")
    }
    entries = []
    for unit_name, number, title, villages, households, description in ENTRIES:
        unit = Unit.objects.get(name=unit_name)
        entry = Entry.objects.filter(unit=unit, year=year, title=title).first()
        if entry is None:
            # Written directly: the demo units without a demo account have nobody to enter them.
            entry = Entry(
                unit=unit,
                year=year,
                nine_project=NineProject.objects.get(number=number),
                title=title,
                description=description,
                target_villages=villages,
                target_households=households,
            )
            entry.full_clean()
            entry.save()
        entries.append(entry)
    if year.is_open:
        for username, rows in SHEETS.items():
            reviewer = users[username]
            for entry, points in zip(entries, rows, strict=True):
                if (
                    points is None
                    or ScoreSheet.objects.filter(entry=entry, reviewer=reviewer).exists()
                ):
                    continue
                services.score_sheet_save(
                    actor=reviewer,
                    entry=entry,
                    points=dict(
                        zip(("work", "effect", "income", "satisfaction"), points, strict=True)
                    ),
                    comment="材料翔实，成效明显。" if sum(points) >= 85 else "建议进一步完善台账。",
                )
    office1 = users["office1"]
    if not SpotCheckDraw.objects.filter(year=year, seed=20190601).exists():
        services.spot_check_draw_run(actor=office1, year=year, count=3, seed=20190601)
    if not SpotCheck.objects.filter(year=year).exists():
        services.spot_check_record(
            actor=office1,
            year=year,
            unit=entries[0].unit,
            entry=entries[0],
            date=datetime.date(2019, 6, 12),
            inspectors="许文华、宫蕾",
            findings="合作社运转正常，贫困户分红台账齐全，现场查看食用菌大棚 12 座。",
            rating=SpotCheckRating.GOOD,
        )
    title = "关于2019年上半年脱贫攻坚劳动竞赛开展情况的通报"
    if not Notice.objects.filter(title=title).exists():
        notice = services.notice_create(
            actor=office1,
            year=year,
            title=title,
            include_standings=True,
            body="各参赛单位：\n上半年，各单位围绕“九大工程”积极开展劳动竞赛，现将评分情况通报如下。"
            "请各单位对照“四比”标准，查漏补缺，再接再厉。",
        )
        services.notice_publish(actor=office1, notice=notice)
