"""Counts across the whole programme, counted once and kept a few minutes.

Some figures are counted over every person or every worker of the programme
(the coordinator's overview, the programme-wide consents card of their home):
at a regional scale they read thousands of rows where a small programme reads
dozens, so they are counted once and kept for ``KEPT_COUNTS_SECONDS`` (five
minutes by default; 0 counts at every request).

Nobody who comes back while a count is kept waits for it to be counted
again: once a kept count is past half its time, the next reader still gets
it, and a thread of the server process counts anew behind them (one at a
time for each key), so that the count is replaced before it expires. A
count is never shown older than ``KEPT_COUNTS_SECONDS``: only the first
reader after a quiet spell waits for the count.

A recount must not slow the pages the process answers meanwhile: a count
across a region is a quarter of a second of queries and of Python, and a
thread shares the interpreter with the requests (at a million encounters,
the pages that followed a recount took twice their time). So each of its
queries waits until the process answers no request (``answering``, kept by
the request signals), for at most ``QUIET_WAIT_AT_MOST`` seconds, so that a
server that is never idle still counts. Only the queries wait: reading their
rows and the Python work on them still share the interpreter with the pages.

A kept count belongs to the one who counted it: the key holds the viewer
and their session generation (which changes with their roles or password),
the day, and whatever else the caller says the count depends on (filters,
language). Only counts and staff names are ever kept: callers keep nothing
about a person served.

The store is a dictionary of each server process (at most ``KEPT_AT_MOST``
counts, the least recently read going first), nothing shared between
processes or written to disk. Not Django's cache: a cache pickles what it
keeps, and unpickling the overview's figures at a regional scale (1,400
workers) took 19 ms of every page. What is kept is the very object the
count gave, shared by the requests of the process: read it, never change it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone, translation

T = TypeVar("T")

logger = logging.getLogger(__name__)

KEPT_AT_MOST = 256  # counts kept by one process

_lock = threading.Lock()
_kept: OrderedDict[str, tuple[Any, float]] = OrderedDict()  # key: (count, when counted)
# The recounts running in this process, by key (at most one each).
recounts: dict[str, threading.Thread] = {}
# How long a recount's query waits for the process to answer no request.
QUIET_WAIT_AT_MOST = 1.0
# The requests this process is answering, from ``request_started`` to
# ``request_finished`` (a streamed body's last byte); told when it is none.
_quiet = threading.Condition()
answering = 0


def request_started(**kwargs: Any) -> None:
    global answering
    with _quiet:
        answering += 1


def request_finished(**kwargs: Any) -> None:
    global answering
    with _quiet:
        # Never below none: a response opened before the receivers were
        # connected (or left unread by a test) may end without having started.
        # A request that started and never ends (its request object could
        # not be made) leaves one too many: recounts then wait their second.
        answering = max(0, answering - 1)
        if not answering:
            _quiet.notify_all()


def _when_quiet(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
    """A recount's query, once no request is being answered (or after
    ``QUIET_WAIT_AT_MOST`` seconds)."""
    with _quiet:
        _quiet.wait_for(lambda: not answering, timeout=QUIET_WAIT_AT_MOST)
    return execute(sql, params, many, context)


def key_for(name: str, viewer: Any, parts: Iterable[Any] = ()) -> str:
    generation = getattr(viewer, "session_generation", 0)
    tail = ":".join(str(part) for part in parts)
    return f"kept:{name}:{viewer.pk}:{generation}:{timezone.localdate()}:{tail}"


def kept(
    name: str, viewer: Any, count: Callable[[], T], *, parts: Iterable[Any] = (), fresh=False
) -> T:
    """What ``count()`` gave for this viewer (and ``parts``) in the last
    ``KEPT_COUNTS_SECONDS``, or ``count()`` now, kept, when there is none or
    ``fresh`` asks to count again. Past half its time, a kept count is
    counted again behind the reader."""
    key = key_for(name, viewer, parts)
    held = None if fresh else _held(key)
    if held is None:
        value = count()
        _keep(key, value)
        return value
    value, counted = held
    if time.time() - counted >= settings.KEPT_COUNTS_SECONDS / 2:
        _recount_behind(key, count)
    return value


def _held(key: str) -> tuple[Any, float] | None:
    """The count kept under ``key`` and when it was counted, if not too old."""
    with _lock:
        held = _kept.get(key)
        if held is None:
            return None
        if time.time() - held[1] >= settings.KEPT_COUNTS_SECONDS:
            del _kept[key]
            return None
        _kept.move_to_end(key)
        return held


def _keep(key: str, value: Any) -> None:
    with _lock:
        _kept[key] = (value, time.time())
        _kept.move_to_end(key)
        while len(_kept) > KEPT_AT_MOST:
            _kept.popitem(last=False)


def _recount_behind(key: str, count: Callable[[], Any]) -> None:
    """Count again in a thread of its own, unless one is counting this key
    already; the reader's language and time zone go with it."""
    language = translation.get_language()
    zone = timezone.get_current_timezone()

    def recount() -> None:
        try:
            with (
                translation.override(language),
                timezone.override(zone),
                connection.execute_wrapper(_when_quiet),
            ):
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("SET max_parallel_workers_per_gather = 0")
                _keep(key, count())
        except Exception:
            logger.exception("A kept count could not be counted again: %s", key.split(":")[1])
        finally:
            # The thread's own database connections, which nothing else closes.
            connections.close_all()
            with _lock:
                recounts.pop(key, None)

    with _lock:
        if key in recounts:
            return
        thread = recounts[key] = threading.Thread(
            target=recount, name=f"recount {key}", daemon=True
        )
    thread.start()


def forget_all() -> None:
    """Drop every kept count of this process, and forget the requests it
    answers (tests: record numbers start again in the next test's database,
    and a response a test left unread never ends)."""
    global answering
    with _lock:
        _kept.clear()
    with _quiet:
        answering = 0


def wait_for_recounts(timeout: float = 30) -> None:
    """Until every recount started in this process has ended (tests)."""
    with _lock:
        running = list(recounts.values())
    for thread in running:
        thread.join(timeout)
