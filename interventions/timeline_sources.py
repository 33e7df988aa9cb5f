"""Entries an app above this one adds to a person's timeline, without this app
importing it (the same one-way rule as ``peersupport.slots``).

The app registers a source from its ``AppConfig.ready()``:

    # groups/apps.py
    TIMELINE_SOURCES.register(timeline.attendance)

A source is called as ``source(viewer=..., client=..., limit=...)`` and
returns at most ``limit`` ``TimelineExtra``, newest first, each already
decided by that app's policy for ``viewer``. It must read them in a fixed
number of queries (one, preferably): the timeline promises a fixed count.
Each extra names the template that shows it, which receives it as ``item``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class TimelineExtra:
    """One line of a person's timeline that another app added."""

    at: datetime
    template: str
    item: Any


Source = Callable[..., list[TimelineExtra]]


class TimelineSources:
    def __init__(self) -> None:
        self._sources: list[Source] = []

    def register(self, source: Source) -> Source:
        if source not in self._sources:
            self._sources.append(source)
        return source

    def entries(self, *, viewer: Any, client: Any, limit: int) -> list[TimelineExtra]:
        """What every source adds for ``viewer`` about ``client``."""
        found: list[TimelineExtra] = []
        for source in self._sources:
            found += source(viewer=viewer, client=client, limit=limit)
        return found


# A person's timeline (interventions.selectors.timeline).
TIMELINE_SOURCES = TimelineSources()
