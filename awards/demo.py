"""Demo data for awards: 2019 nominations of the demo units (eligible ones, one individual with
less than 2 years of poverty work, one collective with missing evidence), 杜集区总工会's
application for the 奖状 accepted by the office, a finished evaluation run and a shortlist
with a few awards proposed by the office; the whole procedure done in April 2020 (approved
by the leading group, 公示 with one objection answered, the 表彰决定 published) and the
certificates issued; then the turn of the year: 2019 closed (sealed) and the current
calendar year opened from it, the live year.

Idempotent: nominations are looked up by (year, unit, entry, category), the run and the
shortlist are made only when the year has none, 2019 is closed unless it is, the live year
opened unless it exists. With `scale > 0` (benchmarks), 500 × scale more nominations are
added to the live year in one bulk insert over the entries that exist there.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from common.pdf import FontMissing
from competition import demo as competition_demo
from competition import services as competition_services
from competition.models import CompetitionYear, Entry
from volunteers.enums import HonourLevel
from volunteers.models import ModelWorker

from . import approval, services
from .enums import AwardKind, Category, CollectiveKind, RunStatus, ShortlistCategory
from .models import EvaluationRun, Nomination

# Nominees who are registered model workers (the registry entry the demo adds for them): they
# go first among equals and alone may be given 劳模休养、交流 priority.
MODEL_WORKER_NOMINEES = {
    "刘建国": {"gender": "m", "honour_level": HonourLevel.CITY, "honour_year": 2016},
}

DEMO_YEAR = 2019
SCALE_MARK = "（规模测试申报）"

COLLECTIVE_EVIDENCE = {
    "evidence_participation": "全体会员参与“跟着劳模去扶贫”活动，组织劳模结对帮扶 12 户。",
    "evidence_promotion": "筹集帮扶资金 36 万元，引进食用菌种植技术和技术人员。",
    "evidence_practice": "帮扶户人均年收入增加 3200 元，村集体经济收入突破 10 万元。",
}
INDIVIDUAL_EVIDENCE = {
    "evidence_integrity": "坚决贯彻脱贫攻坚决策部署，党性强。",
    "evidence_results": "带领 46 户贫困户发展产业，全部稳定脱贫。",
    "evidence_style": "常年驻村，走访每户贫困户不少于 6 次。",
    "evidence_innovation": "首创“劳模+合作社+贫困户”帮扶模式。",
    "evidence_discipline": "廉洁自律，无违纪违法记录。",
}

# unit, entry title, category, extra fields
NOMINATIONS = [
    (
        "相山区总工会",
        "劳模领办特色种植合作社",
        Category.COLLECTIVE,
        {"collective_kind": CollectiveKind.UNIT, **COLLECTIVE_EVIDENCE},
    ),
    (
        "大企业工会",
        "企业结对帮扶贫困村",
        Category.COLLECTIVE,
        {"collective_kind": CollectiveKind.UNIT, **COLLECTIVE_EVIDENCE},
    ),
    (
        # Incomplete: no evidence for 模范践行.
        "市教育工会",
        "名师送教下乡",
        Category.COLLECTIVE,
        {
            "collective_kind": CollectiveKind.TEAM,
            "team_name": "市教育系统劳模送教团队",
            "evidence_participation": COLLECTIVE_EVIDENCE["evidence_participation"],
            "evidence_promotion": COLLECTIVE_EVIDENCE["evidence_promotion"],
        },
    ),
    (
        "濉溪县总工会",
        "“技能扶贫”就业培训进村",
        Category.INDIVIDUAL,
        {
            "person_name": "刘建国",
            "gender": "m",
            "position": "县总工会劳模技能培训讲师",
            "work_started_on": datetime.date(2016, 5, 1),
            **INDIVIDUAL_EVIDENCE,
        },
    ),
    (
        "市电子商贸物流工会",
        "电商助农产销对接",
        Category.INDIVIDUAL,
        {
            "person_name": "宫晓燕",
            "gender": "f",
            "position": "电商企业负责人",
            "work_started_on": datetime.date(2017, 3, 15),
            **INDIVIDUAL_EVIDENCE,
        },
    ),
    (
        # Ineligible: started in 2019, less than 2 years before the evaluation (2020-04-15).
        "市卫计委工会",
        "劳模医疗服务队健康扶贫",
        Category.INDIVIDUAL,
        {
            "person_name": "杨医生",
            "gender": "f",
            "position": "乡镇卫生院副院长",
            "work_started_on": datetime.date(2019, 1, 10),
            **INDIVIDUAL_EVIDENCE,
        },
    ),
]


def seed(*, stdout=None) -> None:
    """2019's nominations."""
    year = CompetitionYear.objects.filter(year=DEMO_YEAR).first()
    if year is None:
        return
    for unit_name, title, category, fields in NOMINATIONS:
        entry = Entry.objects.filter(unit__name=unit_name, year=year, title=title).first()
        if entry is None or Nomination.objects.filter(entry=entry, category=category).exists():
            continue
        nomination = Nomination(
            year=year,
            unit=entry.unit,
            entry=entry,
            category=category,
            statement=f"{unit_name}围绕{entry.nine_project.name}扎实开展帮扶，成效明显。",
            **fields,
        )
        registered = MODEL_WORKER_NOMINEES.get(fields.get("person_name", ""))
        if registered:
            nomination.model_worker, _created = ModelWorker.objects.get_or_create(
                unit=entry.unit, name=fields["person_name"], defaults=registered
            )
        nomination.full_clean()
        nomination.save()
    if stdout:
        stdout.write(f"awards: {Nomination.objects.filter(year=year).count()} nominations")


def seed_turn(*, stdout=None, today: datetime.date) -> None:
    """The turn of the year, as the admin does it: 2019 evaluated (a finished run and its
    shortlist), closed and so sealed, and `today`'s calendar year opened from it with its
    rules (`awards.services.year_open`), its periods shifted to the new year and one of them
    open today (`competition.demo.live_plan`)."""
    past = CompetitionYear.objects.filter(year=DEMO_YEAR).first()
    admin_user = get_user_model().objects.filter(username="admin").first()
    if past is None or admin_user is None:
        return
    if not competition_services.year_is_sealed(past):
        if not EvaluationRun.objects.filter(year=past, status=RunStatus.DONE).exists():
            users = get_user_model().objects.in_bulk(
                ["office1", "office2", "suixi", "duji"], field_name="username"
            )
            _seed_application(past, users)
            run = services.evaluation_run_build(
                run=services.evaluation_run_create(actor=admin_user, year=past)
            )
            _seed_shortlist(run, users["office1"])
            _seed_procedure(run, admin_user, users, stdout=stdout)
        past = competition_services.competition_year_close(actor=admin_user, year=past)
    if today.year <= DEMO_YEAR or CompetitionYear.objects.filter(year=today.year).exists():
        return
    live = services.year_open(
        actor=admin_user,
        source=past,
        number=today.year,
        plan=competition_demo.live_plan(past, today),
    )
    if stdout:
        stdout.write(f"awards: {DEMO_YEAR} evaluated and closed, {live.year} opened from it")


def seed_live(*, stdout=None, scale: int = 0, today: datetime.date) -> None:
    """With `scale`, the scaled city's nominations in the live year."""
    year = competition_demo.live_year(today)
    if year is not None and year.is_open and scale > 0:
        _seed_scale(year, scale)


def _seed_application(year, users) -> None:
    """杜集区总工会 applies for the 奖状 (it meets the year's conditions); office1 accepts."""
    applicant, office = users.get("duji"), users.get("office1")
    if applicant is None or office is None:
        return
    application = services.application_submit(
        actor=applicant,
        unit=applicant.membership.unit,
        year=year,
        statement="组织劳模深入 3 个贫困村开展技能培训和结对帮扶，季度报告按时报送。",
        evidence="劳模扶贫活动 3 次，培训贫困户 120 人次，帮扶户全部稳定脱贫。",
    )
    services.application_review(
        actor=office, application=application, decision="accept", comment="符合申报条件。"
    )


# The procedure as the office and the leading group ran it in April 2020, after the
# evaluation date (15 April): the services' `today` stands for those days.
PUBLICITY_START = datetime.date(2020, 4, 20)
OBJECTION_ON = datetime.date(2020, 4, 22)
PUBLISHED_ON = datetime.date(2020, 4, 28)


def _seed_procedure(run, admin_user, users, *, stdout=None) -> None:
    office, objector = users.get("office1"), users.get("suixi")
    if office is None or objector is None:
        return
    approval.decision_submit(actor=office, run=run, comment="经评比，拟表彰名单如下，请审批。")
    approval.decision_approve(actor=admin_user, run=run, comment="同意，按程序公示。")
    decision = approval.publicity_start(
        actor=office, run=run, start=PUBLICITY_START, today=PUBLICITY_START
    )
    objection = approval.objection_lodge(
        actor=objector,
        decision=decision,
        item=decision.run.shortlist.exclude(award="").filter(category="unit").first(),
        text="该单位第四季度报告是否按时报送？请核实。",
        today=OBJECTION_ON,
    )
    approval.objection_answer(
        actor=office,
        objection=objection,
        answer="经核实，该单位四个季度的报告均按时报送，活动数达到要求，异议不成立。",
    )
    approval.publicity_close(actor=office, run=run, today=PUBLISHED_ON)
    approval.decision_publish(
        actor=admin_user,
        run=run,
        number="淮工〔2020〕15号",
        text="经竞赛领导小组研究并公示，决定对2019年度脱贫攻坚劳动竞赛中成绩突出的集体、"
        "个人和单位予以表彰。",
        published_on=PUBLISHED_ON,
        today=PUBLISHED_ON,
    )
    try:
        for item in run.shortlist.exclude(award=""):
            services.certificate_issue(actor=admin_user, item=item)
    except (FontMissing, ValidationError) as exc:
        if stdout:
            stdout.write(f"awards: certificates not issued ({exc})")


def _seed_shortlist(run, office) -> None:
    # Only accepted applicants are unit candidates: 杜集区总工会, above the line of 30.
    units = services.shortlist_build(
        actor=office, run=run, category=ShortlistCategory.UNIT, threshold=30
    )
    if units:
        services.shortlist_decide(actor=office, item=units[0], award=AwardKind.CERTIFICATE)
    for category in (ShortlistCategory.COLLECTIVE, ShortlistCategory.INDIVIDUAL):
        items = services.shortlist_build(actor=office, run=run, category=category, top_n=2)
        if items:
            services.shortlist_decide(
                actor=office,
                item=items[0],
                award=AwardKind.CERTIFICATE
                if category == ShortlistCategory.COLLECTIVE
                else AwardKind.MEDAL,
                recommend_province=True,
                recuperation_priority=category == ShortlistCategory.INDIVIDUAL
                and items[0].recipient in MODEL_WORKER_NOMINEES,
            )


def _seed_scale(year, scale: int) -> None:
    """Up to 500 × scale nominations on entries without one: complete collectives, and every
    third an individual (eligible)."""
    wanted = 500 * scale - Nomination.objects.filter(year=year, statement=SCALE_MARK).count()
    if wanted <= 0:
        return
    entries = (
        Entry.objects.filter(year=year, nominations__isnull=True)
        .select_related("unit")
        .order_by("pk")[:wanted]
    )
    rows = []
    for index, entry in enumerate(entries):
        individual = index % 3 == 2
        fields = (
            {
                "person_name": f"{entry.unit.name[:20]}先锋{entry.pk}",
                "gender": "m" if index % 2 else "f",
                "work_started_on": datetime.date(2015, 1, 1) + datetime.timedelta(days=index % 900),
                **INDIVIDUAL_EVIDENCE,
            }
            if individual
            else {"collective_kind": CollectiveKind.UNIT, **COLLECTIVE_EVIDENCE}
        )
        rows.append(
            Nomination(
                year=year,
                unit_id=entry.unit_id,
                entry=entry,
                category=Category.INDIVIDUAL if individual else Category.COLLECTIVE,
                statement=SCALE_MARK,
                **fields,
            )
        )
    Nomination.objects.bulk_create(rows, batch_size=1000)
