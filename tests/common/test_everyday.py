"""The shared pieces of issue 16: a to-do item's deadline words, the deletion record."""

import datetime

import pytest
from django.utils import timezone

from common.models import DeletionRecord
from common.panels import TodoItem
from common.services import deletion_record


@pytest.mark.parametrize(
    ("offset", "words"), [(3, "距截止还有3天"), (0, "今天截止"), (-2, "已逾期2天"), (None, "")]
)
def test_todo_item_says_how_far_the_deadline_is(offset, words):
    due = None if offset is None else timezone.localdate() + datetime.timedelta(days=offset)
    assert TodoItem("报告", "/reports/", due=due).when == words


@pytest.mark.django_db
def test_deletion_record_keeps_who_what_and_the_fields(staff_a, unit_a):
    record = deletion_record(actor=staff_a, obj=unit_a)
    assert DeletionRecord.objects.get() == record
    assert (record.model, record.object_id, record.label) == (
        "competition.unit",
        unit_a.pk,
        str(unit_a),
    )
    assert record.data["name"] == unit_a.name
    assert record.actor == staff_a
