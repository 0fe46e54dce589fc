"""Two admins changing the same shortlist at once, on PostgreSQL (real row locks).

The first holds its transaction open while the second tries; the second waits for the run's
lock, then finds what the first did: the rows taken (said in Chinese, not an IntegrityError),
or the unit's last award given.
"""

import threading
import time

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from awards import services
from awards.models import ShortlistItem, UnitAwardLimit
from tests import factories
from tests.awards import factories as af
from tests.competition import factories as scoring

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def run(require_postgres, year, unit_a, unit_b, reviewers, admin_user):
    for unit, points, team in [(unit_a, 25, ""), (unit_b, 20, ""), (unit_a, 15, "甲队")]:
        entry = scoring.entry(unit, year)
        for reviewer in reviewers:
            scoring.sheet(entry, reviewer, points, points, points, points)
        kind = {"collective_kind": "team", "team_name": team} if team else {}
        af.nomination(unit, year, entry=entry, **kind)
    return services.evaluation_run_build(
        run=services.evaluation_run_create(actor=admin_user, year=year)
    )


def test_two_builds_at_once_second_answers_a_message(run, admin_user, unit_a, unit_b):
    second_admin = factories.user_with_role("admin", username="boss_two")
    client = Client()
    client.force_login(second_admin, backend="common.auth.PortalModelBackend")
    url = reverse("awards:shortlist_build", args=[run.pk])
    built, release, results = threading.Event(), threading.Event(), {}

    def first():
        try:
            with transaction.atomic():
                results["first"] = services.shortlist_build(
                    actor=admin_user, run=run, category="collective", top_n=3
                )
                built.set()
                release.wait(10)
        except Exception as exc:
            results["first"] = exc
        finally:
            built.set()
            connection.close()

    def second():
        built.wait(10)
        try:
            results["second"] = client.post(url, {"category": "collective", "top_n": 3})
        except Exception as exc:
            results["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    built.wait(10)
    time.sleep(0.5)
    second_waited = "second" not in results
    release.set()
    for thread in threads:
        thread.join(15)

    assert second_waited is True
    assert [item.recipient for item in results["first"]] == [unit_a.name, unit_b.name, "甲队"]
    response = results["second"]
    assert not isinstance(response, Exception), response
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("awards:shortlist", args=[run.pk]),
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "没有新增入围对象：符合条件的都已在入围名单上，或没有符合条件的。"
    ]
    assert ShortlistItem.objects.filter(run=run).count() == 3


def test_two_decisions_at_once_keep_the_unit_limit(run, admin_user, unit_a, year):
    services.shortlist_build(actor=admin_user, run=run, category="collective", top_n=3)
    UnitAwardLimit.objects.create(year=year, unit=unit_a, max_awards=1)
    collective, team = run.shortlist.filter(unit=unit_a).order_by("rank")
    second_admin = factories.user_with_role("admin", username="boss_two")
    decided, release, results = threading.Event(), threading.Event(), {}

    def first():
        try:
            with transaction.atomic():
                results["first"] = services.shortlist_decide(
                    actor=admin_user, item=collective, award="certificate"
                )
                decided.set()
                release.wait(10)
        except Exception as exc:
            results["first"] = exc
        finally:
            decided.set()
            connection.close()

    def second():
        decided.wait(10)
        try:
            results["second"] = services.shortlist_decide(
                actor=second_admin, item=team, award="certificate"
            )
        except Exception as exc:
            results["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    decided.wait(10)
    time.sleep(0.5)
    second_waited = "second" not in results
    release.set()
    for thread in threads:
        thread.join(15)

    assert second_waited is True
    assert not isinstance(results["first"], Exception), results["first"]
    refused = results["second"]
    assert isinstance(refused, ValidationError), refused
    assert refused.messages == ["该单位本年度表彰名额上限为1个，已全部使用。"]
    awarded = ShortlistItem.objects.filter(run=run, unit=unit_a).exclude(award="")
    assert list(awarded.values_list("pk", flat=True)) == [collective.pk]
