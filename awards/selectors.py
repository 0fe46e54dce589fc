"""Reads of the awards app, scoped to what the user may see."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from competition import permissions
from competition.enums import Role, SpotCheckRating
from competition.models import CompetitionYear, Entry, SpotCheck
from competition.selectors import visible_to
from reports.selectors import periods_missing_for_unit
from volunteers.selectors import quota_for_unit

from .enums import DEFAULT_AWARDS, PUBLIC_STAGES, DecisionStage, RunStatus, ShortlistCategory
from .models import (
    AwardDecision,
    Certificate,
    CertificateBatch,
    DecisionStep,
    DisciplinaryFinding,
    EntryRanking,
    EvaluationRun,
    Nomination,
    NominationAttachment,
    NominationRanking,
    Objection,
    ShortlistItem,
    UnitApplication,
    UnitAwardLimit,
    UnitRanking,
    WorkStartRecord,
    YearAward,
)

# --- the year's evaluation rules -------------------------------------------------------------


def year_awards(year: CompetitionYear) -> dict[str, YearAward]:
    """The award of each shortlist category in the year (by category, in the categories'
    order); a category the year has no row for gets the notice's (unsaved)."""
    stored = {award.category: award for award in YearAward.objects.filter(year=year)}
    return {
        category: stored.get(category)
        or YearAward(year=year, category=category, code=code, name=name)
        for category, (code, name) in ((c, DEFAULT_AWARDS[c]) for c in ShortlistCategory)
    }


def award_name(year_path: str = "run__year"):
    """An expression over shortlist items: the name of the award they were given ("" for
    none), the year's (at `year_path`) or, for a year without rows, the notice's."""
    stored = YearAward.objects.filter(
        year=OuterRef(year_path), category=OuterRef("category"), code=OuterRef("award")
    ).values("name")[:1]
    defaults = {code: name for code, name in DEFAULT_AWARDS.values()}
    return Coalesce(
        Subquery(stored, output_field=CharField()),
        Case(
            *(When(award=code, then=Value(name)) for code, name in defaults.items()),
            default=Value(""),
            output_field=CharField(),
        ),
        output_field=CharField(),
    )


def award_limits(year: CompetitionYear) -> QuerySet[UnitAwardLimit]:
    return UnitAwardLimit.objects.filter(year=year).select_related("unit").order_by("unit__name")


def nominations_for_user(user) -> QuerySet[Nomination]:
    """Office and admins: every nomination; unit staff: their own unit's; others: none."""
    nominations = with_person_records(
        Nomination.objects.select_related("year", "unit", "entry__nine_project", "model_worker")
    )
    return visible_to(user, nominations)


def nomination_count_for_user(user, year) -> int:
    """How many of `year`'s nominations `nominations_for_user` lists, counted without its
    joins and record annotations (the home page's figure)."""
    return visible_to(user, Nomination.objects.filter(year=year)).count()


@dataclass(frozen=True)
class Condition:
    """One condition of a unit's application for the 奖状, as it stands now."""

    label: str
    met: bool
    detail: str


def application_conditions(unit, year: CompetitionYear, settings) -> list[Condition]:
    """The year's conditions for a unit to apply for the 奖状 (`settings`: its
    EvaluationSettings, `apply_needs_*`), each checked against the records now: its activity
    quota met, no report missing of the periods due, no spot check rated 差."""
    conditions = []
    if settings.apply_needs_quota:
        row = quota_for_unit(unit, year)
        done, quota = (row.activity_count, row.effective_quota) if row else (0, 0)
        conditions.append(
            Condition(
                _("完成本年度活动数要求"),
                row is not None and done >= quota,
                _("已组织 %(done)s 次，要求 %(quota)s 次") % {"done": done, "quota": quota},
            )
        )
    if settings.apply_needs_reports:
        missing = [str(period.name) for period in periods_missing_for_unit(unit, year)]
        conditions.append(
            Condition(
                _("已到期的报告均已报送"),
                not missing,
                _("未报送：%(periods)s") % {"periods": "、".join(missing)}
                if missing
                else _("均已报送"),
            )
        )
    if settings.apply_needs_spot_checks:
        poor = SpotCheck.objects.filter(year=year, unit=unit, rating=SpotCheckRating.POOR).count()
        conditions.append(
            Condition(
                _("没有评价为“差”的抽查"),
                poor == 0,
                _("评价为“差”的抽查 %(n)s 次") % {"n": poor} if poor else _("无"),
            )
        )
    return conditions


def applications_for_user(user) -> QuerySet[UnitApplication]:
    """Office and admins: every application; unit staff: their own unit's; others: none."""
    applications = UnitApplication.objects.select_related("year", "unit", "reviewed_by")
    return visible_to(user, applications)


def application_for_user(user, pk) -> UnitApplication:
    return get_object_or_404(applications_for_user(user), pk=pk)


def has_active_finding() -> Exists:
    """An expression over nominations: a disciplinary finding not withdrawn is on the
    nominee's record (the nomination's own, or its model worker's in the registry)."""
    person = Q(nomination=OuterRef("pk")) | Q(
        model_worker__isnull=False, model_worker=OuterRef("model_worker_id")
    )
    return Exists(DisciplinaryFinding.objects.filter(person, withdrawn_at__isnull=True))


def recorded_start() -> Coalesce:
    """An expression over nominations: the newest verified start of the nominee's
    poverty-alleviation work (WorkStartRecord), their model worker's record first; NULL
    where there is none (the nominating unit's own date then counts)."""

    def newest(person: Q) -> Subquery:
        records = WorkStartRecord.objects.filter(person).order_by("-recorded_at", "-pk")
        return Subquery(records.values("started_on")[:1])

    return Coalesce(
        newest(Q(model_worker__isnull=False, model_worker=OuterRef("model_worker_id"))),
        newest(Q(nomination=OuterRef("pk"))),
    )


def with_person_records(nominations: QuerySet[Nomination]) -> QuerySet[Nomination]:
    """Nominations annotated with what eligibility reads from the nominee's records:
    `has_finding` (an active disciplinary finding) and `recorded_start` (see above)."""
    return nominations.annotate(has_finding=has_active_finding(), recorded_start=recorded_start())


def work_starts_of(nomination: Nomination) -> QuerySet[WorkStartRecord]:
    """The start records on the nominee's record, newest first (the first one counts)."""
    person = Q(nomination=nomination)
    if nomination.model_worker_id:
        person |= Q(model_worker=nomination.model_worker_id)
    records = WorkStartRecord.objects.filter(person).select_related("recorded_by")
    # The model worker's newest counts before the nomination's (as `recorded_start`).
    return records.order_by(
        Case(When(model_worker__isnull=False, then=0), default=1), "-recorded_at", "-pk"
    )


def findings_of(nomination: Nomination) -> QuerySet[DisciplinaryFinding]:
    """The findings on the nominee's record, withdrawn ones too (the page shows both)."""
    person = Q(nomination=nomination)
    if nomination.model_worker_id:
        person |= Q(model_worker=nomination.model_worker_id)
    return DisciplinaryFinding.objects.filter(person).select_related("recorded_by", "withdrawn_by")


def nomination_for_user(user, pk) -> Nomination:
    return get_object_or_404(nominations_for_user(user).prefetch_related("attachments"), pk=pk)


def attachment_for_user(user, pk) -> NominationAttachment:
    return get_object_or_404(
        NominationAttachment.objects.select_related("nomination").filter(
            nomination__in=nominations_for_user(user)
        ),
        pk=pk,
    )


def entries_to_nominate(unit, year: CompetitionYear) -> QuerySet[Entry]:
    return Entry.objects.filter(unit=unit, year=year).select_related("nine_project")


def _visible_runs(user) -> QuerySet[EvaluationRun]:
    """Every evaluation run for those who may view the evaluation; nobody else any."""
    if not permissions.may(user, "awards.view_evaluation"):
        return EvaluationRun.objects.none()
    return EvaluationRun.objects.order_by("-created_at", "-pk")


def runs_for_user(user) -> QuerySet[EvaluationRun]:
    """The runs the user may see, newest first, each with its shortlist's size."""
    return (
        _visible_runs(user)
        .select_related("year", "created_by")
        .annotate(shortlisted=Count("shortlist"))
    )


def latest_run_for_user(user, year) -> EvaluationRun | None:
    """The year's newest run the user may see (None: none yet), without the shortlist count
    (the home page's panel and its 待办)."""
    return _visible_runs(user).filter(year=year).first()


def run_for_user(user, pk) -> EvaluationRun:
    return get_object_or_404(runs_for_user(user), pk=pk)


def latest_done_run(year: CompetitionYear) -> EvaluationRun | None:
    return EvaluationRun.objects.filter(year=year, status=RunStatus.DONE).first()


def entry_rankings(run) -> QuerySet[EntryRanking]:
    return run.entry_rankings.select_related("nine_project").order_by("rank")


def unit_rankings(run) -> QuerySet[UnitRanking]:
    return run.unit_rankings.order_by("rank")


def nomination_rankings(run, category=None) -> QuerySet[NominationRanking]:
    rows = run.nomination_rankings.select_related("nine_project", "nomination")
    if category:
        rows = rows.filter(category=category)
    return rows.order_by("category", "rank")


def shortlist(run) -> QuerySet[ShortlistItem]:
    return (
        run.shortlist.select_related("unit", "nomination_ranking__nine_project", "unit_ranking")
        .annotate(award_name=award_name())
        .order_by("category", "rank", "pk")
    )


def shortlist_items_for_user(user) -> QuerySet[ShortlistItem]:
    """Office and admins: every item; unit staff: their unit's awarded items, once the
    leading group approved them and the list is public (公示 on)."""
    items = ShortlistItem.objects.select_related(
        "run__year", "unit", "nomination_ranking__nine_project"
    ).annotate(award_name=award_name())
    if permissions.may(user, "competition.view_all_units"):
        return items
    return (
        visible_to(user, items)
        .filter(run__award_decision__stage__in=PUBLIC_STAGES)
        .exclude(award="")
    )


def shortlist_item_for_user(user, pk) -> ShortlistItem:
    return get_object_or_404(shortlist_items_for_user(user), pk=pk)


def awards_of_unit(unit) -> QuerySet[ShortlistItem]:
    """A unit's awards over the years whose decision is published (its page's panel)."""
    return (
        ShortlistItem.objects.filter(unit=unit, run__award_decision__stage=DecisionStage.PUBLISHED)
        .exclude(award="")
        .select_related("run__year")
        .annotate(award_name=award_name())
        .order_by("-run__year__year", "rank")
    )


# --- certificates ----------------------------------------------------------------------------


def decision_of(run) -> AwardDecision | None:
    """The run's decision document, or None while the office has not started one (the
    shortlist's decisions are then a draft)."""
    try:
        return run.award_decision
    except AwardDecision.DoesNotExist:
        return None


def certificate_available(item: ShortlistItem) -> bool:
    """May a certificate exist for this award: the one place that says so.

    Only once the leading group's 表彰决定 of the item's run is published (after approval,
    the 公示 and every objection answered).
    """
    decision = decision_of(item.run)
    return bool(item.award) and decision is not None and decision.stage == DecisionStage.PUBLISHED


def certificate_date(item: ShortlistItem) -> datetime.date:
    """The date a certificate bears: that of the published decision."""
    return decision_of(item.run).published_on


def certificate_items(run) -> list[ShortlistItem]:
    """The run's awards that may have a certificate, in the shortlist's order, with what a
    certificate shows."""
    items = (
        shortlist(run)
        .select_related("run__year", "run__award_decision", "certificate")
        .exclude(award="")
    )
    return [item for item in items if certificate_available(item)]


def certificate_of(item: ShortlistItem) -> Certificate | None:
    return Certificate.objects.filter(item=item).select_related("year").first()


def certificate_batches(run) -> QuerySet[CertificateBatch]:
    return run.certificate_batches.select_related("created_by")


def certificate_batch_for_user(user, pk) -> CertificateBatch:
    """Office and admins only (every run is theirs); others: 404."""
    batches = CertificateBatch.objects.select_related("run__year")
    if not permissions.may(user, "competition.view_all_units"):
        batches = batches.none()
    return get_object_or_404(batches, pk=pk)


# --- the decision's procedure: approval, 公示, objections ------------------------------------


def decision_steps(decision: AwardDecision | None) -> QuerySet[DecisionStep]:
    if decision is None:
        return DecisionStep.objects.none()
    return decision.steps.select_related("actor")


def awarded(run) -> QuerySet[ShortlistItem]:
    """The run's items given an award or a recommendation: what the decision is about."""
    return shortlist(run).filter(
        Q(recommend_province=True) | Q(recuperation_priority=True) | ~Q(award="")
    )


def publicities() -> QuerySet[AwardDecision]:
    """Decisions whose list is public (公示 on, over, or published), newest year first; every
    logged-in user sees them."""
    return AwardDecision.objects.filter(stage__in=PUBLIC_STAGES).select_related("run__year")


def running_publicity() -> AwardDecision | None:
    """The decision under 公示 now, if any (the navigation's link)."""
    return publicities().filter(stage=DecisionStage.PUBLICITY).first()


def publicity_for_user(user, pk) -> AwardDecision:
    return get_object_or_404(publicities(), pk=pk)


def objections_for_user(user, decision: AwardDecision) -> QuerySet[Objection]:
    """Office and admins: every objection to the decision; others: their own."""
    objections = decision.objections.select_related("item", "lodged_by", "answered_by")
    if permissions.may(user, "awards.view_objections"):
        return objections
    return objections.filter(lodged_by=user) if user.is_authenticated else objections.none()


def decisions_to_act_on(stages, objections: bool) -> QuerySet[AwardDecision]:
    """The decisions that wait for a user, in one query: those at one of `stages` (whose
    next step is his) and, with `objections`, those with objections (异议) still to answer.
    Each is annotated `unanswered`, the number of those objections."""
    wanted = Q(stage__in=stages)
    if objections:
        wanted |= Q(unanswered__gt=0)
    return (
        AwardDecision.objects.annotate(
            unanswered=Count("objections", filter=Q(objections__answered_at__isnull=True))
        )
        .filter(wanted)
        .select_related("run__year")
        .order_by("pk")
    )


def objection_for_user(user, pk) -> Objection:
    """Office and admins only (the answer page); others: 404."""
    objections = Objection.objects.select_related("decision__run__year", "item")
    if not permissions.may(user, "awards.view_objections"):
        objections = objections.none()
    return get_object_or_404(objections, pk=pk)


def leading_group() -> QuerySet:
    """The leading group's members: the admins (and superusers without a role)."""
    User = get_user_model()
    return User.objects.filter(
        Q(membership__role=Role.ADMIN) | Q(is_superuser=True, membership__isnull=True),
        is_active=True,
    )


def office_members() -> QuerySet:
    return get_user_model().objects.filter(membership__role=Role.OFFICE, is_active=True)


def every_unit_staff() -> QuerySet:
    return get_user_model().objects.filter(
        membership__role=Role.UNIT_STAFF, membership__unit__isnull=False, is_active=True
    )


# --- what is published (the JSON API reads only these) ---------------------------------------


def published_runs() -> QuerySet[EvaluationRun]:
    """The published run of each year: the latest finished (done) run of a year whose results
    the admin published (`CompetitionYear.results_published`). The one place that says which
    rankings are public; a year unpublished, or without a done run, has none."""
    latest = (
        EvaluationRun.objects.filter(year=OuterRef("year"), status=RunStatus.DONE)
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    return EvaluationRun.objects.filter(
        status=RunStatus.DONE, year__results_published=True, pk=Subquery(latest)
    )


def _published_rows(rows: QuerySet) -> QuerySet:
    return rows.filter(run__in=published_runs()).select_related("run__year")


def published_unit_rankings() -> QuerySet[UnitRanking]:
    """The unit rankings of the published runs (`published_runs`), latest year first."""
    return _published_rows(UnitRanking.objects).order_by("-run__year__year", "rank", "pk")


def published_entry_rankings() -> QuerySet[EntryRanking]:
    return (
        _published_rows(EntryRanking.objects)
        .select_related("nine_project")
        .order_by("-run__year__year", "rank", "pk")
    )


def published_nomination_rankings() -> QuerySet[NominationRanking]:
    return (
        _published_rows(NominationRanking.objects)
        .select_related("nine_project")
        .order_by("-run__year__year", "category", "rank", "pk")
    )


def published_decisions(year: CompetitionYear | None = None) -> QuerySet[ShortlistItem]:
    """The decisions on shortlisted candidates that are public: the one place that says so.

    A decision is public once the leading group published the run's 表彰决定 (after its
    approval and 公示; `certificate_available` asks the same of an award). The JSON API and
    everything else that shows decisions outside the office read it, through
    `published_award_items` and `province_recommendations`. `year`: one year only.
    """
    items = ShortlistItem.objects.filter(
        decided_at__isnull=False, run__award_decision__stage=DecisionStage.PUBLISHED
    )
    if year is not None:
        items = items.filter(run__year=year)
    return items.annotate(award_name=award_name()).order_by(
        "-run__year__year", "category", "rank", "pk"
    )


def published_award_items(year: CompetitionYear | None = None) -> QuerySet[ShortlistItem]:
    """The published award decisions (an award given, `certificate_available`'s notion) of
    `published_decisions`."""
    return (
        published_decisions(year)
        .exclude(award="")
        .select_related("run__year", "unit", "nomination_ranking__nine_project")
    )


def province_recommendations(year: CompetitionYear | None = None) -> QuerySet[ShortlistItem]:
    """The provincial recommendation list (择优推荐参加全省评选): the `published_decisions`
    recommending the candidate to the province (with or without a city award), with the
    nominee's ranking, nomination and evidence files."""
    return (
        published_decisions(year)
        .filter(recommend_province=True)
        .select_related(
            "run__year",
            "unit__kind",
            "nomination_ranking__nine_project",
            "nomination_ranking__nomination",
            "unit_ranking",
        )
        .prefetch_related("nomination_ranking__nomination__attachments")
    )
