"""A PostgreSQL restart under load: 503s while it restarts, never a 500, no
half-written encounter, and every acknowledged write there exactly once.

The test brings its own PostgreSQL (``initdb`` in a temporary folder, on a
free loopback port: never the shared server), migrates it, serves the app
with gunicorn on it, and has a few peers log encounters with notes through
the real encounter form while ``pg_ctl restart -m fast`` runs. Whatever the
suite runs on (SQLite or PostgreSQL), this test runs the same way; a machine
without PostgreSQL's server binaries fails it, it is never skipped.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

from tests.subprocess_django import ROOT, run_manage, run_python

pytestmark = pytest.mark.postgres_restart

WORKERS = 4
# Each a bound, not a pause: the load goes on until every peer has saved
# (before the restart, then again after it) or the time is up.
LOAD_BEFORE_RESTART_S = 15.0
LOAD_AFTER_RESTART_S = 15.0
PASSWORD = "restart-test-password-0123"


def _bindir() -> Path:
    try:
        found = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=True
        ).stdout.strip()
        if (Path(found) / "initdb").exists():
            return Path(found)
    except (OSError, subprocess.CalledProcessError):
        pass
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    pytest.fail(
        "PostgreSQL's server binaries (initdb, pg_ctl) are needed: "
        "apt-get install postgresql (this test is never skipped)."
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class OwnPostgres:
    """A throwaway cluster: started, restarted and removed by the test."""

    def __init__(self):
        self.bindir = _bindir()
        self.folder = Path(tempfile.mkdtemp(prefix="peersupport-outage-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.port = _free_port()
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        os.chmod(self.folder, 0o700)

    def _run(self, *args: str, timeout: int = 60) -> None:
        result = subprocess.run(
            _as_postgres([str(self.bindir / args[0]), *args[1:]]),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            pytest.fail(f"{' '.join(args)} failed:\n{result.stdout}{result.stderr}\n{log}")

    def start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self._run(*self._pg_ctl("start"))

    def _pg_ctl(self, action: str, *extra: str) -> list[str]:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off"
        return [
            "pg_ctl",
            action,
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-o",
            options,
            *extra,
        ]

    def restart(self) -> None:
        self._run(*self._pg_ctl("restart", "-m", "fast"))

    def remove(self) -> None:
        subprocess.run(
            _as_postgres(
                [str(self.bindir / "pg_ctl"), "stop", "-D", str(self.data), "-m", "immediate"]
            ),
            capture_output=True,
            check=False,
            timeout=60,
        )
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


SETUP = """
import django, json
django.setup()
from django.db import connection
from clients.models import Client
from interventions.models import Activity
from peersupport.models import User
from peersupport.roles import Role
from tests.factories import UserFactory, ClientFactory, put_on_team
peers = []
for n in range(%(workers)d):
    peer = UserFactory(username=f"restart-peer-{n}", roles=[Role.PEER])
    peer.set_password(%(password)r)
    peer.save()
    person = ClientFactory(display_name=f"Restart person {n}")
    put_on_team(person, peer)
    peers.append({"username": peer.username, "client": person.pk})
activity = Activity.objects.filter(is_active=True).order_by("pk").first().pk
print(json.dumps({"peers": peers, "activity": activity}))
"""

# What was written, read back through the models (note bodies are encrypted).
READ_BACK = """
import django, json
django.setup()
from interventions.models import Encounter, Note
rows = []
for encounter in Encounter.objects.filter(author__username__startswith="restart-peer-"):
    notes = list(Note.objects.filter(encounter=encounter))
    rows.append({
        "client": encounter.client_id,
        "activities": encounter.activities.count(),
        "notes": [note.body for note in notes],
        "note_clients": [note.client_id for note in notes],
    })
print(json.dumps(rows))
"""


def _value(html: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', html)
    found = tag and re.search(r'\bvalue="([^"]*)"', tag.group(0))
    assert found, f"{name} not in the form"
    return found.group(1)


class Peer(threading.Thread):
    """Signs in, then logs encounters with a marked note until told to stop."""

    def __init__(self, base: str, account: dict, activity: int, stop: threading.Event):
        super().__init__(daemon=True)
        self.base, self.account, self.activity, self.stop = base, account, activity, stop
        self.statuses: list[int] = []
        self.acknowledged: list[str] = []
        self.sent: list[str] = []
        self.failures: list[str] = []

    def _get(self, session, path):
        response = session.get(self.base + path, timeout=20, allow_redirects=False)
        self.statuses.append(response.status_code)
        return response

    def _sign_in(self, session) -> bool:
        page = self._get(session, "/accounts/login/")
        if page.status_code != 200:
            return False
        answer = session.post(
            self.base + "/accounts/login/",
            data={
                "csrfmiddlewaretoken": _value(page.text, "csrfmiddlewaretoken"),
                "username": self.account["username"],
                "password": PASSWORD,
            },
            headers={"Referer": self.base + "/accounts/login/"},
            timeout=20,
            allow_redirects=False,
        )
        self.statuses.append(answer.status_code)
        return answer.status_code == 302

    def run(self):
        session = requests.Session()
        try:
            while not self._sign_in(session):
                if self.stop.wait(0.2):
                    return
            form_path = f"/encounters/new/?client={self.account['client']}"
            while not self.stop.is_set():
                page = self._get(session, form_path)
                if page.status_code != 200:
                    self.stop.wait(0.2)
                    continue
                marker = f"marker-{uuid.uuid4().hex}"
                self.sent.append(marker)
                answer = session.post(
                    self.base + form_path,
                    data={
                        "csrfmiddlewaretoken": _value(page.text, "csrfmiddlewaretoken"),
                        "submission_token": _value(page.text, "submission_token"),
                        "client": self.account["client"],
                        "setting": "street",
                        "activities": self.activity,
                        "note": f"Walked together. {marker}",
                        "occurred_at": _value(page.text, "occurred_at"),
                        "note_audience": "peer_team",
                    },
                    headers={"Referer": self.base + form_path},
                    timeout=20,
                    allow_redirects=False,
                )
                self.statuses.append(answer.status_code)
                if answer.status_code == 302:
                    self.acknowledged.append(marker)
                elif answer.status_code == 200:
                    errors = re.findall(
                        r"(?:invalid-feedback|alert-danger)[^>]*>(.*?)</", answer.text, re.S
                    )
                    self.failures.append(f"the form refused a valid encounter: {errors}")
                    return
        except requests.RequestException as error:
            self.failures.append(f"no answer from the app: {error!r}")


def _wait_for(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.fixture
def own_postgres():
    server = OwnPostgres()
    try:
        server.start()
        yield server
    finally:
        server.remove()


def _environment(server: OwnPostgres) -> dict[str, str]:
    return {
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": server.url("peersupport"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        # A connection kept across requests is the one a restart kills.
        "PYTHONUNBUFFERED": "1",
    }


def test_a_postgresql_restart_under_load_loses_nothing_and_answers_no_500(own_postgres):
    import psycopg2

    connection = psycopg2.connect(own_postgres.url(), connect_timeout=5)
    connection.autocommit = True
    connection.cursor().execute("CREATE DATABASE peersupport")
    connection.close()
    env = _environment(own_postgres)
    migrated = run_manage("migrate", "--no-input", env=env)
    assert migrated.returncode == 0, migrated.stderr
    setup = run_python(SETUP % {"workers": WORKERS, "password": PASSWORD}, env)
    assert setup.returncode == 0, setup.stderr
    accounts = json.loads(setup.stdout.strip().splitlines()[-1])

    port = _free_port()
    log_path = own_postgres.folder / "gunicorn.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "peersupport.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--graceful-timeout",
                "5",
            ],
            cwd=ROOT,
            env={
                "PATH": os.environ["PATH"],
                "DJANGO_SETTINGS_MODULE": "peersupport.settings",
                **env,
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(100):
            try:
                if requests.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.2)
        else:
            pytest.fail(f"gunicorn did not answer /healthz:\n{log_path.read_text()[-4000:]}")

        stop = threading.Event()
        peers = [Peer(base, account, accounts["activity"], stop) for account in accounts["peers"]]
        for peer in peers:
            peer.start()
        # Every peer has saved before the restart, and saves again after it.
        _wait_for(lambda: all(peer.acknowledged for peer in peers), LOAD_BEFORE_RESTART_S)
        before = {peer: len(peer.acknowledged) for peer in peers}
        restart = threading.Thread(target=own_postgres.restart)
        restart.start()
        health_during = []
        while restart.is_alive():
            health_during.append(requests.get(base + "/healthz", timeout=10).status_code)
            time.sleep(0.05)
        restart.join()
        _wait_for(
            lambda: all(len(peer.acknowledged) > before[peer] for peer in peers),
            LOAD_AFTER_RESTART_S,
        )
        stop.set()
        for peer in peers:
            peer.join(timeout=30)
        # Recovered unaided: the same processes answer again.
        assert requests.get(base + "/healthz", timeout=5).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
    server_log = log_path.read_text()

    statuses = [status for peer in peers for status in peer.statuses]
    failures = [failure for peer in peers for failure in peer.failures]
    acknowledged = [marker for peer in peers for marker in peer.acknowledged]
    sent = [marker for peer in peers for marker in peer.sent]
    assert failures == []
    assert set(statuses) <= {200, 302, 503}, (sorted(set(statuses)), server_log[-4000:])
    assert set(health_during) <= {200, 503}
    # The load ran on both sides of the restart, and met it.
    assert all(before[peer] >= 1 for peer in peers)
    assert all(len(peer.acknowledged) > before[peer] for peer in peers)
    assert 503 in statuses + health_during

    written = json.loads(run_python(READ_BACK, env).stdout.strip().splitlines()[-1])
    clients = {account["client"] for account in accounts["peers"]}
    for row in written:
        # Never half-written: the person, the activity and the note came together.
        assert row["client"] in clients
        assert row["activities"] == 1
        assert len(row["notes"]) == 1 and row["note_clients"] == [row["client"]]
    bodies = "\n".join(body for row in written for body in row["notes"])
    for marker in acknowledged:
        assert bodies.count(marker) == 1, marker
    # A write answered 503 (its session's save refused) may be there, once at most.
    for marker in set(sent) - set(acknowledged):
        assert bodies.count(marker) <= 1, marker
    assert len(written) == len(set(re.findall(r"marker-[0-9a-f]{32}", bodies)))
    # Logged once per request, briefly: no tracebacks from the outage.
    assert "Traceback" not in server_log, server_log[-4000:]
