"""Issue 13's acceptance test: on the demo, the admin opens 2020 from 2019 in the portal and
gives 2020 its own rules through the rule pages (a fifth criterion and another criterion
weight, a 直属 quota of 2 and a unit's own quota, monthly periods, other ranking weights, a
late-report factor of ¼, a 3-year service rule, another award name and a unit's award
limit): every 2019 page and export reads exactly as before, and 2020's pages show the new
rules.

Only the writes of the journey go through the views (POSTing the forms, as the admin
does); the test reads the database to find URLs and to check what the pages say.

The 2019 pages compared (`pages_2019`), as the role that uses them:
- office1: standings (plain and normalised), entry list, an entry and its score sheet form,
  quota page and its .xlsx, completeness dashboard and its .xlsx for each period, overdue
  list, nominations list and each individual nomination (its eligibility);
- xiangshan: the nomination form;
- admin: evaluation page (runs and rules), every run's four ranking tabs, shortlist and
  .xlsx export, a certificate, and 2019's rule pages (criteria, quotas, units, periods).
"""

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from pypdf import PdfReader

from awards.models import EvaluationRun, EvaluationSettings, Nomination, ShortlistItem
from common.xlsx import XLSX_CONTENT_TYPE
from competition.models import CompetitionYear, Entry, NineProject, Unit, UnitKind

pytestmark = pytest.mark.django_db

# Selects that list every year or every period: 2020 shows there, and only there.
PICKERS = re.compile(r'<select[^>]*name="(year|period)".*?</select>', re.S)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
TAG = re.compile(r"<[^>]+>")
SPACE = re.compile(r"\s+")


def _user(username):
    return get_user_model().objects.get(username=username)


def _login(client, username):
    client.force_login(_user(username), backend="common.auth.PortalModelBackend")
    return client


def _read(client, url) -> str:
    """The page's visible text, or an export's cell values, with its status code."""
    response = client.get(url)
    if response.get("Content-Type") == XLSX_CONTENT_TYPE:
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        cells = [
            [sheet.title, *map(str, row)]
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        ]
        return f"{response.status_code} {cells}"
    if response.get("Content-Type") == "application/pdf":
        reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
        return f"{response.status_code} {[page.extract_text() for page in reader.pages]}"
    body = PICKERS.sub("", TOKEN.sub("", response.content.decode()))
    return f"{response.status_code} {SPACE.sub(' ', TAG.sub(' ', body)).strip()}"


def pages_2019() -> dict[str, list[str]]:
    """2019's pages by role (see the module's docstring)."""
    y2019 = CompetitionYear.objects.get(year=2019)
    q = "?year=2019"
    entry = Entry.objects.filter(year=y2019).order_by("pk").first()
    individual = Nomination.objects.filter(year=y2019, category="individual").order_by("pk")
    office = [
        reverse("competition:standings") + q,
        reverse("competition:standings") + q + "&normalised=on",
        reverse("competition:entry_list") + q,
        reverse("competition:entry_detail", args=[entry.pk]),
        reverse("competition:sheet_edit", args=[entry.pk]),
        reverse("volunteers:quota") + q,
        reverse("volunteers:quota_export") + q,
        reverse("reports:overdue") + q,
        reverse("awards:nomination_list") + q,
        *(reverse("awards:nomination_detail", args=[n.pk]) for n in individual),
    ]
    for period in y2019.periods.order_by("number"):
        office += [
            f"{reverse('reports:dashboard')}?period={period.pk}",
            f"{reverse('reports:dashboard_xlsx')}?period={period.pk}",
        ]
    staff = [reverse("awards:nomination_create") + q]
    admin = [reverse("awards:evaluation") + q]
    for run in EvaluationRun.objects.filter(year=y2019).order_by("pk"):
        admin += [
            *(f"{reverse('awards:run_detail', args=[run.pk])}?tab={tab}" for tab in TABS),
            reverse("awards:shortlist", args=[run.pk]),
            reverse("awards:export", args=[run.pk]),
        ]
    awarded = ShortlistItem.objects.filter(run__year=y2019).exclude(award="").order_by("pk")
    admin += [reverse("awards:certificate", args=[item.pk]) for item in awarded[:2]]
    admin += [
        reverse(f"competition:{name}", args=[y2019.pk])
        for name in ("year_criteria", "year_quotas", "year_units", "year_periods")
    ]
    return {"office1": office, "xiangshan": staff, "admin": admin}


TABS = ("entries", "units", "collective", "individual")


def snapshot(client) -> dict[str, str]:
    texts = {}
    for username, urls in pages_2019().items():
        _login(client, username)
        for url in urls:
            texts[f"{username} {url}"] = _read(client, url)
    return texts


def _post(client, url, data):
    """POST a form as the admin does, follow the redirect (its message is shown there, not
    on a later page) and check that it succeeded."""
    response = client.post(url, data, follow=True)
    page = response.content.decode()
    assert response.redirect_chain, (url, page[:3000])
    assert "alert-danger" not in page, (url, page[:3000])
    assert "alert-success" in page, (url, page[:3000])
    return response


def _url(name, pk=None, query=""):
    return reverse(name, kwargs={"pk": pk} if pk else {}) + query


def _give_2020_its_rules(client, y2019) -> CompetitionYear:
    """The admin's journey, form by form."""
    _login(client, "admin")
    _post(client, _url("awards:year_open"), {"source": y2019.pk, "year": 2020, "confirm": "1"})
    y2020 = CompetitionYear.objects.get(year=2020)
    _post(
        client,
        _url("competition:year_criteria", y2020.pk),
        {"code": "innovation", "name": "比创新", "rubric": "创新做法", "max_points": 20, "weight": 2},
    )  # fmt: skip
    work = y2020.criteria.get(code="work")
    _post(
        client,
        reverse("competition:criterion_edit", args=[y2020.pk, work.pk]),
        {"number": work.number, "name": work.name, "rubric": work.rubric,
         "max_points": work.max_points, "weight": 3},
    )  # fmt: skip
    quotas = {f"quota_{row.kind.code}": row.quota for row in y2020.kind_quotas.all()}
    _post(client, _url("competition:year_quotas", y2020.pk), {**quotas, "quota_direct": 2})
    own = Unit.objects.get(name="相山区总工会")
    _post(client, _url("competition:unit_quota_set", y2020.pk), {"unit": own.pk, "quota": 6})
    _post(
        client,
        _url("competition:periods_replace", y2020.pk),
        {"scheme": "monthly", "deadline_days": 10},
    )
    settings = {
        "weight_entries": "0.5",
        "weight_timeliness": "0.3",
        "weight_quota": "0.2",
        "late_report_factor": "0.25",
        "min_service_years": "3",
        "max_awards_per_unit": "1",
        "rule_1": "satisfaction",
        "rule_2": "innovation",
        "rule_3": "submitted",
        "award_collective": "淮北市五一劳动奖状",
        "award_individual": "淮北市劳动模范",
        "award_unit": "淮北市五一劳动奖状",
    }
    _post(client, _url("awards:settings_save", query="?year=2020"), settings)
    limit = {"unit": own.pk, "max_awards": 2}
    _post(client, _url("awards:award_limit_set", query="?year=2020"), limit)
    return y2020


def test_2020_gets_its_own_rules_and_2019_reads_as_before(
    client, django_capture_on_commit_callbacks
):
    y2019 = CompetitionYear.objects.get(year=2019)
    before = snapshot(client)
    assert len(before) >= 30

    y2020 = _give_2020_its_rules(client, y2019)

    after = snapshot(client)
    changed = [key for key in before if before[key] != after[key]]
    assert not changed, changed
    assert y2019.criteria.count() == 4 and y2019.periods.count() == 4

    # 2020's pages show its rules. Five criteria on a 2020 score sheet:
    _login(client, "xiangshan")
    _post(
        client,
        _url("competition:entry_create", query="?year=2020"),
        {"nine_project": NineProject.objects.get(year=y2020, number=1).pk, "title": "2020年新项目",
         "description": "简介", "target_villages": "桃园村", "target_households": 10},
    )  # fmt: skip
    entry = Entry.objects.get(year=y2020)
    form = _read(client, reverse("awards:nomination_create") + "?year=2020")
    assert "先锋个人须从事扶贫工作满3年" in form
    _login(client, "office1")
    sheet = client.get(reverse("competition:sheet_edit", args=[entry.pk])).content.decode()
    codes = re.findall(r'<input type="number" name="(\w+)"', sheet)
    assert codes == ["work", "effect", "income", "satisfaction", "innovation"]
    assert "比创新（0–20）" in sheet
    # 直属 quota 2 (and the unit's own 6):
    quota = client.get(reverse("volunteers:quota") + "?year=2020").content.decode()
    direct = UnitKind.objects.get(code="direct").name
    required = re.findall(rf'</a></td><td>{direct}</td>\s*<td class="text-end">(\d+)</td>', quota)
    assert required and set(required) == {"2"}
    # (a unit's own quota is starred)
    assert re.search(r'相山区总工会</a></td><td>[^<]+</td>\s*<td class="text-end">6\*</td>', quota)
    # 12 monthly periods:
    _login(client, "admin")
    periods = _read(client, reverse("competition:year_periods", args=[y2020.pk]))
    assert all(f" {m}月 " in periods for m in range(1, 13))
    assert y2020.periods.count() == 12
    # The evaluation rules, and a 2020 run built with them:
    evaluation = client.get(reverse("awards:evaluation") + "?year=2020").content.decode()
    assert 'name="late_report_factor" value="0.25"' in evaluation
    assert 'name="min_service_years" value="3"' in evaluation
    assert 'value="淮北市劳动模范"' in evaluation
    assert '<td>相山区总工会</td><td class="text-end">2</td>' in evaluation
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, _url("awards:run_start", query="?year=2020"), {})
    run = EvaluationRun.objects.filter(year=y2020).get()
    assert run.status == "done"
    assert run.settings["weights"] == {
        "entries": "0.50",
        "timeliness": "0.30",
        "quota": "0.20",
        "spot_checks": "0.00",
    }
    assert (run.settings["late_factor"], run.settings["min_service_years"]) == ("0.25", 3)
    assert [c["code"] for c in run.criteria][-1] == "innovation"
    assert run.settings["tie_break"] == ["satisfaction", "innovation", "submitted"]
    ranking = _read(client, reverse("awards:run_detail", args=[run.pk]) + "?tab=entries")
    assert "比创新" in ranking and "2020年新项目" in ranking
    settings = EvaluationSettings.objects.get(year=y2020)
    assert settings.late_report_factor == Decimal("0.25")
    assert EvaluationSettings.objects.filter(year=y2019).first() is None or (
        EvaluationSettings.objects.get(year=y2019).late_report_factor == Decimal("0.5")
    )
