"""Simulated users running the real journeys, for `make loadtest`.

It lives among the tests because it is one (of the running system) and
imports locust, a development requirement; its helpers (pages.py, shared
with the bench) stay in scripts/loadtest/, locust's working directory, which
is how ``from pages import`` finds them.

Started by scripts/loadtest/run.py, which prepares the database, the
accounts and the server and passes, in the environment, the plan written by
prepare.py (LOADTEST_PLAN) and the file where accepted writes are recorded
(LOADTEST_ACCEPTED). Each simulated user signs in with an account of its own
through the login form and the two-factor step, then, with a pause of one to
four seconds between tasks:

- peers log encounters through the encounter form (its CSRF token and its
  one-time submission token, a note signed for their team or the whole care
  team, or kept as a draft) and sometimes send the same form twice, as a
  double tap or a retry would; they read their home page, the register and
  the shared feed;
- clinicians read the shared feed, open conversations and answer them;
- researchers read the logbook and download the logbook and research exports;
- coordinators read the overview, the audit trail and the sign-ins.

A write counts as accepted when the server answers it with the redirect that
follows a save; its marker is then appended to LOADTEST_ACCEPTED, and the
check after the run finds each such marker in the database exactly once.
"""

import itertools
import json
import os
import random
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from locust import HttpUser, between, task
from pages import (
    Page,
    answer_links,
    answer_submission,
    code_submission,
    conversation_links,
    encounter_submission,
    new_marker,
    people_on_encounter_form,
    sign_in_submission,
)

PLAN = json.loads(Path(os.environ["LOADTEST_PLAN"]).read_text())
ACCEPTED = Path(os.environ["LOADTEST_ACCEPTED"])
# How often a form is sent a second time, as a double tap or a retry would.
SENT_TWICE = 0.15
TIMEOUT = 60
_accounts = {role: itertools.count() for role in PLAN["accounts"]}


def record_accepted(kind: str, marker: str, username: str, location: str) -> None:
    with ACCEPTED.open("a") as accepted:
        line = {"kind": kind, "marker": marker, "user": username, "location": location}
        accepted.write(json.dumps(line) + "\n")


class Journey(HttpUser):
    abstract = True
    role = ""
    wait_time = between(1, 4)

    def on_start(self):
        accounts = PLAN["accounts"][self.role]
        self.account = accounts[next(_accounts[self.role]) % len(accounts)]
        self.username = self.account["username"]
        self.origin = "https://" + urlsplit(self.host).netloc
        self.client.headers.update(
            {
                # The app is behind a TLS proxy (BEHIND_TLS_PROXY): it sees HTTPS.
                "X-Forwarded-Proto": "https",
                "Accept-Language": "en",
                "Referer": self.origin + "/",
            }
        )
        self.sign_in()

    def keep_cookies(self):
        """The app sets Secure cookies (debug is off); the generator speaks
        plain HTTP on loopback, telling the app it is behind a TLS proxy, so
        those cookies must be sent back anyway, as the smoke check does. (A
        policy on the session's jar would not do: requests copies the cookies
        into a jar of its own for each request.)"""
        for cookie in self.client.cookies:
            cookie.secure = False

    def get(self, path: str, name: str, **kwargs):
        response = self.client.get(path, name=f"{self.role}: {name}", timeout=TIMEOUT, **kwargs)
        self.keep_cookies()
        return response

    def post_form(self, path: str, data, name: str, expect: str):
        """POST a form as the page's browser would; the answer must be the
        redirect that follows a save, to a path starting with ``expect``.
        Returns its Location, or None (a failure, recorded as such)."""
        with self.client.post(
            path,
            data=data,
            name=f"{self.role}: {name}",
            headers={"Origin": self.origin, "Referer": self.origin + path},
            allow_redirects=False,
            catch_response=True,
            timeout=TIMEOUT,
        ) as response:
            self.keep_cookies()
            location = response.headers.get("Location", "")
            if response.status_code != 302 or not location.startswith(expect):
                response.failure(f"status {response.status_code}, to {location!r}")
                return None
            response.success()
            return location

    def sign_in(self):
        page = Page(self.get("/accounts/login/", "sign-in page").text)
        form = page.form(has_field="username")
        data = sign_in_submission(form, username=self.username, password=PLAN["password"])
        if self.post_form("/accounts/login/", data, "sign in (POST)", "/") is None:
            return
        home = self.get("/", "home", allow_redirects=False)
        location = home.headers.get("Location", "")
        if home.status_code == 302 and "two-factor" in location:
            step = Page(self.get(location, "two-factor step").text).form(has_field="code")
            data = code_submission(step, key=PLAN["key"])
            action = urljoin(location, step.action or location)
            self.post_form(action, data, "two-factor code (POST)", "/")

    def send_twice_sometimes(self, path, data, name, first):
        """Sometimes the same form again (same tokens), as a double tap or a
        retry would: the app must send it where the first went, creating
        nothing (the check after the run counts the marker once)."""
        if random.random() < SENT_TWICE:
            self.post_form(path, data, f"{name} again (same token)", first)


class Peer(Journey):
    role = "peer"

    @task(4)
    def log_an_encounter(self):
        self.get("/", "home")
        page = Page(self.get("/encounters/new/", "encounter form").text)
        form = page.form(has_field="submission_token")
        allowed = self.account["audiences"]
        people = [pk for pk in people_on_encounter_form(form) if pk in allowed]
        if not people:
            return
        person = random.choice(people)
        # "Log an encounter" on the person's page: the form with them filled in.
        path = f"/encounters/new/?client={person}"
        form = Page(self.get(path, "encounter form for a person").text).form(
            has_field="submission_token"
        )
        audiences = allowed[person]
        # Most notes are signed, for the care team where the person agreed;
        # some stay drafts.
        audience = None if random.random() < 0.2 else random.choice(audiences)
        marker = new_marker()
        data = encounter_submission(form, marker=marker, audience=audience, rng=random)
        location = self.post_form(path, data, "log an encounter (POST)", f"/clients/{person}/")
        if location is None:
            return
        record_accepted("encounter", marker, self.username, location)
        self.send_twice_sometimes(path, data, "log an encounter (POST)", location)
        self.get(location, "person page")

    @task(1)
    def read_the_shared_feed(self):
        self.get("/shared/", "shared feed")

    @task(1)
    def look_someone_up(self):
        self.get("/clients/", "register")


class Clinician(Journey):
    role = "clinician"

    @task(3)
    def answer_a_conversation(self):
        feed = self.get("/shared/", "shared feed").text
        links = answer_links(feed, "/")
        if not links:
            return
        path = random.choice(links)
        form = Page(self.get(path, "answer page").text).form(has_field="body")
        marker = new_marker()
        data = answer_submission(form, marker=marker)
        action = urljoin(path, form.action) if form.action else path
        location = self.post_form(action, data, "answer (POST)", "/notes/")
        if location is None:
            return
        record_accepted("answer", marker, self.username, location)
        self.send_twice_sometimes(action, data, "answer (POST)", location)
        self.get(location, "note page")

    @task(2)
    def read_a_conversation(self):
        links = conversation_links(self.get("/shared/", "shared feed").text)
        if links:
            self.get(random.choice(links), "conversation")

    @task(1)
    def home(self):
        self.get("/", "home")


LOGBOOK_EXPORTS = ["csv", "xlsx", "json", "qdpx"]


class Researcher(Journey):
    role = "researcher"

    @task(2)
    def read_the_logbook(self):
        self.get("/logbook/", "logbook")

    @task(2)
    def export_the_logbook(self):
        kind = random.choice(LOGBOOK_EXPORTS)
        self.get(f"/logbook/export/?format={kind}", f"logbook export ({kind})")

    @task(2)
    def export_research_data(self):
        self.get("/research/export/?format=csv", "research export (csv)")

    @task(1)
    def programme_activity(self):
        self.get("/research/activity/", "programme activity")


class Coordinator(Journey):
    role = "coordinator"

    @task(2)
    def overview(self):
        self.get("/overview/", "overview")

    @task(2)
    def audit_trail(self):
        self.get("/audit/", "audit trail")

    @task(1)
    def sign_ins(self):
        self.get("/audit/sign-ins/", "sign-ins")


def _count_users() -> None:
    """Exactly as many simulated users of each role as prepare.py made
    accounts; run.py asks locust for their sum. (In a function: locust takes
    every User class a module-level name points to, a loop variable too.)"""
    for journey in (Peer, Clinician, Researcher, Coordinator):
        count = len(PLAN["accounts"].get(journey.role, []))
        journey.fixed_count = count
        journey.abstract = count == 0


_count_users()
