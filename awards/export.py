"""The shortlist and the full rankings of a run as .xlsx: one sheet per category.

Rows stream from the database (`iterator()`) into openpyxl's write-only mode through
`common.xlsx.write_workbook`, so memory does not grow with the number of rows.
"""

from django.db.models import F
from django.utils.translation import gettext as _

from common.xlsx import Sheet, write_workbook
from volunteers.enums import HonourLevel

from .enums import Category
from .models import EvaluationRun
from .selectors import award_name

CHUNK = 2000


def headers(criteria) -> list[str]:
    return [
        _("名次"),
        _("名称"),
        _("单位"),
        _("九大工程"),
        *(c["name"] for c in criteria),
        _("总分"),
        _("并列说明"),
        _("资格审查"),
        _("入围"),
        _("表彰决定"),
    ]


def widths(criteria) -> list[int]:
    return [8, 30, 24, 22, *(11 for _c in criteria), 10, 26, 40, 8, 40]


def _number(value):
    return None if value is None else round(value, 2)


def _decision(item) -> str:
    if item is None:
        return ""
    parts = [item["award_name"]] if item["award"] else []
    if item["recommend_province"]:
        parts.append(_("推荐参加省级评选"))
    if item["recuperation_priority"]:
        parts.append(_("优先安排劳模休养、交流"))
    return "；".join(str(part) for part in parts)


def _rows(queryset, fields, shortlist, key, codes, honours=None):
    """The sheet's rows; with `honours` (the registry's honour names), a last column with
    the nominee's model-worker honour (先锋个人: 劳模优先)."""
    yes = _("是")
    for row in queryset.values(*fields).iterator(chunk_size=CHUNK):
        item = shortlist.get(row["pk"]) if key else None
        honour = [honours.get(row["model_worker_level"], "")] if honours is not None else []
        yield [
            row["rank"],
            row["name"],
            row["unit_name"],
            row.get("nine_project__name") or "—",
            *(_number((row["means"] or {}).get(code)) for code in codes),
            _number(row["total"]),
            row["tie_note"],
            row.get("eligibility_note", ""),
            yes if item is not None else "",
            _decision(item),
            *honour,
        ]


def run_sheets(run: EvaluationRun) -> list[Sheet]:
    """Sheets 先锋集体, 先锋个人, 参赛单位 (with shortlist and decisions) and 参赛项目."""
    shortlist = {"nomination": {}, "unit": {}}
    for item in run.shortlist.annotate(award_name=award_name()).values(
        "nomination_ranking_id", "unit_ranking_id", "award", "award_name",
        "recommend_province", "recuperation_priority",
    ):  # fmt: skip
        if item["nomination_ranking_id"]:
            shortlist["nomination"][item["nomination_ranking_id"]] = item
        else:
            shortlist["unit"][item["unit_ranking_id"]] = item
    common = ("pk", "rank", "unit_name", "total", "tie_note", "means")
    criteria = run.criteria
    codes = [c["code"] for c in criteria]
    sheets = []
    for category in (Category.COLLECTIVE, Category.INDIVIDUAL):
        rows = run.nomination_rankings.filter(category=category).order_by("rank")
        individual = category == Category.INDIVIDUAL
        honours = (
            {value: str(label) for value, label in HonourLevel.choices} if individual else None
        )
        sheets.append(
            Sheet(
                str(category.label),
                [*headers(criteria), *([_("劳模荣誉")] if individual else [])],
                _rows(
                    _named(rows, "recipient"),
                    (*common, "name", "nine_project__name", "eligibility_note")
                    + (("model_worker_level",) if individual else ()),
                    shortlist["nomination"],
                    True,
                    codes,
                    honours,
                ),
                [*widths(criteria), *([16] if individual else [])],
            )
        )
    sheets.append(
        Sheet(
            _("参赛单位"),
            headers(criteria),
            _rows(
                _named(run.unit_rankings.order_by("rank"), "unit_name"),
                (*common, "name"),
                shortlist["unit"],
                True,
                codes,
            ),
            widths(criteria),
        )
    )
    sheets.append(
        Sheet(
            _("参赛项目"),
            headers(criteria),
            _rows(
                _named(run.entry_rankings.order_by("rank"), "title"),
                (*common, "name", "nine_project__name"),
                {},
                False,
                codes,
            ),
            widths(criteria),
        )
    )
    return sheets


def _named(queryset, field):
    return queryset.annotate(name=F(field))


def export_run(run: EvaluationRun, target) -> None:
    write_workbook(run_sheets(run), target)


def priority_sheets(run: EvaluationRun) -> list[Sheet]:
    """The 劳模休养、交流 priority list of a run, for whoever organises recuperation: each
    individual given the priority, with the honour of their registry entry (read now: the
    registry is the record of who is a model worker)."""
    items = (
        run.shortlist.filter(recuperation_priority=True)
        .select_related("unit", "nomination_ranking__nomination__model_worker")
        .annotate(award_name=award_name())
        .order_by("rank", "pk")
    )
    rows = []
    for item in items:
        nomination = item.nomination_ranking.nomination if item.nomination_ranking else None
        worker = nomination.model_worker if nomination else None
        rows.append(
            [
                item.recipient,
                item.unit.name,
                worker.get_honour_level_display() if worker else "",
                worker.honour_year if worker else None,
                item.award_name or "",
                run.year.year,
            ]
        )
    headers = [_("姓名"), _("单位"), _("劳模荣誉"), _("获评年份"), _("表彰"), _("年度")]
    return [Sheet(_("劳模休养交流优先名单"), headers, rows, [14, 30, 20, 10, 24, 8])]


def priority_filename(run: EvaluationRun) -> str:
    return _("%(year)s年度劳模休养交流优先名单.xlsx") % {"year": run.year.year}


def export_filename(run: EvaluationRun) -> str:
    return _("%(year)s年度评选排名及入围名单.xlsx") % {"year": run.year.year}
