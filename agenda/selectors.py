"""Reads of follow-ups that take a viewer: each starts from the policy's
queryset (agenda/access.py), so a list can never show more than the policy
allows. Lists fetch what their lines show in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from clients.models import Client
from interventions.models import Encounter
from peersupport.models import User

from .access import follow_up_policy
from .choices import FollowUpStatus
from .models import AccompanimentKind, FollowUp

# What a line of any list shows besides the text: the person, who is in charge,
# the kind and the place.
_LINE_RELATIONS = ("client", "assigned_to", "kind", "place_partner")


def _lines(rows: QuerySet[FollowUp]) -> QuerySet[FollowUp]:
    return rows.select_related(*_LINE_RELATIONS).order_by("due_on", "due_time", "pk")


def follow_ups_list(
    *, viewer: Any, scope: str = "mine", status: str = FollowUpStatus.OPEN
) -> list[FollowUp]:
    """The viewer's follow-ups (``scope`` "mine"), or those of all their care
    teams ("teams"), with ``status``, the earliest due first."""
    rows = follow_up_policy.visible_to(viewer).filter(status=status)
    if scope != "teams":
        rows = rows.filter(assigned_to=viewer)
    rows = _lines(rows)
    if status != FollowUpStatus.OPEN:
        # What was closed last comes first, and a long history is cut short.
        rows = rows.order_by("-closed_at", "-pk")[:100]
    return list(rows)


def _due(viewer: Any, today: date | None) -> QuerySet[FollowUp]:
    return follow_up_policy.visible_to(viewer).filter(
        assigned_to=viewer, status=FollowUpStatus.OPEN, due_on__lte=today or timezone.localdate()
    )


def due_for(*, viewer: Any, today: date | None = None, limit: int | None = None) -> list[FollowUp]:
    """What the viewer must do today or should have done: their open
    follow-ups due today or earlier, the oldest first (the first ``limit``)."""
    rows = _lines(_due(viewer, today))
    return list(rows[:limit] if limit is not None else rows)


def due_total(*, viewer: Any, today: date | None = None) -> int:
    """How many follow-ups ``due_for`` would list without a limit."""
    return _due(viewer, today).count()


def open_for_person(*, viewer: Any, client: Client) -> list[FollowUp]:
    """A person's open follow-ups and accompaniments, for their page."""
    rows = follow_up_policy.visible_to(viewer).filter(client=client, status=FollowUpStatus.OPEN)
    return list(_lines(rows))


def from_encounter(*, viewer: Any, encounter: Encounter) -> list[FollowUp]:
    """The follow-ups made from an encounter's next steps, and the accompaniment
    it records, that the viewer may read."""
    rows = follow_up_policy.visible_to(viewer).filter(
        Q(from_encounter=encounter) | Q(encounter=encounter)
    )
    return list(_lines(rows))


@dataclass(frozen=True)
class WorkerLoad:
    """How many follow-ups one worker holds: counts, never what they say."""

    worker: User
    open: int
    overdue: int
    due_today: int


def load_per_worker(*, viewer: Any, today: date | None = None) -> list[WorkerLoad]:
    """Open follow-ups per worker, for coordinators: the most overdue first.
    Reads columns only (never a row's text), in two queries."""
    today = today or timezone.localdate()
    counted = (
        follow_up_policy.metadata_visible_to(viewer)
        .filter(status=FollowUpStatus.OPEN)
        .values("assigned_to")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(due_on__lt=today)),
            due_today=Count("pk", filter=Q(due_on=today)),
        )
        .order_by()
    )
    counts = list(counted)
    workers = User.objects.in_bulk([row["assigned_to"] for row in counts])
    loads = [
        WorkerLoad(
            worker=workers[row["assigned_to"]],
            open=row["open"],
            overdue=row["overdue"],
            due_today=row["due_today"],
        )
        for row in counts
    ]
    return sorted(loads, key=lambda load: (-load.overdue, -load.open, str(load.worker)))


def overdue_total(*, viewer: Any, today: date | None = None) -> int:
    """How many open follow-ups are overdue across the programme (coordinators)."""
    today = today or timezone.localdate()
    return (
        follow_up_policy.metadata_visible_to(viewer)
        .filter(status=FollowUpStatus.OPEN, due_on__lt=today)
        .count()
    )


def kinds_offered() -> QuerySet[AccompanimentKind]:
    """The kinds a new accompaniment may take."""
    return AccompanimentKind.objects.filter(is_active=True).select_related("activity")


def follow_up_for_update(follow_up: FollowUp) -> FollowUp:
    """The stored row, locked until the end of the transaction: a service decides
    on it, so two tabs closing or changing the same follow-up at once are taken
    one after the other, the second seeing what the first did."""
    return FollowUp.objects.select_for_update().get(pk=follow_up.pk)
