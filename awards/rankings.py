"""The ranking queries of an evaluation run: each category ranked in ONE SQL statement.

Places come from `ROW_NUMBER()` windows ordered by the total and then the run's tie-break
chain; beside them, for each prefix of the chain, `COUNT(*) OVER (PARTITION BY total, rule 1,
…, rule k)` says how many rows still share the row's values after k rules. The first k at
which the row stands alone is the rule that broke its tie (`tie_note`). Nothing here writes;
`services.evaluation_run_build` stores the rows.
"""

import re

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    IntegerField,
    Min,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, JSONObject, RowNumber
from django.utils.translation import gettext as _

from common.db import cte
from competition.models import CompetitionYear
from competition.selectors import (
    entry_standings,
    mean_expression,
    quota_for_year,
    spot_check_scores_by_unit,
    units_active_between,
)
from reports.selectors import expected_reports, report_counts_by_unit
from volunteers.selectors import activity_counts_by_unit

from .enums import DEFAULT_LATE_FACTOR, Category, TieBreak, rule_label
from .models import EntryRanking, Nomination, UnitRanking, recipient_expression


def rule_field(rule: str) -> tuple[str, bool]:
    """The annotation a tie-break rule compares, and whether the larger value wins: a
    criterion code compares that criterion's mean (`rule_annotations`), the rest fixed."""
    if rule == TieBreak.SUBMITTED:
        return "submitted", False
    return f"tb_{rule}", True


NOT_A_MODEL_WORKER = Value(0)


def rule_annotations(chain, means_path: str, *, model_worker=NOT_A_MODEL_WORKER) -> dict:
    """What the chain compares: the criterion means, read from the JSON `means` at
    `means_path`, and for the model-worker rule `model_worker` (1 for a registered model
    worker; for entries and units a constant, so the rule never separates them)."""
    annotations = {}
    for rule in chain:
        if rule == TieBreak.MODEL_WORKER:
            annotations[f"tb_{rule}"] = model_worker
        elif rule != TieBreak.SUBMITTED:
            annotations[f"tb_{rule}"] = mean_expression(rule, means_path)
    return annotations


def model_worker_first():
    """1 for an individual nomination of a registered model worker, else 0."""
    return Case(
        When(category=Category.INDIVIDUAL, model_worker__isnull=False, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


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
        name, larger_wins = rule_field(rule)
        order.append(F(name).desc(nulls_last=True) if larger_wins else F(name).asc())
        keys.append(F(name))
        windows[f"{prefix}peers{index}"] = Window(Count("pk"), partition_by=partition + keys)
    order.append(F("pk").asc())
    windows[f"{prefix}rank"] = Window(RowNumber(), partition_by=partition or None, order_by=order)
    return windows


def tie_texts(chain, names) -> tuple[str, list[str], str]:
    """The notes a row can get: unscored, separated by each rule of the chain, by order."""
    by_rule = [_("并列，按%(rule)s区分") % {"rule": rule_label(rule, names)} for rule in chain]
    return _("未评分"), by_rule, _("并列，按登记顺序区分")


def tie_note(row, chain, names, *, total="total", prefix="") -> str:
    """Which rule separated the row from the rows with its total ("" when it had none).

    The rule of `tie_note_expression`, row by row in Python (the tests hold them equal).
    """
    unscored, by_rule, fallback = tie_texts(chain, names)
    if row[total] is None:
        return unscored
    if row[f"{prefix}peers0"] == 1:
        return ""
    for index, text in enumerate(by_rule, start=1):
        if row[f"{prefix}peers{index}"] == 1:
            return text
    return fallback


def tie_note_expression(chain, names, *, total="total", prefix=""):
    """`tie_note` as an SQL CASE over the `rank_windows` annotations; the texts are
    translated now, in the active language, as the Python rule would."""
    unscored, by_rule, fallback = tie_texts(chain, names)
    whens = [
        When(**{f"{total}__isnull": True}, then=Value(unscored)),
        When(**{f"{prefix}peers0": 1}, then=Value("")),
        *(
            When(**{f"{prefix}peers{index}": 1}, then=Value(text))
            for index, text in enumerate(by_rule, start=1)
        ),
    ]
    return Case(*whens, default=Value(fallback), output_field=CharField())


def entry_rows(year: CompetitionYear, chain, names):
    """Every entry of the year with its means, total, overall and per-project place and the
    tie notes of both, ordered by place: all computed by the database. `names` are the
    criteria's names by code (for the tie notes)."""
    return (
        entry_standings(year)
        .annotate(
            total=F("weighted_total"),
            submitted=F("created_at"),
            **rule_annotations(chain, "score__means"),
        )
        .annotate(
            **rank_windows(chain),
            **rank_windows(chain, partition=["nine_project_id"], prefix="project_"),
        )
        .annotate(
            tie_note=tie_note_expression(chain, names),
            project_tie_note=tie_note_expression(chain, names, prefix="project_"),
        )
        .order_by("rank")
    )


# EntryRanking's fields, filled from `entry_rows` (with `run_ref` annotated).
ENTRY_FIELDS = {
    "run": "run_ref",
    "entry": "pk",
    "unit": "unit_id",
    "nine_project": "nine_project_id",
    "title": "title",
    "unit_name": "unit__name",
    "sheet_count": "sheet_count",
    "submitted_at": "created_at",
    "total": "total",
    "means": "means",
    "rank": "rank",
    "tie_note": "tie_note",
    "project_rank": "project_rank",
    "project_tie_note": "project_tie_note",
}


def _weights(settings: dict) -> dict[str, float]:
    weights = {key: float(value) for key, value in settings["weights"].items()}
    if not sum(weights.values()):
        weights = dict.fromkeys(weights, 1.0)
    total = sum(weights.values())
    return {key: value / total for key, value in weights.items()}


# The terms of a unit's composite, by the name of their weight in a run's settings, and the
# column of `c` (below) each weight multiplies. A term whose column may be NULL counts only
# where the unit has it: a unit never spot-checked is ranked on the other terms, their
# weights scaled up to the whole (see `composite_sql`).
UNIT_TERMS = (
    ("entries", "entry_score", False),
    ("timeliness", "timeliness", False),
    ("quota", "quota_rate", False),
    ("spot_checks", "spot_check_score", True),
)


def composite_sql(weights: dict[str, float]) -> tuple[str, list[float]]:
    """The SQL of the weighted composite over `UNIT_TERMS` and its params: Σ weight × column,
    added left to right, over the terms the run weighs (a run made before a term existed has
    no weight for it, and a term of weight 0 is left out: the figures of such runs come out
    exactly as they were built). Where an optional term's column is NULL, the sum is divided
    by the weights of the terms present (the weights are normalised, so by 1 − its weight)."""
    terms = [(name, column, optional) for name, column, optional in UNIT_TERMS if weights.get(name)]
    if not terms:
        return "0", []
    expression, params = f"(%s * {terms[0][1]})", [weights[terms[0][0]]]
    for name, column, optional in terms[1:]:
        part = f"(%s * COALESCE({column}, 0))" if optional else f"(%s * {column})"
        expression, params = f"({expression} + {part})", [*params, weights[name]]
    for name, column, optional in terms:
        if optional:
            expression = f"({expression} / (CASE WHEN {column} IS NULL THEN %s ELSE 1.0 END))"
            params.append(1.0 - weights[name])
    return expression, params


def unit_rows_sql(run) -> tuple[str, str, list]:
    """The year's active units with the mean of their entries' totals in this run, their
    report timeliness, quota fulfilment and spot-check score (0–100 each) and the weighted
    composite (`composite_sql`): a WITH clause, a SELECT in `UNIT_FIELDS` order and their
    params; placed by `unit_places` once stored.

    Timeliness is (on time + f × late) ÷ the reports due (100 when none was due), f the
    run's late-report factor (½ for runs made before it was the year's); quota fulfilment
    is activities ÷ quota, at most 100 (100 when the quota is 0); the spot-check score is
    the mean of the unit's spot-check ratings as points (NULL when it was never checked).

    Each source is grouped by unit once (a WITH item compiled from its app's selector) and
    joined: no per-unit subquery. Only the arithmetic of the composite is written here, in
    the order the ORM expressions had, so the floats come out the same.
    """
    year = run.year
    weights = _weights(run.settings)
    units = units_active_between(year.start_date, year.end_date).annotate(
        quota_value=quota_for_year(year),
        # Every unit here is active: `timeliness_by_unit`'s `expected` is the period count.
        expected=expected_reports(year),
    )
    # Per criterion, the mean over the unit's entry rows of that criterion's mean (null
    # where none was scored; no object for a unit without entries).
    means = {c["code"]: Avg(mean_expression(c["code"], "means")) for c in run.criteria}
    entries = (
        EntryRanking.objects.filter(run=run)
        .order_by()
        .values("unit")
        .annotate(
            entry_count=Count("pk"),
            entry_score=Avg("total"),
            first_submitted=Min("submitted_at"),
            means=JSONObject(**means),
        )
    )
    parts = [
        cte("u", units, ["pk", "name", "kind__name", "quota_value", "expected"]),
        cte("e", entries, ["unit", "entry_count", "entry_score", "first_submitted", "means"]),
        cte("r", report_counts_by_unit(year), ["unit", "on_time", "late"]),
        cte("a", activity_counts_by_unit(year), ["unit", "activity_count"]),
        cte("s", spot_check_scores_by_unit(year), ["unit", "spot_check_count", "spot_check_score"]),
    ]
    on_time, late = "COALESCE(r.on_time, 0)", "COALESCE(r.late, 0)"
    reported = f"({on_time} + {late})"
    due = f"(CASE WHEN u.expected >= {reported} THEN u.expected ELSE {reported} END)"
    fulfilled = "(CAST(COALESCE(a.activity_count, 0) AS DOUBLE PRECISION) / u.quota_value)"
    composite = f"""
        c AS (
            SELECT u.pk AS unit_id, u.name AS unit_name, u."kind__name" AS kind_name,
                COALESCE(e.entry_count, 0) AS entry_count,
                COALESCE(e.entry_score, %(no_entry)s) AS entry_score,
                CASE WHEN u.expected = 0 AND {on_time} = 0 AND {late} = 0 THEN %(full)s
                    ELSE ((%(full)s * (CAST({on_time} AS DOUBLE PRECISION)
                        + (%(late_factor)s * {late}))) / {due})
                END AS timeliness,
                CASE WHEN u.quota_value = 0 OR u.quota_value IS NULL THEN %(full)s
                    ELSE (%(full)s * (CASE WHEN {fulfilled} <= %(one)s THEN {fulfilled}
                        ELSE %(one)s END))
                END AS quota_rate,
                COALESCE(a.activity_count, 0) AS activity_count,
                COALESCE(u.quota_value, 0) AS quota,
                COALESCE(s.spot_check_count, 0) AS spot_check_count,
                s.spot_check_score AS spot_check_score,
                e.first_submitted AS first_submitted_at,
                e.means AS means
            FROM u
            LEFT JOIN e ON e.unit = u.pk
            LEFT JOIN r ON r.unit = u.pk
            LEFT JOIN a ON a.unit = u.pk
            LEFT JOIN s ON s.unit = u.pk
        )"""
    # The constants of the composite by name (the query's params are positional: the WITH
    # items compiled by the ORM bring theirs).
    constants = {
        "no_entry": 0.0,
        "full": 100.0,
        "one": 1.0,
        "late_factor": float(run.settings.get("late_factor", DEFAULT_LATE_FACTOR)),
    }
    composite, composite_params = _positional(composite, constants)
    columns = [
        UnitRanking._meta.get_field(name).column
        for name in UNIT_FIELDS
        if name not in ("run", "total", "rank", "tie_note")
    ]
    total, total_params = composite_sql(weights)
    select = f"SELECT %s, {', '.join(columns)}, {total}, 0, '' FROM c"
    with_ = "WITH " + ", ".join([text for text, _params in parts] + [composite])
    params = [p for _text, part in parts for p in part]
    return with_, select, [*params, *composite_params, run.pk, *total_params]


def _positional(sql: str, named: dict) -> tuple[str, list]:
    """`sql` with each `%(name)s` turned into `%s`, and the values in their order."""
    order = re.findall(r"%\((\w+)\)s", sql)
    return re.sub(r"%\((\w+)\)s", "%s", sql), [named[name] for name in order]


# UnitRanking's fields in the column order of `unit_rows_sql`.
UNIT_FIELDS = (
    "run",
    "unit",
    "unit_name",
    "kind_name",
    "entry_count",
    "entry_score",
    "timeliness",
    "quota_rate",
    "activity_count",
    "quota",
    "spot_check_count",
    "spot_check_score",
    "first_submitted_at",
    "means",
    "total",
    "rank",
    "tie_note",
)


def unit_places(run, chain, names):
    """Places and tie notes of the run's stored unit rows (`new_rank`, `new_tie_note`).

    Ranked over the stored columns rather than in `unit_rows_sql`, where the windows would
    sort the joined composite; here they sort 515 plain rows.
    """
    return (
        run.unit_rankings.annotate(
            submitted=F("first_submitted_at"), **rule_annotations(chain, "means")
        )
        .annotate(**rank_windows(chain, prefix="new_"))
        .annotate(new_tie_note=tie_note_expression(chain, names, prefix="new_"))
    )


def nomination_rows(run, chain, names):
    """The year's nominations with their entry's scores in this run, placed per category,
    with their tie notes and recipients; the entry's ranking row of this run is joined with
    a FilteredRelation. Eligibility is not here: `eligibility` decides it, in Python."""
    return (
        Nomination.objects.filter(year=run.year)
        .alias(ranked=FilteredRelation("entry__rankings", condition=Q(entry__rankings__run=run)))
        .annotate(
            total=F("ranked__total"),
            ranked_means=F("ranked__means"),
            submitted=F("created_at"),
            model_worker_level=Coalesce(F("model_worker__honour_level"), Value("")),
            **rule_annotations(chain, "ranked__means", model_worker=model_worker_first()),
        )
        .annotate(**rank_windows(chain, partition=["category"]))
        .annotate(
            tie_note=tie_note_expression(chain, names),
            recipient_text=recipient_expression(),
            # Decided after the insert, in Python: not eligible until then.
            eligible_pending=Value(False),
            note_pending=Value(""),
        )
        .order_by("category", "rank")
    )


# NominationRanking's fields, filled from `nomination_rows` (with `run_ref` annotated).
NOMINATION_FIELDS = {
    "run": "run_ref",
    "nomination": "pk",
    "category": "category",
    "recipient": "recipient_text",
    "unit": "unit_id",
    "unit_name": "unit__name",
    "nine_project": "entry__nine_project_id",
    "entry_title": "entry__title",
    "total": "total",
    "means": "ranked_means",
    "rank": "rank",
    "tie_note": "tie_note",
    "eligible": "eligible_pending",
    "eligibility_note": "note_pending",
    "model_worker_level": "model_worker_level",
}
