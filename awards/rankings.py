"""The ranking queries of an evaluation run: each category ranked in ONE SQL statement.

Places come from `ROW_NUMBER()` windows ordered by the total and then the run's tie-break
chain; beside them, for each prefix of the chain, `COUNT(*) OVER (PARTITION BY total, rule 1,
…, rule k)` says how many rows still share the row's values after k rules. The first k at
which the row stands alone is the rule that broke its tie (`tie_note`). Nothing here writes;
`services.evaluation_run_build` stores the rows.
"""

from django.db.models import (
    Avg,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least, RowNumber
from django.utils.translation import gettext as _

from competition.models import CompetitionYear
from competition.selectors import entry_standings, units_active_between
from reports.selectors import timeliness_by_unit
from volunteers.selectors import activity_count_for_outer_unit

from .enums import TieBreak
from .models import EntryRanking, Nomination

MEAN_FIELDS = ("mean_work", "mean_effect", "mean_income", "mean_satisfaction")
# The annotation each tie-break rule compares, and whether the larger value wins.
RULE_FIELDS = {
    TieBreak.EFFECT: ("mean_effect", True),
    TieBreak.SATISFACTION: ("mean_satisfaction", True),
    TieBreak.INCOME: ("mean_income", True),
    TieBreak.SUBMITTED: ("submitted", False),
}


def _float(expression):
    return ExpressionWrapper(expression, output_field=FloatField())


def rank_windows(chain, *, total="total", partition=(), prefix=""):
    """Annotations `<prefix>rank` and `<prefix>peers0..n` over the given ordering chain."""
    partition = [F(name) for name in partition]
    order = [F(total).desc(nulls_last=True)]
    keys = [F(total)]
    windows = {}
    # Counting rows per partition (not per key) tells a tie from a lone row.
    windows[f"{prefix}peers0"] = Window(Count("pk"), partition_by=partition + keys)
    for index, rule in enumerate(chain, start=1):
        name, larger_wins = RULE_FIELDS[rule]
        order.append(F(name).desc(nulls_last=True) if larger_wins else F(name).asc())
        keys.append(F(name))
        windows[f"{prefix}peers{index}"] = Window(Count("pk"), partition_by=partition + keys)
    order.append(F("pk").asc())
    windows[f"{prefix}rank"] = Window(RowNumber(), partition_by=partition or None, order_by=order)
    return windows


def tie_note(row, chain, *, total="total", prefix="") -> str:
    """Which rule separated the row from the rows with its total ("" when it had none)."""
    if row[total] is None:
        return _("未评分")
    if row[f"{prefix}peers0"] == 1:
        return ""
    for index, rule in enumerate(chain, start=1):
        if row[f"{prefix}peers{index}"] == 1:
            return _("并列，按%(rule)s区分") % {"rule": TieBreak(rule).label}
    return _("并列，按登记顺序区分")


def entry_rows(year: CompetitionYear, chain):
    """Every entry of the year with its means, total, overall and per-project place."""
    windows = {
        **rank_windows(chain),
        **rank_windows(chain, partition=["nine_project_id"], prefix="project_"),
    }
    return (
        entry_standings(year)
        .annotate(total=F("weighted_total"), submitted=F("created_at"))
        .annotate(**windows)
        .values(
            "pk",
            "unit_id",
            "unit__name",
            "nine_project_id",
            "title",
            "created_at",
            "sheet_count",
            "total",
            *MEAN_FIELDS,
            *windows,
        )
        .order_by("rank")
    )


def _weights(settings: dict) -> dict[str, float]:
    weights = {key: float(value) for key, value in settings["weights"].items()}
    if not sum(weights.values()):
        weights = dict.fromkeys(weights, 1.0)
    total = sum(weights.values())
    return {key: value / total for key, value in weights.items()}


def unit_rows(run, chain):
    """The year's active units: the mean of their entries' totals in this run, their report
    timeliness and quota fulfilment (0–100 each) and the weighted composite (placed by
    `unit_places` once stored).

    Timeliness is (on time + ½ late) ÷ the reports due (100 when none was due); quota
    fulfilment is activities ÷ quota, at most 100 (100 when the quota is 0).
    """
    year = run.year
    weights = _weights(run.settings)
    own_entries = EntryRanking.objects.filter(run=run, unit=OuterRef("pk")).order_by()

    def entry_stat(aggregate, field=None):
        return Subquery(
            own_entries.values("unit").annotate(v=aggregate).values("v"),
            output_field=field or FloatField(),
        )

    due = Greatest(F("expected"), F("on_time") + F("late"))
    units = (
        timeliness_by_unit(year)
        .filter(pk__in=units_active_between(year.start_date, year.end_date).values("pk"))
        .annotate(
            entry_count=Coalesce(entry_stat(Count("pk"), IntegerField()), 0),
            entry_score=Coalesce(entry_stat(Avg("total")), 0.0),
            mean_work=entry_stat(Avg("mean_work")),
            mean_effect=entry_stat(Avg("mean_effect")),
            mean_income=entry_stat(Avg("mean_income")),
            mean_satisfaction=entry_stat(Avg("mean_satisfaction")),
            submitted=entry_stat(Min("submitted_at"), EntryRanking._meta.get_field("submitted_at")),
            # Plain expressions, not quota_progress() as a subquery: the composite refers to
            # them several times and the database would run the subquery each time.
            activity_count=activity_count_for_outer_unit(year),
            quota=Coalesce(F("quota_override"), F("kind__default_quota")),
        )
        .annotate(
            timeliness=Case(
                When(Q(expected=0) & Q(on_time=0) & Q(late=0), then=Value(100.0)),
                default=_float(
                    Value(100.0) * (Cast("on_time", FloatField()) + Value(0.5) * F("late")) / due
                ),
                output_field=FloatField(),
            ),
            quota_rate=Case(
                When(Q(quota=0) | Q(quota__isnull=True), then=Value(100.0)),
                default=_float(
                    Value(100.0)
                    * Least(Cast("activity_count", FloatField()) / F("quota"), Value(1.0))
                ),
                output_field=FloatField(),
            ),
        )
        .annotate(
            total=_float(
                Value(weights["entries"]) * F("entry_score")
                + Value(weights["timeliness"]) * F("timeliness")
                + Value(weights["quota"]) * F("quota_rate")
            )
        )
    )
    return units.values(
        "pk",
        "name",
        "kind__name",
        "entry_count",
        "entry_score",
        "timeliness",
        "quota_rate",
        "activity_count",
        "quota",
        "submitted",
        "total",
        *MEAN_FIELDS,
    )


def unit_places(run, chain):
    """Places of the run's stored unit rows: (pk, new_rank, new_peers…, total) per row.

    Ranked over the stored columns rather than in `unit_rows`: there the windows' sort keys
    would evaluate every correlated per-unit count again for each window.
    """
    windows = rank_windows(chain, prefix="new_")
    return (
        run.unit_rankings.annotate(submitted=F("first_submitted_at"))
        .annotate(**windows)
        .values("pk", "total", *windows)
    )


def nomination_rows(run, chain):
    """The year's nominations with their entry's scores in this run, placed per category.

    Model instances (the eligibility check reads their fields), with `year`, `unit` and
    `entry` joined; the entry's ranking row of this run is joined with a FilteredRelation.
    """
    windows = rank_windows(chain, partition=["category"])
    return (
        Nomination.objects.filter(year=run.year)
        .select_related("year", "unit", "entry")
        .alias(ranked=FilteredRelation("entry__rankings", condition=Q(entry__rankings__run=run)))
        .annotate(
            total=F("ranked__total"),
            mean_work=F("ranked__mean_work"),
            mean_effect=F("ranked__mean_effect"),
            mean_income=F("ranked__mean_income"),
            mean_satisfaction=F("ranked__mean_satisfaction"),
            submitted=F("created_at"),
        )
        .annotate(**windows)
        .order_by("category", "rank")
    )
