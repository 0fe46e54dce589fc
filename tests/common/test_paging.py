"""common.paging: pages of keys whose rows are computed for the page only."""

import pytest
from django.test import RequestFactory

from common.paging import page_of
from competition.models import Unit
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_page_of_details_only_the_page_keys_in_the_keys_order():
    units = UnitFactory.create_batch(53)
    order = sorted((unit.pk for unit in units), reverse=True)
    asked = []

    def details(keys):
        asked.append(list(keys))
        return Unit.objects.filter(pk__in=keys).order_by("pk")  # any order

    request = RequestFactory().get("/", {"page": "2"})
    page = page_of(
        request, Unit.objects.order_by("-pk").values_list("pk", flat=True), details=details
    )
    assert asked == [order[50:53]]
    assert [unit.pk for unit in page] == order[50:53]
    assert page.paginator.count == Unit.objects.count() and page.number == 2


def test_page_of_without_details_is_a_plain_page_and_clamps_the_number():
    UnitFactory.create_batch(3)
    request = RequestFactory().get("/", {"page": "99"})
    page = page_of(request, Unit.objects.order_by("pk"))
    assert page.number == 1 and len(page) == Unit.objects.count()
