"""Reads of encounters and notes that take a viewer; each starts from the policy."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from clients.models import Client

from . import access
from .choices import Audience, NoteStatus, ReviewStatus
from .models import Addendum, Encounter, Note, NoteRead

TIMELINE_PAGE = 20


def _with_note_parts(notes: QuerySet[Note]) -> QuerySet[Note]:
    return notes.select_related("author", "client").prefetch_related(
        Prefetch("addenda", queryset=Addendum.objects.select_related("author"))
    )


@dataclass
class TimelineEntry:
    at: datetime
    encounter: Encounter | None = None
    note: Note | None = None
    body_shown: bool = False


@dataclass
class TimelinePage:
    entries: list[TimelineEntry]
    number: int
    has_next: bool
    shown_notes: list[Note]


def timeline(*, viewer, client: Client, page: int = 1) -> TimelinePage:
    """A person's encounters and notes, newest first.

    Notes whose body the viewer may read come with it; coordinators see that a
    note exists (author, date, audience) and never its body. A fixed number of
    queries whatever the history.
    """
    page = max(page, 1)
    needed = page * TIMELINE_PAGE + 1
    encounters = list(
        access.encounters_visible_to(viewer)
        .filter(client=client)
        .select_related("author", "partner")
        .prefetch_related("activities", "participants")
        .order_by("-occurred_at", "-pk")[:needed]
    )
    readable = _with_note_parts(
        access.notes_visible_to(viewer).filter(client=client).order_by("-signed_at", "-created_at")
    )[:needed]
    entries = [TimelineEntry(at=e.occurred_at, encounter=e) for e in encounters]
    readable = list(readable)
    entries += [TimelineEntry(at=n.sort_at, note=n, body_shown=True) for n in readable]
    readable_ids = {n.pk for n in readable}
    metadata = (
        access.note_metadata_visible_to(viewer)
        .filter(client=client)
        .exclude(pk__in=readable_ids)
        .select_related("author")
        .order_by("-signed_at")[:needed]
    )
    entries += [TimelineEntry(at=n.sort_at, note=n) for n in metadata]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    start = (page - 1) * TIMELINE_PAGE
    shown = entries[start : start + TIMELINE_PAGE]
    return TimelinePage(
        entries=shown,
        number=page,
        has_next=len(entries) > start + TIMELINE_PAGE,
        shown_notes=[e.note for e in shown if e.body_shown],
    )


@dataclass(frozen=True)
class FeedFilters:
    client_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


def shared_feed(*, viewer, filters: FeedFilters = FeedFilters()) -> QuerySet[Note]:
    """Care-team notes the viewer may read, newest first, flagged unread or not."""
    notes = access.notes_visible_to(viewer).filter(
        audience=Audience.CARE_TEAM, status=NoteStatus.SIGNED
    )
    if filters.client_id:
        notes = notes.filter(client_id=filters.client_id)
    if filters.since:
        notes = notes.filter(signed_at__gte=filters.since)
    if filters.until:
        notes = notes.filter(signed_at__lt=filters.until)
    # What one wrote oneself is never news to oneself.
    unread = ~Exists(NoteRead.objects.filter(note=OuterRef("pk"), reader=viewer)) & ~Q(
        author=viewer
    )
    return _with_note_parts(notes).annotate(unread=unread).order_by("-signed_at", "-pk")


def encounter_notes(*, viewer, encounter: Encounter) -> list[Note]:
    return list(
        _with_note_parts(access.notes_visible_to(viewer).filter(encounter=encounter)).order_by(
            "-signed_at", "-created_at"
        )
    )


@dataclass(frozen=True)
class WaitingWork:
    """What waits for the viewer, for the menu and the home page."""

    unread_notifications: int = 0
    open_peer_requests: int | None = None  # None: not for this viewer
    emergency_to_review: int | None = None


def _count(rows: QuerySet) -> Coalesce:
    """A count as a subquery, so several counts share one query."""
    counted = rows.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n")[:1], output_field=IntegerField()), 0)


def waiting_work(*, viewer) -> WaitingWork:
    """The menu's counts, each from its policy, in one query whatever the data."""
    answers = access.may_answer_peer_requests(viewer)
    reviews = access.can_review_emergency_access(viewer)
    counts = {
        "unread": _count(access.notifications_for(viewer).filter(read_at__isnull=True)),
        "requests": _count(access.open_peer_requests_for(viewer)),
        "emergency": _count(
            access.emergency_accesses_visible_to(viewer).filter(review_status=ReviewStatus.PENDING)
        ),
    }
    row = (
        get_user_model()
        .objects.filter(pk=viewer.pk)
        .annotate(**counts)
        .values("unread", "requests", "emergency")
        .get()
    )
    return WaitingWork(
        unread_notifications=row["unread"],
        open_peer_requests=row["requests"] if answers else None,
        emergency_to_review=row["emergency"] if reviews else None,
    )
