"""The deadline rush's users, for Locust (started by bench/rush.py, never by hand).

Unit staff (`StaffUser`) each take a scaled unit's account from the plan, log in, open the
period's report (starting it if the unit has none), save a draft, upload a photo with the
draft and submit, then take the next account. Office reviewers (`OfficeUser`) open the review
queue, open a submitted report and accept it (or return it with a comment), each comment
carrying a token so that its mail can be counted. Every user also requests the bare view now
and then, under the same load.

A 503 (the database restarting) or a refused connection is retried after a second, as a
person would press again; every answer is recorded with its step (bench/rush.py reads
RUSH_OUT when Locust quits): latency, status, and what the users know they did (reports
submitted, uploads answered, reviews accepted by the portal).
"""

import json
import os
import random
import re
import time
import uuid

import gevent
from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["RUSH_PLAN"], encoding="utf-8").read())
OUT = os.environ["RUSH_OUT"]
PHOTO = open(PLAN["photo"], "rb").read()
RETRY_SECONDS = 90  # how long a user keeps pressing again through an outage

ACCOUNTS = list(PLAN["staff"])  # one gevent process: popping is safe
REVIEWERS = list(PLAN["office"])
RECORD = {"requests": [], "submitted": [], "uploads": [], "reviews": [], "notes": []}

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION_RE = re.compile(r'name="version" value="(\d+)"')
QUEUE_RE = re.compile(r'href="/reports/(\d+)/"')


@events.request.add_listener
def _record(request_type, name, response_time, response, exception, **_kwargs):
    status = getattr(response, "status_code", 0) if response is not None else 0
    RECORD["requests"].append(
        [name, round(response_time, 2), status, type(exception).__name__ if exception else ""]
    )


@events.quitting.add_listener
def _dump(**_kwargs):
    with open(OUT, "w", encoding="utf-8") as out:
        json.dump(RECORD, out, ensure_ascii=False)


class Outage(Exception):
    """The step did not get its answer within RETRY_SECONDS."""


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(0.5, 1.5)

    def think(self):
        gevent.sleep(random.uniform(0.5, 1.5))

    def call(self, step, method, url, expect, **kwargs):
        """One step: retried after a second on 503 or a connection error, for RETRY_SECONDS.
        Returns the response with a status in `expect`, or raises Outage; any other status
        is marked a failure (an error of the run) and returned."""
        deadline = time.monotonic() + RETRY_SECONDS
        while True:
            with self.client.request(
                method, url, name=step, allow_redirects=False, catch_response=True, **kwargs
            ) as response:
                if response.status_code in expect:
                    response.success()
                    return response
                if response.status_code == 503 or response.status_code == 0:
                    # Expected while the database restarts: not an error, pressed again.
                    response.success()
                else:
                    response.failure(f"HTTP {response.status_code}")
                    return response
            if time.monotonic() > deadline:
                raise Outage(step)
            gevent.sleep(1)

    def bare(self):
        self.call("bare view (under load)", "GET", "/bench/bare/", {200})

    def login(self, username):
        self.client.cookies.clear()
        page = self.call("login page", "GET", "/accounts/login/", {200})
        data = {
            "username": username,
            "password": PLAN["password"],
            "csrfmiddlewaretoken": CSRF_RE.search(page.text).group(1),
        }
        answer = self.call("log in", "POST", "/accounts/login/", {302}, data=data)
        return answer.status_code == 302

    def csrf(self):
        return self.client.cookies.get("csrftoken", "")


class StaffUser(PortalUser):
    @task
    def rush(self):
        if not ACCOUNTS:
            self.bare()
            self.think()
            return
        account = ACCOUNTS.pop()
        try:
            self.report_cycle(account)
        except Outage as exc:
            RECORD["notes"].append(f"{account['username']}: gave up at {exc}")

    def report_cycle(self, account):
        if not self.login(account["username"]):
            return
        self.think()
        report = account["report"]
        if report is None:
            start = self.call(
                "start report",
                "POST",
                f"/reports/start/{PLAN['period']}/",
                {302},
                data={"csrfmiddlewaretoken": self.csrf()},
            )
            if start.status_code != 302:
                return
            report = int(start.headers["Location"].rstrip("/").split("/")[-2])
            self.think()
        fields = {**account["fields"], "quality_explanation": "数据已逐项核实。"}
        for action in ("save", "upload", "submit"):
            if not self.save(report, action, fields):
                return
            if action == "save":
                self.bare()
            self.think()

    def save(self, report, action, fields):
        """Open the form (version and token as the page gives them) and post it with the
        button `action`; after a 503 the form is opened again, as a person reloads."""
        deadline = time.monotonic() + RETRY_SECONDS
        while time.monotonic() < deadline:
            page = self.call("open report", "GET", f"/reports/{report}/edit/", {200, 302, 403, 404})
            if page.status_code != 200:
                # No longer editable: an earlier submit went through though its answer was
                # lost (the database went away after the commit).
                RECORD["notes"].append(f"report {report}: not editable before {action}")
                return False
            data = {
                **fields,
                "version": VERSION_RE.search(page.text).group(1),
                "csrfmiddlewaretoken": CSRF_RE.search(page.text).group(1),
                action: "1",
            }
            files = None
            if action == "upload":
                files = {"attachment-file": ("入户走访.jpg", PHOTO, "image/jpeg")}
            step = {"save": "save draft", "upload": "upload photo", "submit": "submit"}[action]
            with self.client.post(
                f"/reports/{report}/edit/",
                data=data,
                files=files,
                name=step,
                allow_redirects=False,
                catch_response=True,
            ) as answer:
                if answer.status_code == 302:
                    answer.success()
                    if action == "upload":
                        RECORD["uploads"].append([report, "ok"])
                    if action == "submit":
                        RECORD["submitted"].append(report)
                    return True
                if answer.status_code in (503, 0):
                    answer.success()
                    if action == "upload":
                        RECORD["uploads"].append([report, "unanswered"])
                    gevent.sleep(1)
                    continue
                reason = re.findall(
                    r'class="[^"]*invalid-feedback[^"]*"[^>]*>([^<]+)<', answer.text
                )
                answer.failure(f"HTTP {answer.status_code} {reason[:2]}")
                RECORD["notes"].append(f"report {report} {action}: HTTP {answer.status_code}")
                return False
        raise Outage(action)


class OfficeUser(PortalUser):
    # Exactly this many (Locust's weights would round one office user among two away).
    fixed_count = int(os.environ.get("RUSH_OFFICE_USERS", "1"))

    def on_start(self):
        self.reviewer = REVIEWERS[random.randrange(len(REVIEWERS))]
        self.logged_in = False

    @task
    def review(self):
        try:
            if not self.logged_in:
                self.logged_in = self.login(self.reviewer)
                self.think()
            self.review_one()
        except Outage as exc:
            RECORD["notes"].append(f"{self.reviewer}: gave up at {exc}")
        self.think()

    def review_one(self):
        queue = self.call("review queue", "GET", "/reports/review/?order=new", {200})
        ids = QUEUE_RE.findall(queue.text)
        if not ids:
            return
        self.think()
        report = random.choice(ids[:10])
        page = self.call("open submitted report", "GET", f"/reports/{report}/", {200})
        self.think()
        token = f"rush:{uuid.uuid4().hex}"
        accept = random.random() < 0.7
        data = {
            "decision": "accept" if accept else "return",
            "comment": f"{'同意。' if accept else '请补充帮扶台账。'}{token}",
            "csrfmiddlewaretoken": CSRF_RE.search(page.text).group(1),
        }
        answer = self.call("review", "POST", f"/reports/{report}/review/", {302, 403}, data=data)
        if answer.status_code != 302:
            return
        # The portal's answer is the message on the page it redirects to: accepted and
        # notified, or refused (another reviewer was first).
        after = self.call("report after review", "GET", f"/reports/{report}/", {200})
        done = "已通知该单位" in after.text
        RECORD["reviews"].append([int(report), token, "ok" if done else "refused"])
        self.bare()
