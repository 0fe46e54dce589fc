"""Criteria are each year's: any number of them, edited for one year without touching another.

Scoring, standings, normalisation, the export and the rankings loop over the year's criteria,
tested here with a year of three and a year of six.
"""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from awards import export
from awards import services as awards_services
from competition import selectors, services
from competition.models import EntryScore
from tests import factories
from tests.competition import factories as scoring

pytestmark = pytest.mark.django_db


def _year_with(number, codes, admin):
    year = services.competition_year_create(
        actor=admin,
        year=number,
        criteria=[
            {
                "code": code,
                "name": f"比{code}",
                "rubric": f"{code}的标准",
                "max_points": 10,
                "weight": 1,
            }
            for code in codes
        ],
    )
    return year


@pytest.mark.parametrize("codes", [("a", "b", "c"), ("a", "b", "c", "d", "e", "f")])
def test_a_year_of_n_criteria_scores_ranks_and_exports(codes, admin_user, unit_a, unit_b):
    year = _year_with(2030, codes, admin_user)
    office = scoring.reviewer("judge")
    high = scoring.entry(unit_a, year, title="高分项目")
    low = scoring.entry(unit_b, year, title="低分项目")
    services.score_sheet_save(actor=office, entry=high, points=dict.fromkeys(codes, 10))
    services.score_sheet_save(actor=office, entry=low, points=dict.fromkeys(codes, 5))
    # A missing criterion is refused by name.
    with pytest.raises(ValidationError) as exc:
        services.score_sheet_save(actor=office, entry=low, points={"a": 1})
    assert exc.value.message_dict["b"] == ["请填写“比b”的得分。"]

    rows = list(selectors.entry_standings(year))
    assert [r.title for r in rows] == ["高分项目", "低分项目"]
    assert rows[0].weighted_total == pytest.approx(100)
    assert rows[1].weighted_total == pytest.approx(50)
    assert rows[0].means == dict.fromkeys(codes, 10.0)
    normalised = selectors.normalised_totals(year, [rows[0].pk])
    assert normalised[rows[0].pk] == pytest.approx(rows[0].weighted_total)

    run = awards_services.evaluation_run_build(
        run=awards_services.evaluation_run_create(actor=admin_user, year=year)
    )
    assert [c["code"] for c in run.criteria] == list(codes)
    assert run.settings["tie_break"] == ["model_worker", *codes, "submitted"]  # not 四比
    first = run.entry_rankings.get(rank=1)
    assert (first.title, first.means) == ("高分项目", dict.fromkeys(codes, 10.0))
    target = BytesIO()
    export.export_run(run, target)
    sheet = load_workbook(BytesIO(target.getvalue()))["参赛项目"]
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert header[4 : 4 + len(codes)] == [f"比{code}" for code in codes]


def test_editing_one_years_criterion_leaves_another_year_alone(admin_user, unit_a):
    y2019 = factories.competition_year(2019)
    y2020 = factories.competition_year(2020)
    office = scoring.reviewer("judge")
    old = scoring.entry(unit_a, y2019, title="2019项目")
    new = scoring.entry(unit_a, y2020, title="2020项目")
    points = {"work": 20, "effect": 20, "income": 20, "satisfaction": 20}
    services.score_sheet_save(actor=office, entry=old, points=points)
    services.score_sheet_save(actor=office, entry=new, points=points)
    before = selectors.entry_standings(y2019).get().weighted_total
    work = y2020.criteria.get(code="work")
    services.criterion_save(actor=admin_user, year=y2020, criterion=work, weight=Decimal(3))
    services.criterion_save(
        actor=admin_user, year=y2020, code="innovation", name="比创新", rubric="创新做法",
        max_points=Decimal(10), weight=Decimal(1),
    )  # fmt: skip
    assert selectors.entry_standings(y2019).get().weighted_total == pytest.approx(before)
    assert list(y2019.criteria.values_list("code", flat=True)) == [
        "work", "effect", "income", "satisfaction"
    ]  # fmt: skip
    # 2020's cached totals follow its new rules at once: 0.8 of each maximum, weights
    # 3,1,1,1 and the new criterion (weight 1) not yet scored, so counting 0.
    expected = 100 * (3 * 0.8 + 3 * 0.8) / 7
    assert selectors.entry_standings(y2020).get().weighted_total == pytest.approx(expected)
    assert EntryScore.objects.get(entry=new).total_sum == pytest.approx(expected)


def test_criterion_save_is_for_admins_of_an_open_year(office_user, admin_user):
    year = factories.competition_year(2019)
    with pytest.raises(PermissionDenied):
        services.criterion_save(
            actor=office_user, year=year, code="x", name="比X", rubric="-",
            max_points=Decimal(5), weight=Decimal(1),
        )  # fmt: skip
    services.competition_year_close(actor=admin_user, year=year)
    year.refresh_from_db()
    with pytest.raises(ValidationError):
        services.criterion_save(
            actor=admin_user, year=year, code="x", name="比X", rubric="-",
            max_points=Decimal(5), weight=Decimal(1),
        )  # fmt: skip


def test_a_scored_criterion_cannot_be_deleted(admin_user, unit_a):
    year = factories.competition_year(2019)
    entry = scoring.entry(unit_a, year)
    scoring.sheet(entry, scoring.reviewer("judge"), 20, 20, 20, 20)
    with pytest.raises(ValidationError):
        services.criterion_delete(actor=admin_user, criterion=year.criteria.get(code="work"))
