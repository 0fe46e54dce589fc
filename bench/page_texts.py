"""The visible text of the portal's main pages, as each demo role sees them, to compare a
database before and after a migration (issue 13: every figure unchanged).

    DATABASE_URL=... python bench/page_texts.py OUT.json

Run it on the old code against a copy of the database, migrate, run it again on the new
code, and diff the two files (`python bench/page_texts.py --diff A.json B.json`).
"""

import html
import json
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

RUNS = [
    f"/awards/runs/{{run}}/?tab={tab}{page}"
    for tab in ("entries", "units", "collective", "individual")
    for page in ("", "&page=2")
]
# Pages without a year show the current one: since seed_demo opens the current calendar year
# beside 2019, those ("/", "/reports/dashboard/") show the live year, and "{period}" (2019's
# last period) keeps 2019's completeness dashboard in the comparison.
PAGES = {
    "office1": [
        *(f"/competition/standings/?year=2019{page}" for page in ("", "&page=2", "&page=last")),
        "/competition/standings/?year=2019&normalised=on",
        "/competition/standings/?year=2019&normalised=on&page=3",
        *(f"/volunteers/quota/?year=2019{page}" for page in ("", "&page=2", "&page=last")),
        "/volunteers/quota/export/?year=2019",
        "/reports/dashboard/",
        *(f"/reports/dashboard/?period={{period}}{page}" for page in ("", "&page=2")),
        "/reports/dashboard/xlsx/?period={period}",
        "/reports/review/?year=2019",
        "/awards/evaluation/?year=2019",
    ],
    "admin": ["/awards/evaluation/?year=2019", *RUNS, "/awards/runs/{run}/xlsx/"],
    "xiangshan": ["/"],
}
SCRIPT = re.compile(r"<(script|style)[^>]*>.*?</\1>", re.S)
TAG = re.compile(r"<[^>]+>")
# What differs between two runs anyway: CSRF tokens, times of day.
NOISE = re.compile(r"csrfmiddlewaretoken|\d{2}:\d{2}(:\d{2})?")


def cells(body: bytes) -> list[str]:
    """An .xlsx answer as lines: each sheet's name, then its rows' values."""
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(body), read_only=True)
    lines = []
    for sheet in book.worksheets:
        lines.append(f"[{sheet.title}]")
        lines.extend("\t".join("" if v is None else str(v) for v in row) for row in sheet.values)
    return lines


def text(body: str) -> list[str]:
    body = TAG.sub("\n", SCRIPT.sub("", body))
    lines = (html.unescape(line).strip() for line in body.splitlines())
    return [NOISE.sub("", line) for line in lines if line]


def collect() -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    out = {}
    for username, urls in PAGES.items():
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(
            get_user_model().objects.get(username=username),
            backend="common.auth.PortalModelBackend",
        )
        for url in urls:
            if "{run}" in url:
                from awards.models import EvaluationRun

                runs = EvaluationRun.objects.filter(status="done", year__year=2019)
                url = url.format(run=runs.latest("pk").pk)
            if "{period}" in url:
                from competition.models import ReportingPeriod

                periods = ReportingPeriod.objects.filter(year__year=2019)
                url = url.format(period=periods.latest("end").pk)
            response = client.get(url, follow=True)
            if "spreadsheet" in response.get("Content-Type", ""):
                lines = cells(response.content)
            else:
                lines = text(response.content.decode())
            out[f"{username} {url}"] = [str(response.status_code), *lines]
    return out


def diff(a: str, b: str) -> int:
    import difflib

    before, after = json.loads(Path(a).read_text()), json.loads(Path(b).read_text())
    changed = reordered = 0
    for key in before:
        if before[key] != after.get(key) and sorted(before[key]) == sorted(after.get(key, [])):
            # The same lines in another order: rows of equal totals placed differently.
            reordered += 1
            print(f"=== {key}: the same lines, in another order")
        elif before[key] != after.get(key):
            changed += 1
            print(f"--- {key}")
            sys.stdout.writelines(
                f"{line}\n"
                for line in difflib.unified_diff(before[key], after.get(key, []), lineterm="", n=1)
            )
    print(f"{changed} of {len(before)} pages differ, {reordered} only in the order of lines")
    return 1 if changed else 0


if __name__ == "__main__":
    if sys.argv[1] == "--diff":
        sys.exit(diff(sys.argv[2], sys.argv[3]))
    Path(sys.argv[1]).write_text(json.dumps(collect(), ensure_ascii=False, indent=1))
