"""The overview's figures, counted together and kept for a few minutes.

Every block of the overview counts across the whole programme: at a regional
scale (a thousand workers, fifty thousand people) the page's dozen grouped
counts take half a second of the database, where a small programme's take a
few milliseconds. They are counts of the state of the programme, read by a
coordinator who comes back to the page in the course of a morning, so they
are counted once and kept (``peersupport.kept_counts``) for
``KEPT_COUNTS_SECONDS`` (five minutes by default): the page says when they
were counted and offers to count again at once. A coordinator who just
changed something and wants to see it counted taps "Count again now"; nobody
else's figures are recounted or shared.

What is kept is keyed by the viewer (and their session generation, which
changes when their roles or password do), the filters, the day and the
language the labels were written in, so a kept figure is only ever shown to
the one who counted it, with the same filters, on the same day. Counts
only: no name of a person served, no note, no justification is ever kept
(``selectors`` reads none).

The store is each server process's memory (``kept_counts``), so each process
counts at most once in two and a half minutes for each coordinator and
filter, and, but for the first count after a quiet spell, behind the
readers. The figures kept are shared by the process's requests: read them,
never change them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language

from peersupport import kept_counts

from . import selectors
from .selectors import Filters

# Bumped when ``Figures`` changes shape: figures kept by an older release are
# never read back as the new shape.
SHAPE = 1


@dataclass(frozen=True)
class Figures:
    exceptions: int
    requests: int
    overdue: list[selectors.WorkerCount]
    consents: selectors.ConsentsEnding
    becoming_inactive: int
    people: dict[str, int]
    onboarding: dict[str, int]
    partners_stale: int
    caseloads: list[selectors.Caseload]
    drafts: list[selectors.WorkerCount]
    encounters: selectors.Encounters
    counted_at: datetime


def count(*, viewer: Any, filters: Filters) -> Figures:
    """Every figure of the page, counted now (a fixed number of queries)."""
    return Figures(
        exceptions=selectors.exceptions_to_review(viewer=viewer, filters=filters),
        requests=selectors.open_peer_requests(viewer=viewer, filters=filters),
        overdue=selectors.overdue_per_worker(viewer=viewer, filters=filters),
        consents=selectors.consents_ending(viewer=viewer, filters=filters),
        becoming_inactive=selectors.becoming_inactive(viewer=viewer, filters=filters),
        people=selectors.people_by_status(viewer=viewer, filters=filters),
        onboarding=selectors.onboarding_overdue(viewer=viewer, filters=filters),
        partners_stale=selectors.stale_partners(viewer=viewer),
        caseloads=selectors.caseloads(viewer=viewer, filters=filters),
        drafts=selectors.stale_drafts_per_author(viewer=viewer, filters=filters),
        encounters=selectors.encounters(viewer=viewer, filters=filters),
        counted_at=timezone.now(),
    )


def kept(*, viewer: Any, filters: Filters, fresh: bool = False) -> Figures:
    """The figures this viewer counted with these filters in the last
    ``KEPT_COUNTS_SECONDS``, or counted now (and kept) when there are none
    or ``fresh`` asks for a new count."""
    team = filters.team.pk if filters.team is not None else 0
    return kept_counts.kept(
        f"overview:{SHAPE}",
        viewer,
        lambda: count(viewer=viewer, filters=filters),
        parts=(get_language(), filters.today, filters.period.start, filters.period.end, team),
        fresh=fresh,
    )
