"""Reads of encounters, notes and what surrounds them. Those that take a viewer
start from the policy (interventions/access.py). The rest serve the services
and the key rotation command: the rows a service locks before deciding (by
primary key; the service then asks the policy), a reader's own read marks
(written a page at a time), and every encrypted row by number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
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
from peersupport.models import User
from peersupport.policy import has_ability
from peersupport.roles import Ability

from .access import (
    emergency_access_policy,
    encounter_policy,
    note_policy,
    notification_policy,
    peer_request_policy,
)
from .choices import Audience, NoteStatus, ReviewStatus
from .models import (
    Addendum,
    EmergencyAccess,
    Encounter,
    Note,
    NoteRead,
    Notification,
    PeerRequest,
)
from .timeline_sources import TIMELINE_SOURCES, TimelineExtra

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
    # A line another app added (interventions.timeline_sources).
    extra: TimelineExtra | None = None


@dataclass
class TimelinePage:
    entries: list[TimelineEntry]
    number: int
    has_next: bool
    shown_notes: list[Note]


def timeline(*, viewer: Any, client: Client, page: int = 1) -> TimelinePage:
    """A person's encounters and notes, newest first, with what apps above this
    one add (``TIMELINE_SOURCES``: the group sessions they came to).

    Notes whose body the viewer may read come with it; coordinators see that a
    note exists (author, date, audience) and never its body. A fixed number of
    queries whatever the history.
    """
    page = max(page, 1)
    needed = page * TIMELINE_PAGE + 1
    encounters = list(
        encounter_policy.visible_to(viewer)
        .filter(client=client)
        .select_related("author", "partner")
        .prefetch_related("activities", "participants")
        .order_by("-occurred_at", "-pk")[:needed]
    )
    notes = note_policy.visible_to(viewer).filter(client=client)
    readable = list(_with_note_parts(notes.order_by("-signed_at", "-created_at"))[:needed])
    entries = [TimelineEntry(at=e.occurred_at, encounter=e) for e in encounters]
    entries += [TimelineEntry(at=n.sort_at, note=n, body_shown=True) for n in readable]
    metadata = (
        note_policy.metadata_visible_to(viewer)
        .filter(client=client)
        .exclude(pk__in={n.pk for n in readable})
        .select_related("author")
        .order_by("-signed_at")[:needed]
    )
    entries += [TimelineEntry(at=n.sort_at, note=n) for n in metadata]
    extras = TIMELINE_SOURCES.entries(viewer=viewer, client=client, limit=needed)
    entries += [TimelineEntry(at=extra.at, extra=extra) for extra in extras]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    start = (page - 1) * TIMELINE_PAGE
    shown = entries[start : start + TIMELINE_PAGE]
    return TimelinePage(
        entries=shown,
        number=page,
        has_next=len(entries) > start + TIMELINE_PAGE,
        shown_notes=[e.note for e in shown if e.body_shown and e.note is not None],
    )


@dataclass(frozen=True)
class FeedFilters:
    client_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


# Answers a conversation's card shows in the feed, the newest; the conversation's
# page shows them all.
FEED_LATEST_ANSWERS = 3


def _unread(viewer: Any) -> Q:
    """Not read by the viewer yet. What one wrote oneself is never news to oneself."""
    return ~Exists(NoteRead.objects.filter(note=OuterRef("pk"), reader=viewer)) & ~Q(author=viewer)


# A note that starts a conversation of the shared feed: shared with the whole
# care team, answering none (and signed: the reads add it).
STARTS_A_CONVERSATION = Q(audience=Audience.CARE_TEAM, answers_note__isnull=True)


def _conversation_starts(viewer: Any) -> QuerySet[Note]:
    """The first notes of the conversations in the viewer's feed: signed notes
    shared with the whole care team that the viewer may read, answering none."""
    return note_policy.visible_to(viewer).filter(STARTS_A_CONVERSATION, status=NoteStatus.SIGNED)


def _answers_read_by(viewer: Any) -> QuerySet[Note]:
    """Signed answers the viewer may read (an answer may be narrower than the
    note it answers: a peer answering for peers only)."""
    return note_policy.visible_to(viewer).filter(
        status=NoteStatus.SIGNED, answers_note__isnull=False
    )


def shared_feed(*, viewer: Any, filters: FeedFilters = FeedFilters()) -> QuerySet[Note]:
    """The viewer's conversations with the care team, newest activity first: the
    note that began each, annotated with ``last_activity`` (its newest answer the
    viewer reads, else itself), ``answer_count``, ``unread`` (a note of it the
    viewer has not read and did not write) and, in ``latest_answers``, its newest
    answers (FEED_LATEST_ANSWERS), newest first. A fixed number of queries for a
    page, whatever the number of conversations or answers."""
    starts = _conversation_starts(viewer)
    answers = _answers_read_by(viewer)
    if filters.client_id:
        starts = starts.filter(client_id=filters.client_id)
    period = {}
    if filters.since:
        period["signed_at__gte"] = filters.since
    if filters.until:
        period["signed_at__lt"] = filters.until
    if period:
        # A conversation is in the period if something was written in it then.
        starts = starts.filter(
            Q(**period) | Exists(answers.filter(answers_note=OuterRef("pk"), **period))
        )
    of_start = answers.filter(answers_note=OuterRef("pk"))
    newest_answer = of_start.order_by("-signed_at").values("signed_at")[:1]
    unread = _unread(viewer) | Exists(of_start.filter(_unread(viewer)))
    latest_answers = _with_note_parts(answers).annotate(unread=_unread(viewer))
    return (
        _with_note_parts(starts)
        .annotate(
            last_activity=Coalesce(Subquery(newest_answer), F("signed_at")),
            answer_count=_count(of_start),
            unread=ExpressionWrapper(unread, output_field=BooleanField()),
        )
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=latest_answers.order_by("-signed_at", "-pk")[:FEED_LATEST_ANSWERS],
                to_attr="latest_answers",
            )
        )
        .order_by("-last_activity", "-pk")
    )


@dataclass
class Conversation:
    """A note that began a conversation and the answers to it the viewer may
    read, oldest first; each flagged ``unread`` for the viewer."""

    start: Note
    answers: list[Note]

    @property
    def notes(self) -> list[Note]:
        return [self.start, *self.answers]


def conversation(*, viewer: Any, start: Note) -> Conversation:
    """The conversation ``start`` began (a note the viewer may read, fetched
    through the policy), in two queries and their addenda's, whatever its length."""
    annotated = (
        _with_note_parts(note_policy.visible_to(viewer))
        .annotate(unread=_unread(viewer))
        .get(pk=start.pk)
    )
    answers = (
        _with_note_parts(_answers_read_by(viewer).filter(answers_note=start))
        .annotate(unread=_unread(viewer))
        .order_by("signed_at", "pk")
    )
    return Conversation(start=annotated, answers=list(answers))


def encounter_notes(*, viewer: Any, encounter: Encounter) -> list[Note]:
    return list(
        _with_note_parts(note_policy.visible_to(viewer).filter(encounter=encounter)).order_by(
            "-signed_at", "-created_at"
        )
    )


def note_addenda(note: Note) -> list[Addendum]:
    """A note's addenda, oldest first, with their authors (the note is one its
    reader was allowed to open: its addenda follow it)."""
    return list(note.addenda.select_related("author"))


# The safety exception.


def active_emergency_access(*, viewer: Any, client: Client) -> EmergencyAccess | None:
    """The viewer's own use of the exception for ``client`` in force now, if any."""
    return emergency_access_policy.in_force(viewer, client)


def emergency_review_list(*, viewer: Any, status: str | None = None) -> QuerySet[EmergencyAccess]:
    """Uses of the exception the viewer may see, those to review first."""
    grants = (
        emergency_access_policy.visible_to(viewer)
        .select_related("user", "client", "reviewed_by")
        .order_by("review_status", "-granted_at")
    )
    if status in ReviewStatus.values:
        grants = grants.filter(review_status=status)
    return grants


def authors_to_tell_of_emergency(*, opener: Any, client: Client, now: datetime) -> list[User]:
    """The authors of the signed notes about ``client`` that the exception is
    about to open to ``opener`` (those they could not read until now), still on
    the person's care team: the others no longer know the person."""
    readable_before = note_policy.visible_to(opener, now).filter(client=client)
    opened = Note.objects.filter(client=client, status=NoteStatus.SIGNED).exclude(
        pk__in=readable_before.values("pk")
    )
    return list(
        User.objects.filter(
            pk__in=opened.values("author"),
            care_memberships__client=client,
            care_memberships__left_on__isnull=True,
        )
        .exclude(pk=opener.pk)
        .distinct()
    )


# Requests for a peer, notifications.


def open_peer_requests(*, viewer: Any) -> QuerySet[PeerRequest]:
    return peer_request_policy.visible_to(viewer).select_related("client", "requested_by")


def notifications(*, viewer: Any) -> QuerySet[Notification]:
    """The viewer's notifications, newest first."""
    return notification_policy.visible_to(viewer)


# Rows a service locks before deciding on their stored state. The service then
# asks the policy whether its acting user may make the change.


def note_for_update(note: Note) -> Note:
    return Note.objects.select_for_update().get(pk=note.pk)


def audiences_of_answers(note: Note) -> set[str]:
    """The audiences of the signed answers to ``note`` (for a service deciding
    whether the note may become narrower than what answers it)."""
    rows = Note.objects.filter(answers_note=note, status=NoteStatus.SIGNED)
    return set(rows.values_list("audience", flat=True).distinct())


def emergency_access_for_update(grant: EmergencyAccess) -> EmergencyAccess:
    return EmergencyAccess.objects.select_for_update().get(pk=grant.pk)


def peer_request_for_update(request: PeerRequest) -> PeerRequest:
    return PeerRequest.objects.select_for_update().get(pk=request.pk)


# The menu and the home page.


@dataclass(frozen=True)
class WaitingWork:
    """What waits for the viewer, for the menu and the home page."""

    unread_notifications: int = 0
    open_peer_requests: int | None = None  # None: not for this viewer
    emergency_to_review: int | None = None
    unread_shared: int | None = None  # notes of the shared feed's conversations not read


def _count(rows: QuerySet[Any]) -> Coalesce:
    """A count as a subquery, so several counts share one query."""
    counted = rows.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n")[:1], output_field=IntegerField()), 0)


def waiting_work(*, viewer: Any) -> WaitingWork:
    """The menu's counts, each from its policy, in one query whatever the data."""
    answers = peer_request_policy.can(viewer, peer_request_policy.Action.LIST)
    reviews = emergency_access_policy.can(viewer, emergency_access_policy.Action.REVIEW)
    pending = emergency_access_policy.visible_to(viewer).filter(review_status=ReviewStatus.PENDING)
    # The shared feed's notes, as it shows them: the notes that began its
    # conversations and the answers to them the viewer reads.
    has_feed = has_ability(viewer, Ability.JOIN_CARE_TEAMS)
    # Counted only for those who have a feed (the others are shown none).
    unread_shared: QuerySet[Note] = Note.objects.none()
    if has_feed:
        starts = _conversation_starts(viewer).values("pk")
        # Among the signed notes the viewer reads, a conversation's start is one
        # shared with the whole care team that answers none (no subquery
        # needed); an answer counts when the viewer reads its start.
        unread_shared = (
            note_policy.visible_to(viewer)
            .filter(status=NoteStatus.SIGNED)
            .filter(STARTS_A_CONVERSATION | Q(answers_note__in=starts))
            .filter(_unread(viewer))
        )
    row = (
        get_user_model()
        .objects.filter(pk=viewer.pk)
        .annotate(
            unread=_count(notification_policy.visible_to(viewer).filter(read_at__isnull=True)),
            requests=_count(peer_request_policy.visible_to(viewer)),
            emergency=_count(pending),
            shared=_count(unread_shared),
        )
        .values("unread", "requests", "emergency", "shared")
        .get()
    )
    return WaitingWork(
        unread_notifications=row["unread"],
        open_peer_requests=row["requests"] if answers else None,
        emergency_to_review=row["emergency"] if reviews else None,
        unread_shared=row["shared"] if has_feed else None,
    )
