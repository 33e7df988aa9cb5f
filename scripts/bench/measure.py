"""Server time and query count of each page, in a Django process of its own.

Each size gets a process (``python -m scripts.bench.measure``) set up on its
database with the bench's production settings (debug off). It answers one
JSON line for each JSON line it reads: ``run.py`` asks the two processes in
turn, one request at a time, so the sizes are measured interleaved and never
at the same moment. A page is requested through Django's test client (the
whole middleware stack, no network): its server time is the wall time from
the request to the last byte of the response, streamed bodies included,
measured with ``time.perf_counter``; its queries are counted with
``CaptureQueriesContext``.

``Measurer`` is that process's side, and the tests run it in the test process.
"""

import json
import os
import secrets
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from . import stats
from .pages import Page

# Also where a request is made when the test client builds it: ALLOWED_HOSTS.
HOST = "127.0.0.1"
# Requests over the server's time-out after which a page is measured no more.
STRIKES = 3


class Caller(Protocol):
    def call(self, op: str, **arguments: Any) -> Any: ...


class Measurer:
    """Signed-in test clients, one per persona, on this process's database."""

    def __init__(self) -> None:
        self.usernames: dict[str, str] = {}
        self.clients: dict[str, Any] = {}

    def call(self, op: str, **arguments: Any) -> Any:
        return getattr(self, f"op_{op}")(**arguments)

    def op_prepare(self, usernames: dict[str, str]) -> dict:
        """Each bench account has an authenticator app (so that its sessions
        can be marked as having given the second factor), and the coordinator
        may open the register's admin change list (is_staff and the model's view
        permission), which the throughput comparison needs."""
        from django.contrib.auth.models import Permission
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from peersupport.models import User

        self.usernames = dict(usernames)
        for username in usernames.values():
            user = User.objects.get(username=username)
            if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                TOTPDevice.objects.create(
                    user=user, name="bench", key=secrets.token_hex(20), confirmed=True
                )
        coordinator = User.objects.get(username=usernames["coordinator"])
        coordinator.is_staff = True
        coordinator.save(update_fields=["is_staff"])
        coordinator.user_permissions.add(
            Permission.objects.get(content_type__app_label="clients", codename="view_client")
        )
        return {}

    def op_context(self, busy: int | None = None) -> dict:
        """The busy person (the generator's, or the one with the most
        encounters) and a name fragment many people share (the commonest first
        three letters of a name), as the coordinator sees the register."""
        from django.db.models import Count
        from django.db.models.functions import Substr

        from clients.access import client_policy
        from peersupport.models import User

        coordinator = User.objects.get(username=self.usernames["coordinator"])
        people = client_policy.visible_to(coordinator)
        if busy is None:
            busy = (
                people.annotate(n=Count("encounters"))
                .order_by("-n", "pk")
                .values_list("pk", flat=True)
                .first()
            )
        prefix = (
            people.annotate(prefix=Substr("display_key", 1, 3))
            .values("prefix")
            .annotate(n=Count("pk"))
            .order_by("-n", "prefix")
            .values_list("prefix", flat=True)
            .first()
        )
        return {"busy": busy, "q": prefix or "a"}

    def signed_in(self, username: str) -> Any:
        """A test client signed in as ``username`` with the second factor given,
        as the two-factor step leaves a session (without typing a code)."""
        from django.test import Client
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from accounts.two_factor import PENDING
        from peersupport.models import User

        user = User.objects.get(username=username)
        from .server import ACCEPT_ENCODING

        client = Client(
            HTTP_HOST=HOST,
            HTTP_ACCEPT_LANGUAGE="en",
            HTTP_ACCEPT_ENCODING=ACCEPT_ENCODING,
            raise_request_exception=False,
        )
        client.force_login(user)
        session = client.session
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.pop(PENDING, None)
        session.save()
        return client

    def op_sessions(self, persona: str, count: int) -> list[dict[str, str]]:
        """The cookies of ``count`` sessions of ``persona``, for the HTTP clients
        that talk to gunicorn."""
        from django.conf import settings

        name = settings.SESSION_COOKIE_NAME
        return [
            {name: self.signed_in(self.usernames[persona]).cookies[name].value}
            for _ in range(count)
        ]

    def op_page(self, persona: str, path: str) -> dict:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client = self.clients.get(persona)
        if client is None:
            client = self.clients[persona] = self.signed_in(self.usernames[persona])
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path, secure=True)
            size = _consume(response)
            seconds = time.perf_counter() - started
        return {
            "seconds": seconds,
            "queries": len(queries),
            "status": response.status_code,
            "bytes": size,
        }

    def op_copy(self, rows: str, persona: str, repeats: int) -> dict:
        from .exports import copy_rows

        return copy_rows(rows, self.usernames[persona], repeats)


def _consume(response: Any) -> int:
    """The body's length, read to its last byte as a server would send it. The
    test client closes the response itself (at once, or when a streamed body
    has been read): closing it again would end the database connection."""
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


class WorkerProcess:
    """A ``Measurer`` in a process of its own, set up with ``env``."""

    def __init__(self, env: dict[str, str], root: str, log: Any) -> None:
        import subprocess

        self.process = subprocess.Popen(
            [sys.executable, "-m", "scripts.bench.measure"],
            cwd=root,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )

    def call(self, op: str, **arguments: Any) -> Any:
        ask, answers = self.process.stdin, self.process.stdout
        if ask is None or answers is None:
            raise RuntimeError("the measuring process has no pipes")
        ask.write(json.dumps({"op": op, **arguments}) + "\n")
        ask.flush()
        line = answers.readline()
        if not line:
            raise RuntimeError(f"the measuring process stopped (exit {self.process.wait()})")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"{op}: {answer['error']}")
        return answer["result"]

    def close(self) -> None:
        if self.process.poll() is None and self.process.stdin is not None:
            self.process.stdin.close()
            self.process.wait(timeout=60)


def measure_pages(
    workers: dict[str, Caller],
    pages: Iterable[Page],
    contexts: dict[str, dict],
    *,
    requests: int,
    warmup: int,
    limit: float | None = None,
    say: Callable[[str], None] = lambda message: None,
) -> dict[str, dict[str, list[dict]]]:
    """``requests`` samples of every page at every size (``workers`` by size
    label), after ``warmup`` rounds not counted. Each round requests every
    page once at each size in turn, the first size first in even rounds and
    last in odd ones, so that slow moments of the machine fall on both.

    A page that took longer than ``limit`` (the server's time-out) ``STRIKES``
    times is not requested again once each size has a counted sample: it
    fails its budget already, and fifty more of them would take hours."""
    pages = list(pages)
    labels = list(workers)
    samples: dict[str, dict[str, list[dict]]] = {
        page.key: {label: [] for label in labels} for page in pages
    }
    strikes: Counter[str] = Counter()
    for number in range(warmup + requests):
        order = labels if number % 2 == 0 else labels[::-1]
        started = time.monotonic()
        for page in pages:
            if strikes[page.key] >= STRIKES and all(samples[page.key].values()):
                continue
            for label in order:
                sample = workers[label].call(
                    "page", persona=page.persona, path=page.url(contexts[label])
                )
                if number >= warmup:
                    samples[page.key][label].append(sample)
                if limit is not None and sample["seconds"] > limit:
                    strikes[page.key] += 1
                    if strikes[page.key] == STRIKES:
                        say(f"{page.key}: {STRIKES} requests over {limit:.0f} s, no more of it")
        kind = "warm-up round" if number < warmup else "round"
        shown = number + 1 if number < warmup else number - warmup + 1
        total = warmup if number < warmup else requests
        say(f"{kind} {shown}/{total} of {len(pages)} pages: {time.monotonic() - started:.1f} s")
    return samples


def summarize(samples: list[dict]) -> dict:
    """Median, p95 and longest server time (seconds), queries and answers
    of one page at one size."""
    seconds = [sample["seconds"] for sample in samples]
    queries = [sample["queries"] for sample in samples]
    return {
        "n": len(samples),
        "median": stats.median(seconds),
        "p95": stats.p95(seconds),
        "max": max(seconds),
        "queries": max(queries),
        "queries_min": min(queries),
        "statuses": dict(Counter(str(sample["status"]) for sample in samples)),
        "bytes": max(sample["bytes"] for sample in samples),
    }


def serve() -> int:
    """The measuring process: JSON lines in, JSON lines out."""
    import django

    protocol = sys.stdout
    # Whatever Django or a library prints goes to the log, not into the protocol.
    sys.stdout = sys.stderr
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scripts.bench.settings")
    django.setup()
    # The application loaded as gunicorn loads it (peersupport/wsgi.py: the
    # URLs loaded, then frozen out of the garbage collector's way).
    import peersupport.wsgi  # noqa: F401

    measurer = Measurer()
    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = {"result": measurer.call(request.pop("op"), **request)}
        except Exception as error:  # reported to run.py, which stops
            import traceback

            traceback.print_exc()
            answer = {"error": f"{type(error).__name__}: {error}"}
        protocol.write(json.dumps(answer) + "\n")
        protocol.flush()
    return 0


if __name__ == "__main__":
    sys.exit(serve())
