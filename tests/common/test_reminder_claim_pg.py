"""The ledger under two concurrent callers, on PostgreSQL (real row locks on the unique index)."""

import threading
import time

import pytest
from django.db import connection, transaction

from common.models import ReminderLog
from common.services import reminder_claim

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

KIND, KEY = "deadline", "deadline:unit=3:period=7:d-3"


def _race(first_commits: bool) -> dict:
    """The first caller claims and holds its transaction open while the second tries."""
    claimed, release, results = threading.Event(), threading.Event(), {}

    class Rollback(Exception):
        pass

    def first():
        try:
            with transaction.atomic():
                results["first"] = reminder_claim(KIND, KEY)
                claimed.set()
                release.wait(10)
                if not first_commits:
                    raise Rollback
        except Rollback:
            pass
        finally:
            connection.close()

    def second():
        claimed.wait(10)
        try:
            results["second"] = reminder_claim(KIND, KEY)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    claimed.wait(10)
    time.sleep(0.5)
    # The second caller waits on the unique index for the first transaction to end.
    results["second_waited"] = "second" not in results
    release.set()
    for thread in threads:
        thread.join(15)
    return results


def test_claim_concurrent_only_first_wins(require_postgres):
    results = _race(first_commits=True)
    assert results == {"first": True, "second": False, "second_waited": True}
    assert ReminderLog.objects.filter(kind=KIND, key=KEY).count() == 1


def test_claim_concurrent_second_wins_when_first_rolls_back(require_postgres):
    results = _race(first_commits=False)
    assert results == {"first": True, "second": True, "second_waited": True}
    assert ReminderLog.objects.filter(kind=KIND, key=KEY).count() == 1
