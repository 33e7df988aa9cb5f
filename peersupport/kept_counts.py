"""Counts across the whole programme, counted once and kept a few minutes.

Some figures are counted over every person or every worker of the programme
(the coordinator's overview, the programme-wide consents card of their home):
at a regional scale they read thousands of rows where a small programme reads
dozens, so they are counted once and kept for ``KEPT_COUNTS_SECONDS`` (five
minutes by default; 0 counts at every request).

A kept count belongs to the one who counted it: the key holds the viewer
and their session generation (which changes with their roles or password),
the day, and whatever else the caller says the count depends on (filters,
language). Only counts and staff names are ever kept: callers keep nothing
about a person served. The store is Django's cache (``CACHES`` in the
settings: each server process's memory).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

T = TypeVar("T")


def key_for(name: str, viewer: Any, parts: Iterable[Any] = ()) -> str:
    generation = getattr(viewer, "session_generation", 0)
    tail = ":".join(str(part) for part in parts)
    return f"kept:{name}:{viewer.pk}:{generation}:{timezone.localdate()}:{tail}"


def kept(
    name: str, viewer: Any, count: Callable[[], T], *, parts: Iterable[Any] = (), fresh=False
) -> T:
    """What ``count()`` gave for this viewer (and ``parts``) in the last
    ``KEPT_COUNTS_SECONDS``, or ``count()`` now, kept, when there is none or
    ``fresh`` asks to count again."""
    key = key_for(name, viewer, parts)
    value = None if fresh else cache.get(key)
    if value is None:
        value = count()
        cache.set(key, value, settings.KEPT_COUNTS_SECONDS)
    return value
