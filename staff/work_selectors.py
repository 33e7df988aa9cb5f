"""Reads of work that is not an encounter, each starting from a policy: the
viewer's list, and time by kind per month."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from groups.access import group_session_policy
from interventions.access import encounter_policy
from peersupport.models import User

from .access import backing_policy, work_activity_policy
from .choices import CATEGORY_OF_KIND, TimeCategory, WorkKind
from .models import WorkActivity


def work_list(*, viewer: Any, kind: str = "") -> QuerySet[WorkActivity]:
    """The work ``viewer`` may open, newest first; one kind when ``kind`` names one.
    The note is left unread (the list never shows it)."""
    rows = work_activity_policy.visible_to(viewer).defer("note")
    if kind in WorkKind.values:
        rows = rows.filter(kind=kind)
    return rows.select_related("peer", "led_by", "partner").order_by("-occurred_on", "-pk")


def peers_to_count(viewer: Any) -> QuerySet[User]:
    """The peers whose time ``viewer`` may count (coordinators): every peer."""
    if not work_activity_policy.can(viewer, work_activity_policy.Action.COUNT):
        return User.objects.none()
    return backing_policy.users_who_can(backing_policy.Action.BE_BACKED)


def can_count_time_of(viewer: Any, worker: Any) -> bool:
    """Whether ``viewer`` sees ``worker``'s time by kind: their own, or any
    peer's for those who count the staff's time."""
    if worker is None:
        return False
    if viewer.pk == worker.pk:
        return work_activity_policy.can(viewer, work_activity_policy.Action.LIST)
    return peers_to_count(viewer).filter(pk=worker.pk).exists()


@dataclass
class Month:
    """One month of a worker's time: hours per category, and how many
    encounters were logged without their length (counted as no time)."""

    month: date
    minutes: dict[str, int] = field(default_factory=dict)
    encounters_without_length: int = 0

    @property
    def hours(self) -> list[tuple[TimeCategory, Decimal]]:
        return [(category, _hours(self.minutes.get(category, 0))) for category in TimeCategory]

    @property
    def total(self) -> Decimal:
        return _hours(sum(self.minutes.values()))


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _month_of(value: date | datetime) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def _first_months(months: int, today: date) -> list[date]:
    first = today.replace(day=1)
    shown = []
    for _step in range(months):
        shown.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return shown


def time_by_kind(viewer: Any, peer: Any, months: int = 6, today: date | None = None) -> list[Month]:
    """Hours per category (``TimeCategory``) per month for ``peer``, newest
    month first, over the last ``months`` months: "with people" from the
    encounters they logged or took part in and the sessions of the groups
    they facilitate; the rest from their work activities. Nothing for a
    viewer who may not count this peer's time. Three reads (activities,
    encounters, group sessions) after the check, whatever the data; no note
    is read."""
    if not can_count_time_of(viewer, peer):
        return []
    shown = _first_months(months, today or timezone.localdate())
    rows = {month: Month(month) for month in shown}
    since = shown[-1]

    def add(month_value: date | datetime, category: str, minutes: int | None) -> None:
        month = rows.get(_month_of(month_value))
        if month is not None:
            month.minutes[category] = month.minutes.get(category, 0) + (minutes or 0)

    activities = (
        work_activity_policy.metadata_visible_to(viewer)
        .filter(attendees=peer, occurred_on__gte=since)
        .annotate(month=TruncMonth("occurred_on"))
        .values("month", "kind")
        .annotate(minutes=Sum("duration_minutes"))
        .order_by()
    )
    for row in activities:
        add(row["month"], CATEGORY_OF_KIND[WorkKind(row["kind"])], row["minutes"])

    start = timezone.make_aware(datetime.combine(since, datetime.min.time()))
    encounters = (
        encounter_policy.worked_by(viewer, peer)
        .filter(occurred_at__gte=start)
        .annotate(month=TruncMonth("occurred_at"))
        .values("month")
        .annotate(
            minutes=Sum("duration_minutes"),
            without_length=Count("pk", filter=Q(duration_minutes__isnull=True)),
        )
        .order_by()
    )
    for row in encounters:
        add(row["month"], TimeCategory.WITH_PEOPLE, row["minutes"])
        month = rows.get(_month_of(row["month"]))
        if month is not None:
            month.encounters_without_length += row["without_length"]

    for row in _sessions_facilitated(viewer, peer, since):
        add(row["month"], TimeCategory.WITH_PEOPLE, row["minutes"])
    return [rows[month] for month in shown]


def _sessions_facilitated(viewer: Any, peer: Any, since: date):
    """Minutes per month of the sessions held by groups ``peer`` facilitates."""
    if group_session_policy.can(viewer, group_session_policy.Action.COUNT):
        sessions = group_session_policy.metadata_visible_to(viewer)
    elif viewer.pk == peer.pk:
        sessions = group_session_policy.visible_to(viewer).filter(cancelled_at__isnull=True)
    else:
        return []
    return (
        sessions.filter(group__facilitators=peer, held_on__gte=since)
        .annotate(month=TruncMonth("held_on"))
        .values("month")
        .annotate(minutes=Sum("duration_minutes"))
        .order_by()
    )
