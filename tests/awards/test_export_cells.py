"""The run's Excel adds up (issue 16.7): ranks, scores and totals are number cells."""

from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse

from awards import services
from tests.awards import factories as af
from tests.competition import factories as scoring

pytestmark = pytest.mark.django_db

NUMBER = (int, float, Decimal)


def test_the_run_export_writes_ranks_and_scores_as_numbers(
    client_for, admin_user, unit_a, year, reviewers
):
    for i in range(2):
        nomination = af.nomination(unit_a, year)
        scoring.sheet(nomination.entry, reviewers[0], 15 + i, 16, 17, 18)
    run = services.evaluation_run_build(
        run=services.evaluation_run_create(actor=admin_user, year=year)
    )
    response = client_for(admin_user).get(reverse("awards:export", args=[run.pk]))
    book = openpyxl.load_workbook(BytesIO(response.content))
    rows = list(book["参赛项目"].iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert [row[header.index("名次")] for row in data] == [1, 2]
    total = header.index("总分")
    for row in data:
        assert isinstance(row[total], NUMBER)
        assert all(isinstance(v, NUMBER) for v in row[4:total])  # one column per criterion
    assert data[0][total] > data[1][total]
