"""Reads of support groups that take a viewer: each starts from a policy
(groups/access.py), so a page can never show more than the policy allows.
Lists fetch what their lines show in a fixed number of queries, and never
decrypt a session's note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from clients.models import Client
from interventions.timeline_sources import TimelineExtra
from peersupport.models import User

from .access import group_attendance_policy, group_session_policy, support_group_policy
from .models import GroupAttendance, GroupSession, SupportGroup

# What a line of a list of sessions shows: never the note.
_SESSION_LINE_FIELDS = (
    "pk",
    "group",
    "held_on",
    "starts_at",
    "duration_minutes",
    "topic",
    "anonymous_count",
    "note_audience",
    "cancelled_at",
)


def groups_list(*, viewer: Any, today: date | None = None) -> list[SupportGroup]:
    """The groups the viewer may see: those they facilitate first, then the
    ones that meet, then the retired; each with ``is_mine``, ``next_on`` (its
    next session, from today) and ``last_on`` (its last one held), its place
    and its facilitators. Three queries whatever the number of groups."""
    today = today or timezone.localdate()
    held = Q(sessions__cancelled_at__isnull=True)
    rows = (
        support_group_policy.visible_to(viewer)
        .select_related("place_partner")
        .prefetch_related(
            Prefetch("facilitators", queryset=User.objects.order_by("first_name", "last_name"))
        )
        .annotate(
            is_mine=Exists(User.objects.filter(pk=viewer.pk, groups_facilitated=OuterRef("pk"))),
            next_on=Min("sessions__held_on", filter=held & Q(sessions__held_on__gte=today)),
            last_on=Max("sessions__held_on", filter=held & Q(sessions__held_on__lte=today)),
        )
        .order_by("-is_mine", "-is_active", "name", "pk")
    )
    return list(rows)


def _with_counts(sessions: QuerySet[GroupSession], viewer: Any) -> QuerySet[GroupSession]:
    """Annotates ``registered`` (every registered person who came) and ``seen``
    (those of them the viewer may see); the rest are a count."""
    visible = group_attendance_policy.named_for(viewer).values("pk")
    return sessions.annotate(
        registered=Count("attendances", distinct=True),
        seen=Count("attendances", filter=Q(attendances__in=visible), distinct=True),
    )


@dataclass(frozen=True)
class Counts:
    """Who came to a session, in the words a viewer may read."""

    seen: int
    other_registered: int
    anonymous: int

    @property
    def total(self) -> int:
        return self.seen + self.other_registered + self.anonymous

    def __str__(self) -> str:
        """ "5 came: 2 registered people you can see, 1 other registered
        person, 2 not registered", the parts that are not zero."""
        if not self.total:
            return gettext("Nobody recorded as having come.")
        parts = []
        if self.seen:
            parts.append(
                ngettext(
                    "%(count)d registered person you can see",
                    "%(count)d registered people you can see",
                    self.seen,
                )
                % {"count": self.seen}
            )
        if self.other_registered:
            parts.append(
                ngettext(
                    "%(count)d other registered person",
                    "%(count)d other registered people",
                    self.other_registered,
                )
                % {"count": self.other_registered}
            )
        if self.anonymous:
            parts.append(
                ngettext("%(count)d not registered", "%(count)d not registered", self.anonymous)
                % {"count": self.anonymous}
            )
        return ngettext("%(count)d came: %(parts)s", "%(count)d came: %(parts)s", self.total) % {
            "count": self.total,
            "parts": ", ".join(parts),
        }


def counts_of(session: GroupSession) -> Counts:
    """The counts of a session annotated by ``_with_counts``."""
    seen = session.seen  # type: ignore[attr-defined]
    registered = session.registered  # type: ignore[attr-defined]
    return Counts(seen=seen, other_registered=registered - seen, anonymous=session.anonymous_count)


def group_sessions(*, viewer: Any, group: SupportGroup) -> list[GroupSession]:
    """A group's sessions, newest first, each with ``counts`` (``Counts``); the
    note is never read. One query whatever the number of sessions."""
    rows = _with_counts(
        group_session_policy.visible_to(viewer)
        .filter(group=group)
        .only(*_SESSION_LINE_FIELDS)
        .order_by("-held_on", "-starts_at", "-pk"),
        viewer,
    )
    sessions = list(rows)
    for session in sessions:
        session.counts = counts_of(session)  # type: ignore[attr-defined]
    return sessions


def session_with_counts(*, viewer: Any, pk: Any) -> GroupSession:
    """The session ``pk`` with its group, who recorded it and ``counts``, in one
    query; 404 when the viewer may not see it (like ``get_for``)."""
    sessions = group_session_policy.visible_to(viewer).select_related(
        "group__place_partner", "recorded_by"
    )
    session = get_object_or_404(_with_counts(sessions, viewer), pk=pk)
    if not group_session_policy.can(viewer, group_session_policy.Action.VIEW, session):
        raise Http404
    session.counts = counts_of(session)  # type: ignore[attr-defined]
    return session


def attendees_seen(*, viewer: Any, session: GroupSession) -> list[GroupAttendance]:
    """The registered people who came that the viewer's list names: those on
    their own care teams."""
    return list(
        group_attendance_policy.named_for(viewer)
        .filter(session=session)
        .select_related("client")
        .order_by("client__display_name", "pk")
    )


def session_for_update(session: GroupSession) -> GroupSession:
    """The stored row, locked until the end of the transaction: two tabs
    changing the same session are taken one after the other."""
    return GroupSession.objects.select_for_update().select_related("group").get(pk=session.pk)


def attendance_for_update(attendance: GroupAttendance) -> GroupAttendance:
    return (
        GroupAttendance.objects.select_for_update()
        .select_related("session__group")
        .get(pk=attendance.pk)
    )


def attendances_of(session: GroupSession, client_ids: set[int]) -> QuerySet[GroupAttendance]:
    """The attendances of ``client_ids`` at ``session`` (for the services, which
    ask the policy about each before changing it)."""
    return GroupAttendance.objects.filter(session=session, client_id__in=client_ids)


def session_attendance_ids(session: GroupSession) -> set[int]:
    """The people recorded as having come, by number (for the services, which
    then ask the policy about each one they change)."""
    return set(GroupAttendance.objects.filter(session=session).values_list("client_id", flat=True))


# A person's timeline ------------------------------------------------------------


def _session_moment(session: GroupSession) -> datetime:
    """When a session took place, to sort it among encounters and notes: its
    hour when recorded, else noon."""
    return timezone.make_aware(datetime.combine(session.held_on, session.starts_at or time(12)))


@dataclass(frozen=True)
class AttendanceLine:
    """One line of a person's timeline: they came to a session."""

    group_name: str
    held_on: date
    topic: str
    session_id: int
    can_open: bool


TIMELINE_TEMPLATE = "groups/person/attendance.html"


def attendance_for_timeline(*, viewer: Any, client: Client, limit: int) -> list[TimelineExtra]:
    """A source of ``interventions.timeline_sources``: the sessions ``client``
    came to, when the viewer may see their attendance (the attendance policy),
    newest first, at most ``limit``; cancelled sessions are left out. One query."""
    rows = (
        group_attendance_policy.visible_to(viewer)
        .filter(client=client, session__cancelled_at__isnull=True)
        .select_related("session__group")
        .defer("session__note")
        .order_by("-session__held_on", "-session__starts_at", "-pk")[:limit]
    )
    view = group_session_policy.Action.VIEW
    extras = []
    for attendance in rows:
        session = attendance.session
        line = AttendanceLine(
            group_name=session.group.name,
            held_on=session.held_on,
            topic=session.topic,
            session_id=session.pk,
            can_open=group_session_policy.can(viewer, view, session),
        )
        extras.append(
            TimelineExtra(at=_session_moment(session), template=TIMELINE_TEMPLATE, item=line)
        )
    return extras


# Counts, for research and the overview --------------------------------------------


def sessions_per_month(*, viewer: Any, within: Q | None = None) -> dict[date, dict[str, int]]:
    """Raw counts per month of sessions held (never cancelled), registered
    people who came and the anonymous head count, before any suppression;
    empty for whoever may not count sessions. Two queries (a join of the
    attendances would multiply the head counts). ``within`` limits the
    sessions (the research figures count again only the months that changed)."""
    sessions = group_session_policy.metadata_visible_to(viewer)
    if within is not None:
        sessions = sessions.filter(within)
    sessions = sessions.annotate(month=TruncMonth("held_on"))
    months: dict[date, dict[str, int]] = {}
    for row in (
        sessions.values("month")
        .annotate(sessions=Count("pk"), anonymous=Sum("anonymous_count"))
        .order_by()
    ):
        months[row["month"]] = {
            "sessions": row["sessions"],
            "anonymous": row["anonymous"] or 0,
            "registered": 0,
        }
    for row in (
        sessions.filter(attendances__isnull=False)
        .values("month")
        .annotate(registered=Count("attendances"))
        .order_by()
    ):
        months[row["month"]]["registered"] = row["registered"]
    return months
