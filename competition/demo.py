"""Demo data for the competition core: the Huaibei units, the demo accounts, year 2019 with its
四比双争 scoring (entries, sheets from office1 and office2, a spot check, a notice), and the
live year's entries (the current calendar year, opened from 2019 by awards/demo.py).

Idempotent: everything is looked up by its natural key first, so a second run changes nothing.
"""

import datetime
import random
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from . import services
from .enums import Role, SpotCheckRating
from .models import (
    CompetitionYear,
    Entry,
    Membership,
    NineProject,
    Notice,
    Participation,
    Score,
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

# Sub-units (下级单位) of two county federations: name, parent, contact person, phone. The
# notice names no kind for them; they are of their parent's kind, with its quota (their
# activities count for themselves, never in their parent's quota).
SUB_UNITS = [
    ("相山区曲阳街道工会", "相山区总工会", "高燕", "0561-3011101"),
    ("相山区南黎街道工会", "相山区总工会", "钱涛", "0561-3011102"),
    ("濉溪县百善镇工会", "濉溪县总工会", "何静", "0561-3011401"),
    ("濉溪县临涣镇工会", "濉溪县总工会", "罗军", "0561-3011402"),
    ("濉溪县五沟镇工会", "濉溪县总工会", "邓芳", "0561-3011403"),
]

# username, full name, role, unit name
ACCOUNTS = [
    ("admin", "系统管理员", Role.ADMIN, None),
    ("office1", "许文华", Role.OFFICE, None),
    ("office2", "宫蕾", Role.OFFICE, "市电子商贸物流工会"),
    ("xiangshan", "王丽", Role.UNIT_STAFF, "相山区总工会"),
    ("suixi", "刘洋", Role.UNIT_STAFF, "濉溪县总工会"),
    ("jiaoyu", "陈静", Role.UNIT_STAFF, "市教育工会"),
    # Applied for the 奖状 in 2019 (awards/demo.py): its unit met every condition.
    ("duji", "赵敏", Role.UNIT_STAFF, "杜集区总工会"),
]


def seed(*, stdout=None) -> None:
    """The units, the demo accounts and year 2019, the past year (sealed later by the turn)."""
    kinds = {kind.code: kind for kind in UnitKind.objects.all()}
    for name, kind_code, contact, phone in UNITS:
        Unit.objects.get_or_create(
            name=name,
            defaults={"kind": kinds[kind_code], "contact_person": contact, "phone": phone},
        )
    parents = {unit.name: unit for unit in Unit.objects.filter(name__in=[r[1] for r in SUB_UNITS])}
    for name, parent_name, contact, phone in SUB_UNITS:
        parent = parents[parent_name]
        unit, _created = Unit.objects.get_or_create(
            name=name,
            defaults={"kind": parent.kind, "contact_person": contact, "phone": phone},
        )
        if unit.parent_id is None:
            unit.parent = parent
            unit.save(update_fields=["parent"])
    names = [row[0] for row in UNITS] + [row[0] for row in SUB_UNITS]
    _participations(Unit.objects.filter(name__in=names))
    admin_user = _account("admin", "系统管理员", Role.ADMIN, None, actor=None)
    for username, full_name, role, unit_name in ACCOUNTS[1:]:
        _account(username, full_name, role, unit_name, actor=admin_user)
    if not CompetitionYear.objects.filter(year=DEMO_YEAR).exists():
        services.competition_year_create(actor=admin_user, year=DEMO_YEAR)
    _seed_scoring(admin_user)
    if stdout:
        stdout.write(f"competition: {Unit.objects.count()} units, year {DEMO_YEAR}, demo accounts")


# Every demo unit takes part from the start of the demo year on.
DEMO_START = datetime.date(DEMO_YEAR, 1, 1)


def _participations(units) -> None:
    """One open participation for each of `units` that has none yet (idempotent)."""
    missing = units.filter(participations__isnull=True).values_list("pk", flat=True)
    Participation.objects.bulk_create(Participation(unit_id=pk, start=DEMO_START) for pk in missing)


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
        services.membership_set(actor=actor, user=user, role=role, unit=unit)
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
                nine_project=NineProject.objects.get(year=year, number=number),
                title=title,
                description=description,
                target_villages=villages,
                target_households=households,
            )
            entry.full_clean()
            entry.save()
        entries.append(entry)
    _sheets(year, entries, SHEETS, users)
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
        services.notice_publish(actor=office1, notice=notice, notify=False)


def _sheets(year, entries, plan, users) -> None:
    """The sheets of `plan` (points per criterion of the year, in order, per reviewer, per
    entry; None: no sheet) that do not exist yet, while the year is open."""
    if not year.is_open:
        return
    codes = [criterion.code for criterion in year.criteria.order_by("number")]
    for username, rows in plan.items():
        reviewer = users[username]
        for entry, points in zip(entries, rows, strict=True):
            if points is None or ScoreSheet.objects.filter(entry=entry, reviewer=reviewer).exists():
                continue
            services.score_sheet_save(
                actor=reviewer,
                entry=entry,
                points=dict(zip(codes, points, strict=True)),
                comment="材料翔实，成效明显。" if sum(points) >= 85 else "建议进一步完善台账。",
            )


# --- The live year: the current calendar year, opened from 2019 ------------------------------
#
# awards/demo.py evaluates and closes 2019, then opens the current calendar year from it
# (`live_plan`); each app then adds a modest live year (`seed_live`): what a newcomer sees by
# default, with 2019 one click away in the year switch. Dated records are spread over the days
# from 1 January to the day of the run (`day_in`), never after it.


def live_year(today: datetime.date) -> CompetitionYear | None:
    """The competition year of `today`'s calendar year, once the turn has opened it."""
    if today.year <= DEMO_YEAR:
        return None
    return CompetitionYear.objects.filter(year=today.year).first()


def live_periods(periods, today: datetime.date) -> list[dict]:
    """The periods (dicts with start and deadline) open on `today`, their deadline ahead."""
    return [p for p in periods if p["start"] <= today < p["deadline"]]


def live_plan(source: CompetitionYear, today: datetime.date) -> dict:
    """What opening `today`'s calendar year from `source` copies (`year_open_plan`), with a
    period open today whose deadline is still ahead.

    2019's four quarters, shifted, always give one, whatever the day: every day of a year lies
    in one of its quarters, and a quarter is due 10 days after it ends (the fourth on 10 January
    of the next year), so on 31 December the fourth quarter still has ten days to go. Only
    periods an admin changed in 2019 before it was closed could leave a day uncovered; the live
    year then takes the default four quarters instead, as a year created from scratch does.
    """
    plan = services.year_open_plan(source=source, number=today.year)
    if not live_periods(plan["periods"], today):
        plan["periods"] = services.default_periods(today.year)
    return plan


def day_in(first: datetime.date, last: datetime.date, index: int, count: int) -> datetime.date:
    """Day `index` of `count` spread evenly from `first` to `last` (both included)."""
    return first + datetime.timedelta(days=(last - first).days * index // max(1, count - 1))


# staff username (the entry's unit), nine-project number, title, villages, households,
# description
LIVE_ENTRIES = [
    (
        "xiangshan",
        1,
        "劳模领办食用菌合作社扩建",
        "渠沟镇钟楼村、高岳村",
        120,
        "在上年合作社基础上扩建大棚，吸纳脱贫户就近务工，巩固脱贫成果。",
    ),
    (
        "suixi",
        2,
        "劳模技能培训进乡村",
        "五沟镇、百善镇 8 个村",
        300,
        "技能型劳模开展电工、焊工、家政、电商培训，推荐脱贫劳动力稳定就业。",
    ),
    (
        "jiaoyu",
        4,
        "名师结对乡村学校",
        "孙疃镇中心小学、四铺乡邵楼小学、南坪镇南坪小学",
        0,
        "教育系统劳模结对乡村学校，送教、带徒、指导班级管理。",
    ),
]

# points per criterion of the live year, per reviewer, per LIVE_ENTRIES row: scoring under way,
# the third entry still waits for its first sheet.
LIVE_SHEETS = {
    "office1": [(21, 22, 20, 23), (22, 21, 19, 22), None],
    "office2": [(20, 21, 19, 22), None, None],
}


def seed_live(*, stdout=None, scale: int = 0, today: datetime.date) -> None:
    """The live year's entries, entered by the demo staff, and the first sheets on them; with
    `scale`, the scaled city's entries and sheets in the live year (what bench/ measures)."""
    year = live_year(today)
    if year is None or not year.is_open:
        return
    users = {
        u.username: u
        for u in get_user_model()
        .objects.filter(username__in=["office1", "office2", "xiangshan", "suixi", "jiaoyu"])
        .select_related("membership__unit")
    }
    projects = {p.number: p for p in NineProject.objects.filter(year=year)}
    entries = []
    for username, number, title, villages, households, description in LIVE_ENTRIES:
        staff = users[username]
        unit = staff.membership.unit
        entry = Entry.objects.filter(unit=unit, year=year, title=title).first()
        if entry is None:
            entry = services.entry_create(
                actor=staff,
                unit=unit,
                year=year,
                nine_project=projects[number],
                title=title,
                description=description,
                target_villages=villages,
                target_households=households,
            )
        entries.append(entry)
    _sheets(year, entries, LIVE_SHEETS, users)
    if scale > 0:
        seed_scale(scale, year=year, today=today, stdout=stdout)
    if stdout:
        stdout.write(f"competition: live year {year.year}, {len(entries)} demo entries")


# --- The scaled city (seed_demo --scale N), for benchmarks -----------------------------------
#
# Written with bulk_create in batches, bypassing the services on purpose: the services are for
# one user's action (one full_clean, one history row, one mail each) and would take hours for a
# city. Every row still satisfies every database constraint (unique keys, checks); what the
# generator skips is only what a service adds beside the row (simple-history rows, audit trail,
# notifications). The city comes in blocks of SCALE_SIZES["units"] units; block k exists once
# its first unit does, so a second run with the same N adds nothing and N=2 after N=1 adds one
# block. Its data of a year (entries and sheets here, reports, activities and nominations in the
# other apps) goes into the live year, the open year bench/ measures, and is added where the
# block's first unit has none in that year. Tests shrink SCALE_SIZES (and the other apps' dicts)
# with monkeypatch.

SCALE_SIZES = {
    "units": 500,
    "reviewers": 8,  # office reviewers per block; 3 of them come from one of the block's units
    "entries": 1000,
    "sheets_per_entry": 5,
    "spot_checks": 5,
}
SCALE_EMAIL_DOMAIN = "scale.example.org"
BATCH = 1000

_TOWNS = [
    "渠沟镇", "石台镇", "朔里镇", "烈山镇", "五沟镇", "南坪镇", "四铺镇", "百善镇", "铁佛镇",
    "孙疃镇", "临涣镇", "韩村镇", "双堆集镇", "刘桥镇", "宋疃镇", "古饶镇", "杨柳镇", "高岳街道",
]  # fmt: skip
_SYSTEMS = ["教育", "卫生健康", "交通运输", "住房建设", "农业农村", "商务", "文化旅游", "林业"]
_COMPANIES = ["供电", "自来水", "公交", "邮政", "燃气", "电信", "矿业", "建工", "粮油"]
# kind code, share of the block's units (out of 20)
_KIND_MIX = [("county", 8), ("system", 6), ("direct", 5), ("poverty_office", 1)]
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = ["建国", "秀英", "志强", "桂芳", "海峰", "玉兰", "晓明", "慧敏", "振华", "立新",
          "德胜", "丽娟", "文华", "红梅", "永刚", "春燕", "国庆", "淑珍", "卫东", "雪梅"]  # fmt: skip
_ENTRY_TITLES = [
    "劳模领办种植合作社", "技能扶贫就业培训", "名师送教下乡", "健康扶贫巡诊", "电商助农产销对接",
    "企业结对帮扶贫困村", "扶贫车间吸纳就业", "特色养殖示范基地", "光伏扶贫电站运维",
]  # fmt: skip


def scale_unit_email(number: int) -> str:
    return f"u{number:05d}@{SCALE_EMAIL_DOMAIN}"


def scaled_units():
    """Every unit of the scaled city (none without --scale), for the other apps' generators."""
    return Unit.objects.filter(email__endswith="@" + SCALE_EMAIL_DOMAIN)


def scale_block_units(block: int) -> list[Unit]:
    """The units of block `block` (1-based) in creation order; empty until it is generated."""
    size = SCALE_SIZES["units"]
    first = (block - 1) * size + 1
    emails = [scale_unit_email(n) for n in range(first, first + size)]
    return list(Unit.objects.filter(email__in=emails).order_by("pk"))


def _unit_name(kind: str, number: int) -> str:
    if kind == "county":
        return f"{_TOWNS[number % len(_TOWNS)]}工会第{number}分会"
    if kind == "system":
        return f"市{_SYSTEMS[number % len(_SYSTEMS)]}系统第{number}基层工会"
    if kind == "direct":
        return f"市{_COMPANIES[number % len(_COMPANIES)]}公司第{number}分公司工会"
    return f"{_TOWNS[number % len(_TOWNS)]}扶贫工作站{number}"


def person_name(index: int) -> str:
    """A realistic full name, distinct for the first 400 indexes, numbered after that."""
    name = _SURNAMES[index % len(_SURNAMES)] + _GIVEN[(index // len(_SURNAMES)) % len(_GIVEN)]
    cycle = index // (len(_SURNAMES) * len(_GIVEN))
    return f"{name}{cycle + 1}" if cycle else name


def seed_scale(scale: int, *, year: CompetitionYear, today: datetime.date, stdout=None) -> None:
    """Add blocks 1..scale of the scaled city that do not exist yet, and their entries and
    sheets in `year` (the live year) where the block has none there (see the comment above)."""
    for block in range(1, scale + 1):
        started = time.perf_counter()
        units = scale_block_units(block)
        if not units:
            units = _scale_units(block, start=year.start_date)
            _scale_staff(units)
            _scale_reviewers(block, units)
        elif Entry.objects.filter(year=year, unit=units[0]).exists():
            continue
        reviewers = scale_block_reviewers(block)
        _scale_scoring(units, reviewers, year=year, today=today)
        if stdout:
            stdout.write(
                f"competition: scale block {block}: {len(units)} units, staff, "
                f"{len(reviewers)} reviewers, {year.year} entries and sheets "
                f"in {time.perf_counter() - started:.1f} s"
            )


def _scale_units(block: int, *, start: datetime.date) -> list[Unit]:
    """The block's units, taking part from `start` (the live year's first day: they are no
    part of 2019, whose figures stay those of the demo)."""
    kinds = {kind.code: kind for kind in UnitKind.objects.all()}
    size = SCALE_SIZES["units"]
    pattern = [code for code, share in _KIND_MIX for _ in range(share)]
    first = (block - 1) * size + 1
    units = []
    for number in range(first, first + size):
        kind = pattern[number % len(pattern)]
        units.append(
            Unit(
                name=_unit_name(kind, number),
                kind=kinds[kind],
                contact_person=person_name(number),
                phone=f"0561-{3100000 + number}",
                email=scale_unit_email(number),
            )
        )
    Unit.objects.bulk_create(units, batch_size=BATCH)
    created = scale_block_units(block)
    Participation.objects.bulk_create(
        (Participation(unit=unit, start=start) for unit in created), batch_size=BATCH
    )
    return created


def _scale_users(rows, *, role) -> list:
    """Users with the demo password, hashed once (hashing per user would take minutes)."""
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)
    users = [
        User(username=username, first_name=name, email=f"{username}@{SCALE_EMAIL_DOMAIN}",
             password=password)
        for username, name, _unit in rows
    ]  # fmt: skip
    User.objects.bulk_create(users, batch_size=BATCH)
    users = User.objects.filter(username__in=[row[0] for row in rows]).in_bulk(
        field_name="username"
    )
    Membership.objects.bulk_create(
        [Membership(user=users[username], role=role, unit=unit) for username, _n, unit in rows],
        batch_size=BATCH,
    )
    return [users[row[0]] for row in rows]


def _scale_staff(units) -> None:
    number = int(units[0].email[1:6])
    rows = [(f"staff{number + i:05d}", unit.contact_person, unit) for i, unit in enumerate(units)]
    _scale_users(rows, role=Role.UNIT_STAFF)


def _reviewer_username(block: int, index: int) -> str:
    return f"reviewer{block:02d}{index:02d}"


def _scale_reviewers(block: int, units) -> list:
    # Three reviewers come from one of the block's units, so the conflict rule (no sheet on
    # one's own unit's entries) shapes the data as it does in real life.
    rows = [
        (
            _reviewer_username(block, i),
            person_name(7 * i + 3),
            units[(i * 37) % len(units)] if i < 3 else None,
        )
        for i in range(SCALE_SIZES["reviewers"])
    ]
    return _scale_users(rows, role=Role.OFFICE)


def scale_block_reviewers(block: int) -> list:
    """The office reviewers of block `block`, in creation order."""
    names = [_reviewer_username(block, i) for i in range(SCALE_SIZES["reviewers"])]
    users = get_user_model().objects.filter(username__in=names).select_related("membership")
    return sorted(users, key=lambda user: user.username)


def _scale_scoring(units, reviewers, *, year: CompetitionYear, today: datetime.date) -> None:
    projects = list(NineProject.objects.filter(year=year).order_by("number"))
    rng = random.Random(len(units) * 7919 + units[0].pk)
    entries = []
    for i in range(SCALE_SIZES["entries"]):
        unit, round_ = units[i % len(units)], i // len(units)
        title = _ENTRY_TITLES[(i + round_) % len(_ENTRY_TITLES)]
        entries.append(
            Entry(
                unit=unit,
                year=year,
                nine_project=projects[(i + round_) % len(projects)],
                title=f"{title}（{unit.name}·{round_ + 1}）",
                description=f"{unit.name}组织劳模开展“{title}”，精准帮扶贫困村和贫困户。",
                target_villages=f"{_TOWNS[i % len(_TOWNS)]}{rng.randint(1, 9)}个贫困村",
                target_households=rng.randint(10, 300),
            )
        )
    entries = Entry.objects.bulk_create(entries, batch_size=BATCH)
    reviewer_units = {r.pk: r.membership.unit_id for r in reviewers}
    sheets = []
    for i, entry in enumerate(entries):
        eligible = [r for r in reviewers if reviewer_units[r.pk] != entry.unit_id]
        start = i % len(eligible)
        chosen = (eligible[start:] + eligible[:start])[: SCALE_SIZES["sheets_per_entry"]]
        quality = rng.uniform(0.55, 0.95)
        for reviewer in chosen:
            points = [
                Decimal(round(25 * min(1.0, quality + rng.uniform(-0.1, 0.1)) * 2) / 2)
                for _ in range(4)
            ]
            sheet = ScoreSheet(
                entry=entry,
                reviewer=reviewer,
                comment="材料翔实，成效明显。" if quality > 0.8 else "建议进一步完善台账。",
            )
            sheets.append((sheet, points))
    ScoreSheet.objects.bulk_create([sheet for sheet, _points in sheets], batch_size=BATCH)
    criteria = list(year.criteria.order_by("number"))
    Score.objects.bulk_create(
        (
            Score(sheet=sheet, criterion=criterion, points=points[index % len(points)])
            for sheet, points in sheets
            for index, criterion in enumerate(criteria)
        ),
        batch_size=BATCH,
    )
    services.entry_scores_refresh(entries=[entry.pk for entry in entries])
    ratings = list(SpotCheckRating)
    count = SCALE_SIZES["spot_checks"]
    SpotCheck.objects.bulk_create(
        [
            SpotCheck(
                year=year,
                unit=entry.unit,
                entry=entry,
                date=day_in(year.start_date, today, n, count),
                inspectors=f"{reviewers[0].first_name}、{reviewers[1].first_name}",
                findings="现场查看帮扶台账和项目实地，贫困户收入情况与报送材料一致。",
                rating=ratings[n % len(ratings)],
                recorded_by=reviewers[0],
            )
            for n, entry in enumerate(entries[:: max(1, len(entries) // 5)][:count])
        ]
    )
