"""Demo data for the “5+1” project: model workers, the volunteer team, 2019 activities and the
live year's first activities and service records.

Chosen so the 2019 quota page shows both outcomes: 相山区总工会 and 杜集区总工会 meet their quota
of 3, 烈山区总工会 (2) and 濉溪县总工会 (1) are behind; among system unions 市电子商贸物流工会 and
市农业农村系统工会 are behind; among directly affiliated unions 市自来水公司工会 and
市邮政公司工会 have none. In the live year the year is under way: 相山区总工会 has met its quota,
the others are on their way. Idempotent: everything is looked up by its natural key first
(a live activity by unit, title and year: its date depends on the day of the first run).
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from competition import demo
from competition.models import CompetitionYear, Unit

from . import services, validation
from .enums import ActivityType as T
from .enums import Expertise as E
from .enums import Gender as G
from .enums import HonourLevel as H
from .models import Activity, ModelWorker, ServiceRecord, VolunteerMembership

# unit, name, gender, birth year, position, honour, honour year, expertise, phone
WORKERS = [
    (
        "相山区总工会",
        "张建国",
        G.MALE,
        1965,
        "种植合作社理事长",
        H.NATIONAL,
        2015,
        E.PLANTING,
        "13805611001",
    ),
    (
        "相山区总工会",
        "李秀英",
        G.FEMALE,
        1972,
        "社区医院主任医师",
        H.PROVINCIAL,
        2016,
        E.MEDICAL,
        "13805611002",
    ),
    (
        "杜集区总工会",
        "王德胜",
        G.MALE,
        1968,
        "养殖场场长",
        H.CITY,
        2017,
        E.LIVESTOCK,
        "13905612001",
    ),
    (
        "杜集区总工会",
        "赵玉兰",
        G.FEMALE,
        1975,
        "果园技术员",
        H.MAY_DAY_MEDAL,
        2018,
        E.FORESTRY,
        "13905612002",
    ),
    (
        "烈山区总工会",
        "孙立新",
        G.MALE,
        1970,
        "石榴种植大户",
        H.PROVINCIAL,
        2014,
        E.PLANTING,
        "13605613001",
    ),
    (
        "濉溪县总工会",
        "周海峰",
        G.MALE,
        1966,
        "水产养殖专业户",
        H.CITY,
        2016,
        E.AQUACULTURE,
        "13705614001",
    ),
    (
        "濉溪县总工会",
        "吴桂芳",
        G.FEMALE,
        1978,
        "乡村教师",
        H.CITY,
        2018,
        E.EDUCATION,
        "13705614002",
    ),
    (
        "市教育工会",
        "陈晓明",
        G.MALE,
        1969,
        "中学特级教师",
        H.NATIONAL,
        2010,
        E.EDUCATION,
        "15805615001",
    ),
    (
        "市卫计委工会",
        "刘慧敏",
        G.FEMALE,
        1971,
        "市人民医院副院长",
        H.PROVINCIAL,
        2015,
        E.MEDICAL,
        "15805616001",
    ),
    (
        "大企业工会",
        "马振华",
        G.MALE,
        1963,
        "集团公司董事长",
        H.NATIONAL,
        2012,
        E.BUSINESS,
        "18905617001",
    ),
    (
        "市电子商贸物流工会",
        "郭晓燕",
        G.FEMALE,
        1982,
        "电商企业负责人",
        H.MAY_DAY_MEDAL,
        2017,
        E.BUSINESS,
        "18905618001",
    ),
    ("市供电公司工会", "何志强", G.MALE, 1974, "供电所所长", H.CITY, 2016, E.OTHER, "13305619001"),
]

# unit, title, type, nine-project number, date, town, village, households, people, workers
ACTIVITIES = [
    (
        "相山区总工会",
        "劳模大棚蔬菜种植技术培训",
        T.SKILLS,
        1,
        "2019-03-15",
        "渠沟镇",
        "钟楼村",
        32,
        45,
        ["张建国"],
    ),
    (
        "相山区总工会",
        "劳模健康义诊进村",
        T.HEALTH,
        6,
        "2019-05-10",
        "渠沟镇",
        "钟楼村",
        60,
        120,
        ["李秀英"],
    ),
    (
        "相山区总工会",
        "劳模结对帮扶贫困户",
        T.PAIRING,
        9,
        "2019-07-20",
        "渠沟镇",
        "高岳村",
        10,
        26,
        ["张建国", "李秀英"],
    ),
    (
        "相山区总工会",
        "劳模志愿服务进田间",
        T.VOLUNTEER,
        1,
        "2019-10-12",
        "渠沟镇",
        "钟楼村",
        15,
        30,
        ["张建国"],
    ),
    (
        "杜集区总工会",
        "生猪养殖技术指导",
        T.SKILLS,
        1,
        "2019-04-02",
        "石台镇",
        "前濉村",
        20,
        35,
        ["王德胜"],
    ),
    (
        "杜集区总工会",
        "果树修剪现场教学",
        T.SKILLS,
        3,
        "2019-06-18",
        "朔里镇",
        "南山村",
        25,
        40,
        ["赵玉兰"],
    ),
    (
        "杜集区总工会",
        "劳模产业示范基地建设",
        T.INDUSTRY,
        1,
        "2019-09-05",
        "石台镇",
        "前濉村",
        18,
        50,
        ["王德胜"],
    ),
    (
        "烈山区总工会",
        "石榴种植管理培训",
        T.SKILLS,
        1,
        "2019-04-20",
        "烈山镇",
        "榴园村",
        40,
        60,
        ["孙立新"],
    ),
    (
        "烈山区总工会",
        "劳模助力石榴产业基地",
        T.INDUSTRY,
        1,
        "2019-08-16",
        "烈山镇",
        "榴园村",
        30,
        70,
        ["孙立新"],
    ),
    (
        "濉溪县总工会",
        "水产养殖技术进村",
        T.SKILLS,
        1,
        "2019-05-22",
        "五沟镇",
        "沈圩村",
        22,
        38,
        ["周海峰"],
    ),
    (
        "市教育工会",
        "劳模送教下乡",
        T.EDUCATION,
        4,
        "2019-03-28",
        "南坪镇",
        "南坪村",
        0,
        200,
        ["陈晓明"],
    ),
    (
        "市教育工会",
        "村小课堂管理指导",
        T.EDUCATION,
        4,
        "2019-06-06",
        "四铺镇",
        "四铺村",
        0,
        150,
        ["陈晓明"],
    ),
    (
        "市教育工会",
        "留守儿童暑期辅导",
        T.VOLUNTEER,
        4,
        "2019-07-25",
        "南坪镇",
        "南坪村",
        12,
        40,
        ["陈晓明"],
    ),
    (
        "市卫计委工会",
        "健康扶贫巡回义诊",
        T.HEALTH,
        6,
        "2019-04-12",
        "百善镇",
        "百善村",
        80,
        160,
        ["刘慧敏"],
    ),
    (
        "市卫计委工会",
        "慢性病家庭签约随访",
        T.HEALTH,
        6,
        "2019-06-21",
        "百善镇",
        "黄新庄村",
        45,
        90,
        ["刘慧敏"],
    ),
    (
        "市卫计委工会",
        "贫困户健康档案建档",
        T.HEALTH,
        6,
        "2019-09-10",
        "铁佛镇",
        "铁佛村",
        66,
        130,
        ["刘慧敏"],
    ),
    (
        "大企业工会",
        "企业结对贫困村",
        T.PAIRING,
        1,
        "2019-03-08",
        "孙疃镇",
        "孙疃村",
        50,
        140,
        ["马振华"],
    ),
    (
        "大企业工会",
        "就业岗位进村招聘",
        T.PAIRING,
        2,
        "2019-05-30",
        "孙疃镇",
        "孙疃村",
        35,
        35,
        ["马振华"],
    ),
    (
        "大企业工会",
        "村集体经济项目对接",
        T.INDUSTRY,
        1,
        "2019-11-02",
        "孙疃镇",
        "孙疃村",
        40,
        100,
        ["马振华"],
    ),
    (
        "市电子商贸物流工会",
        "农产品电商带货培训",
        T.SKILLS,
        2,
        "2019-08-08",
        "临涣镇",
        "临涣村",
        28,
        30,
        ["郭晓燕"],
    ),
    (
        "市直机关工会",
        "机关劳模扶贫宣讲",
        T.VOLUNTEER,
        9,
        "2019-06-15",
        "韩村镇",
        "韩村",
        10,
        80,
        [],
    ),
    (
        "市供电公司工会",
        "贫困户用电安全检查",
        T.VOLUNTEER,
        7,
        "2019-05-18",
        "双堆集镇",
        "双堆村",
        55,
        110,
        ["何志强"],
    ),
    (
        "市公交公司工会",
        "爱心助农公交专线",
        T.VOLUNTEER,
        9,
        "2019-09-20",
        "南坪镇",
        "南坪村",
        0,
        300,
        [],
    ),
    # Sub-units of two county federations (competition.demo.SUB_UNITS)
    (
        "相山区曲阳街道工会",
        "劳模进社区技能培训",
        T.SKILLS,
        2,
        "2019-04-18",
        "曲阳街道",
        "",
        12,
        30,
        [],
    ),
    (
        "相山区南黎街道工会",
        "劳模结对帮扶困难家庭",
        T.PAIRING,
        9,
        "2019-06-06",
        "南黎街道",
        "",
        8,
        21,
        [],
    ),
    (
        "濉溪县百善镇工会",
        "劳模种植示范基地观摩",
        T.INDUSTRY,
        1,
        "2019-05-22",
        "百善镇",
        "道东村",
        25,
        64,
        [],
    ),
    ("濉溪县临涣镇工会", "劳模义诊进村", T.HEALTH, 6, "2019-07-11", "临涣镇", "临涣村", 40, 95, []),
    (
        "濉溪县五沟镇工会",
        "劳模送教进村小",
        T.EDUCATION,
        4,
        "2019-09-05",
        "五沟镇",
        "五沟村",
        18,
        52,
        [],
    ),
]

# worker name, joined on, [(date, hours, place, content)]
TEAM = [
    (
        "张建国",
        "2019-01-10",
        [
            ("2019-03-16", "4", "钟楼村", "大棚病虫害防治现场指导"),
            ("2019-10-12", "6", "钟楼村", "秋收田间帮扶"),
        ],
    ),
    ("李秀英", "2019-01-10", [("2019-05-10", "5", "钟楼村", "义诊并建立健康档案")]),
    ("王德胜", "2019-02-20", [("2019-04-02", "3", "前濉村", "生猪防疫指导")]),
    ("陈晓明", "2019-03-01", [("2019-07-25", "8", "南坪村", "留守儿童暑期辅导")]),
    (
        "刘慧敏",
        "2019-03-01",
        [("2019-04-12", "6", "百善村", "巡回义诊"), ("2019-09-10", "4", "铁佛村", "入户随访")],
    ),
    ("何志强", "2019-04-01", [("2019-05-18", "5", "双堆村", "入户检查线路")]),
]


class YearRules:
    """The activity types (by code) and projects (by number) of the year a date lies in."""

    def __init__(self):
        self.years = list(
            CompetitionYear.objects.order_by("start_date", "year").prefetch_related(
                "activity_types", "projects"
            )
        )
        self.rules = {}

    def __call__(self, date):
        year = next(y for y in self.years if y.start_date <= date <= y.end_date)
        if year.pk not in self.rules:
            self.rules[year.pk] = (
                {t.code: t for t in year.activity_types.all()},
                {p.number: p for p in year.projects.all()},
            )
        return self.rules[year.pk]


def seed(*, stdout=None) -> None:
    """The model workers, the volunteer team and 2019's activities and service records."""
    units = {unit.name: unit for unit in Unit.objects.all()}
    rules = YearRules()
    workers = {}
    for unit, name, gender, born, position, honour, year, expertise, phone in WORKERS:
        workers[name], _created = ModelWorker.objects.get_or_create(
            unit=units[unit],
            name=name,
            defaults={
                "gender": gender,
                "birth_year": born,
                "position": position,
                "honour_level": honour,
                "honour_year": year,
                "expertise": expertise,
                "phone": phone,
            },
        )
    for unit, title, kind, project, date, town, village, households, people, names in ACTIVITIES:
        types, projects = rules(datetime.date.fromisoformat(date))
        activity, created = Activity.objects.get_or_create(
            unit=units[unit],
            date=datetime.date.fromisoformat(date),
            title=title,
            defaults={
                "activity_type": types[kind],
                "nine_project": projects[project],
                "town": town,
                "village": village,
                "households": households,
                "people": people,
                "description": f"{unit}组织劳模开展“{title}”活动。",
            },
        )
        if created:
            activity.model_workers.set([workers[name] for name in names])
            # Written directly, as imports do: the year's data-quality flags stored too.
            validation.store(activity, validation.compute(activity))
            activity.save(update_fields=["quality_flags", "has_flags"])
    for name, joined, records in TEAM:
        membership, _created = VolunteerMembership.objects.get_or_create(
            model_worker=workers[name], joined_on=datetime.date.fromisoformat(joined)
        )
        for date, hours, place, content in records:
            ServiceRecord.objects.get_or_create(
                membership=membership,
                date=datetime.date.fromisoformat(date),
                place=place,
                defaults={"hours": Decimal(hours), "content": content},
            )
    # Written directly: each year's activity tallies recounted, as the services do.
    for year in CompetitionYear.objects.all():
        services.activity_tallies_recount_year(year)
    if stdout:
        stdout.write(
            f"volunteers: {len(WORKERS)} model workers, {len(TEAM)} team members, "
            f"{len(ACTIVITIES)} activities"
        )


# The live year's activities, dated in this order from 1 January to the day of the first run:
# unit, title, type, nine-project number, town, village, households, people, model workers
LIVE_ACTIVITIES = [
    ("相山区总工会", "食用菌大棚扩建技术指导", T.SKILLS, 1, "渠沟镇", "钟楼村", 28, 40, ["张建国"]),
    ("市教育工会", "名师送教村小", T.EDUCATION, 4, "孙疃镇", "孙疃村", 0, 180, ["陈晓明"]),
    ("相山区总工会", "劳模义诊进村", T.HEALTH, 6, "渠沟镇", "高岳村", 45, 90, ["李秀英"]),
    ("杜集区总工会", "生猪养殖防疫培训", T.SKILLS, 1, "石台镇", "前濉村", 18, 30, ["王德胜"]),
    ("市卫计委工会", "慢性病随访入户", T.HEALTH, 6, "百善镇", "百善村", 50, 95, ["刘慧敏"]),
    ("濉溪县总工会", "水产养殖技术进村", T.SKILLS, 1, "五沟镇", "沈圩村", 20, 34, ["周海峰"]),
    ("市供电公司工会", "脱贫户用电安全检查", T.VOLUNTEER, 7, "双堆集镇", "双堆村", 40, 85, ["何志强"]),
    ("相山区总工会", "劳模结对帮扶脱贫户", T.PAIRING, 9, "渠沟镇", "钟楼村", 12, 30,
     ["张建国", "李秀英"]),
]  # fmt: skip

# team member, place, hours, content: the live year's service records, dated like the above
LIVE_SERVICE = [
    ("张建国", "钟楼村", "4", "春耕备耕技术指导"),
    ("刘慧敏", "百善村", "5", "巡回义诊"),
    ("陈晓明", "南坪村", "6", "留守儿童课业辅导"),
]


def seed_live(*, stdout=None, scale: int = 0, today: datetime.date) -> None:
    """The live year's activities and service records, recorded through the services by the
    unit's demo staff (else office1); with `scale`, the scaled city's in the live year."""
    year = demo.live_year(today)
    if year is None or not year.is_open:
        return
    # The demo units' model workers only: the scaled city's may bear the same names.
    units = {unit.name: unit for unit in Unit.objects.filter(name__in=[u[0] for u in demo.UNITS])}
    rules = YearRules()
    workers = {
        (worker.unit_id, worker.name): worker
        for worker in ModelWorker.objects.filter(unit__in=units.values())
    }
    users = get_user_model().objects.select_related("membership")
    staff = {
        u.membership.unit_id: u
        for u in users.filter(membership__role="unit_staff", membership__unit__in=units.values())
    }
    admin = users.get(username="admin")
    count = len(LIVE_ACTIVITIES)
    for index, row in enumerate(LIVE_ACTIVITIES):
        unit, title, kind, project, town, village, households, people, names = row
        unit = units[unit]
        if Activity.objects.filter(unit=unit, title=title, date__year=year.year).exists():
            continue
        date = demo.day_in(year.start_date, today, index, count)
        types, projects = rules(date)
        activity = Activity(
            unit=unit,
            title=title,
            activity_type=types[kind],
            nine_project=projects[project],
            date=date,
            town=town,
            village=village,
            households=households,
            people=people,
            description=f"{unit.name}组织劳模开展“{title}”活动。",
        )
        services.activity_save(
            actor=staff.get(unit.pk) or admin,  # a unit without a login: the admin enters it
            activity=activity,
            model_workers=[workers[unit.pk, name] for name in names],
        )
    memberships = {
        m.model_worker.name: m
        for m in VolunteerMembership.objects.filter(
            left_on__isnull=True, model_worker__unit__in=units.values()
        ).select_related("model_worker")
    }
    for index, (name, place, hours, content) in enumerate(LIVE_SERVICE):
        membership = memberships.get(name)
        if (
            membership is None
            or ServiceRecord.objects.filter(
                membership=membership, place=place, content=content, date__year=year.year
            ).exists()
        ):
            continue
        services.service_record_add(
            actor=staff.get(membership.model_worker.unit_id) or admin,
            membership=membership,
            date=demo.day_in(year.start_date, today, index, len(LIVE_SERVICE)),
            hours=Decimal(hours),
            place=place,
            content=content,
        )
    if scale > 0:
        seed_scale(scale, year=year, today=today, stdout=stdout)
    if stdout:
        stdout.write(f"volunteers: live year {year.year}, {count} demo activities")


# --- The scaled city (seed_demo --scale N): model workers and activities of its units --------
# Bulk-created on purpose, bypassing the services (see competition.demo's scale section); each
# row keeps the database constraints (unique name per unit, unique title per unit and day).

SCALE_SIZES = {"model_workers": 3000, "activities": 10000, "team_members": 300}

_ACTIVITY_TITLES = [
    (T.SKILLS, 1, "种植技术培训"),
    (T.SKILLS, 2, "电商带货培训"),
    (T.HEALTH, 6, "健康义诊进村"),
    (T.EDUCATION, 4, "送教下乡"),
    (T.INDUSTRY, 1, "产业基地建设"),
    (T.PAIRING, 9, "结对帮扶贫困户"),
    (T.VOLUNTEER, 7, "志愿服务进田间"),
    (T.PAIRING, 2, "就业岗位进村招聘"),
]
_VILLAGES = ["钟楼村", "高岳村", "前濉村", "南山村", "榴园村", "沈圩村", "南坪村", "孙疃村"]
_POSITIONS = ["合作社理事长", "种植大户", "乡村医生", "中学教师", "企业负责人", "技术员"]


def seed_scale(scale: int, *, year, today: datetime.date, stdout=None) -> None:
    """Each block's model workers and team (once), and its activities and service records in
    `year` (the live year) where the block has none there."""
    for block in range(1, scale + 1):
        units = demo.scale_block_units(block)
        if not units:
            continue
        workers = list(ModelWorker.objects.filter(unit__in=units).order_by("pk"))
        if not workers:
            workers = _scale_workers(units)
            _scale_team(workers, joined_on=year.start_date)
        elif Activity.objects.filter(unit__in=units, date__year=year.year).exists():
            continue
        count = _scale_activities(units, workers, first=year.start_date, last=today)
        # Written in bulk: the block's activity tallies recounted, as the services do.
        services.activity_tallies_recount(year=year, unit_ids=[unit.pk for unit in units])
        _scale_service(units, first=year.start_date, last=today)
        if stdout:
            stdout.write(
                f"volunteers: scale block {block}: {len(workers)} model workers, "
                f"{count} activities in {year.year}"
            )


def _scale_workers(units) -> list[ModelWorker]:
    honours = list(H)
    expertise = list(E)
    workers = []
    for i in range(SCALE_SIZES["model_workers"]):
        unit, round_ = units[i % len(units)], i // len(units)
        workers.append(
            ModelWorker(
                unit=unit,
                name=demo.person_name(round_ * 7 + i % 7),
                gender=G.MALE if i % 3 else G.FEMALE,
                birth_year=1955 + i % 40,
                position=_POSITIONS[i % len(_POSITIONS)],
                honour_level=honours[i % len(honours)],
                honour_year=2005 + i % 14,
                expertise=expertise[i % len(expertise)],
                phone=f"139{(unit.pk * 1000 + round_) % 100000000:08d}",
            )
        )
    return ModelWorker.objects.bulk_create(workers, batch_size=demo.BATCH)


def _scale_activities(units, workers, *, first: datetime.date, last: datetime.date) -> int:
    rules = YearRules()
    by_unit = {}
    for worker in workers:
        by_unit.setdefault(worker.unit_id, []).append(worker)
    activities, links = [], []
    days = (last - first).days + 1
    for i in range(SCALE_SIZES["activities"]):
        unit, round_ = units[i % len(units)], i // len(units)
        kind, project, title = _ACTIVITY_TITLES[(i + round_) % len(_ACTIVITY_TITLES)]
        village = _VILLAGES[i % len(_VILLAGES)]
        date = first + datetime.timedelta(days=(round_ * 17 + i) % days)
        types, projects = rules(date)
        activities.append(
            Activity(
                unit=unit,
                title=f"劳模{title}（第{round_ + 1}期）",
                activity_type=types[kind],
                nine_project=projects[project],
                date=date,
                town=unit.name[:3] if unit.name[2] == "镇" else "南坪镇",
                village=village,
                households=(i * 7) % 60,
                people=10 + (i * 13) % 200,
                description=f"{unit.name}组织劳模到{village}开展{title}。",
            )
        )
    activities = Activity.objects.bulk_create(activities, batch_size=demo.BATCH)
    Through = Activity.model_workers.through
    for i, activity in enumerate(activities):
        team = by_unit.get(activity.unit_id, [])
        for worker in team[i % 2 : i % 2 + 1 + i % 2]:
            links.append(Through(activity_id=activity.pk, modelworker_id=worker.pk))
    Through.objects.bulk_create(links, batch_size=demo.BATCH)
    return len(activities)


def _scale_team(workers, *, joined_on: datetime.date) -> None:
    step = max(1, len(workers) // max(1, SCALE_SIZES["team_members"]))
    VolunteerMembership.objects.bulk_create(
        [
            VolunteerMembership(model_worker=worker, joined_on=joined_on)
            for worker in workers[::step][: SCALE_SIZES["team_members"]]
        ],
        batch_size=demo.BATCH,
    )


def _scale_service(units, *, first: datetime.date, last: datetime.date) -> None:
    """A service record of each team member of `units`, dated from `first` to `last`."""
    members = VolunteerMembership.objects.filter(
        model_worker__unit__in=units, left_on__isnull=True, joined_on__lte=first
    ).order_by("pk")
    days = (last - first).days + 1
    ServiceRecord.objects.bulk_create(
        [
            ServiceRecord(
                membership=member,
                date=first + datetime.timedelta(days=(n * 11) % days),
                hours=Decimal(2 + n % 6),
                place=_VILLAGES[n % len(_VILLAGES)],
                content="入户走访，开展技术指导和政策宣讲。",
            )
            for n, member in enumerate(members)
        ],
        batch_size=demo.BATCH,
    )
