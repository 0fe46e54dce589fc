import pytest
from django.urls import reverse

from competition import selectors
from competition.models import CompetitionYear, Notice, ScoreSheet, SpotCheck

pytestmark = pytest.mark.django_db


def test_demo_has_standings_from_both_reviewers_and_respects_conflicts(client):
    year = CompetitionYear.objects.get(year=2019)
    rows = list(selectors.entry_standings(year))
    assert len(rows) == 6 and all(row.sheet_count >= 1 for row in rows)
    reviewers = set(ScoreSheet.objects.values_list("reviewer__username", flat=True))
    assert reviewers == {"office1", "office2"}
    assert not ScoreSheet.objects.filter(
        reviewer__username="office2", entry__unit__name="市电子商贸物流工会"
    ).exists()
    assert SpotCheck.objects.filter(year=year).count() == 1
    notice = Notice.objects.get(published=True)
    assert len(notice.standings) == 6

    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="office2"))
    for name in (
        "competition:standings",
        "competition:progress",
        "competition:entry_list",
        "competition:spot_check_list",
        "competition:notice_list",
    ):
        assert client.get(reverse(name)).status_code == 200, name
    own = ScoreSheet.objects.filter(entry__unit__name="市电子商贸物流工会").first().entry
    assert client.get(reverse("competition:sheet_edit", args=[own.pk])).status_code == 403
