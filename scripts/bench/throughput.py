"""Requests a second under gunicorn, and the encounter form sent by many at once.

Each simulated client is a thread with a kept-alive connection and a session
of its own; the threads start together (a barrier) and run until a deadline.
The client side is light (no parsing, the body is read and dropped), and it
is the same for every page compared, so the ratios hold even though the
clients share the machine with the server.
"""

import contextlib
import random
import threading
import time
from collections import Counter
from typing import Any

from . import stats
from .server import Browser


def requests_per_second(
    port: int, cookies: list[dict[str, str]], path: str, seconds: float
) -> dict:
    """``len(cookies)`` clients requesting ``path`` again and again for ``seconds``."""
    barrier = threading.Barrier(len(cookies))
    results: list[list[tuple[int, float]]] = [[] for _ in cookies]

    def client(index: int) -> None:
        browser = Browser(port, cookies[index])
        barrier.wait()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                answer = browser.get(path)
            except OSError:
                results[index].append((0, time.perf_counter() - started))
                browser.close()
                continue
            results[index].append((answer.status, answer.seconds))
        browser.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(index,)) for index in range(len(cookies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    answers = [answer for per_client in results for answer in per_client]
    return {
        "requests": len(answers),
        "seconds": elapsed,
        "statuses": dict(Counter(str(status) for status, _ in answers)),
        "max_seconds": max((took for _, took in answers), default=0.0),
    }


def rate(rounds: list[dict]) -> float:
    """Requests a second over several rounds: all requests over all the time."""
    seconds = sum(one["seconds"] for one in rounds)
    return sum(one["requests"] for one in rounds) / seconds if seconds else 0.0


class EncounterWriters:
    """Peers who each open the encounter form about one of their people and send it."""

    def __init__(self, port: int, cookies: list[dict[str, str]], seed: int):
        from scripts.loadtest.pages import Page, people_on_encounter_form

        self.browsers = [Browser(port, one) for one in cookies]
        self.rng = random.Random(seed)
        form = Page(self.browsers[0].get("/encounters/new/").text).form(
            has_field="submission_token"
        )
        self.people = people_on_encounter_form(form)
        if not self.people:
            raise RuntimeError("the encounter form offers the peer nobody to write about")
        self.turn = 0

    def round(self) -> list[dict]:
        """Each peer, at the same moment: the form about the next person, then
        the encounter sent. Only the POST is timed."""
        barrier = threading.Barrier(len(self.browsers))
        people = [
            self.people[(self.turn + index) % len(self.people)]
            for index in range(len(self.browsers))
        ]
        self.turn += len(self.browsers)
        seeds = [self.rng.random() for _ in self.browsers]
        results: list[dict] = [{} for _ in self.browsers]

        def writer(index: int) -> None:
            from scripts.loadtest.pages import Page, encounter_submission, new_marker

            browser = self.browsers[index]
            path = f"/encounters/new/?client={people[index]}"
            try:
                form = Page(browser.get(path).text).form(has_field="submission_token")
                data = encounter_submission(
                    form,
                    marker=new_marker(),
                    audience=form.value("note_audience"),
                    rng=random.Random(seeds[index]),
                )
            except (OSError, LookupError) as error:
                # The others are not kept waiting for this one; the round reports it.
                barrier.abort()
                results[index] = {"status": f"no form: {error}"}
                return
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()
            try:
                answer = browser.post(path, data)
            except OSError as error:
                results[index] = {"status": f"no answer: {error}"}
                return
            results[index] = {"seconds": answer.seconds, "status": answer.status}

        threads = [
            threading.Thread(target=writer, args=(index,)) for index in range(len(self.browsers))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results

    def close(self) -> None:
        for browser in self.browsers:
            browser.close()


def summarize_posts(samples: list[dict]) -> dict[str, Any]:
    seconds = [sample["seconds"] for sample in samples if "seconds" in sample]
    return {
        "n": len(seconds),
        "median": stats.median(seconds),
        "p95": stats.p95(seconds),
        "max": max(seconds),
        "statuses": dict(Counter(str(sample.get("status", "none")) for sample in samples)),
    }
