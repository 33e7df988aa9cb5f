"""The research figures, counted once and kept until what they count changes.

``/research/activity/`` used to count the whole history at every request. Now
the raw counts of each month (encounters by setting and by activity, people
reached, anonymous contacts, co-interventions, new people, support group
sessions and who came) and the referrals' counts are kept in
``ResearchFigure`` rows. Whatever changes something they count writes a
``ResearchChange`` in its own transaction (``research_receivers``: encounters,
their activities and participants, people, merges, group sessions and
attendance, referrals, partners, activities). A read that finds changes counts
again only what they touch, each month with queries limited to that month's
dates (a range on an indexed column), in a fixed number of queries whatever
the number of months; a read that finds none costs two queries.

Counts are raw here, never shown as they are: ``research.py`` suppresses small
cells when it reads them, exactly as before.

Who is counted is still decided by the research policies: a change is counted
again through them, for the reader. They count everyone whatever their
consent (consent governs rows that leave, not counts), the same for every
reader who may count at all, so one summary serves every such reader; a reader
who may not count gets nothing and never writes here.

Concurrency: changes are only ever inserted (a write never waits for another).
A read that counts again takes a lock (PostgreSQL: a transaction-level
advisory lock; SQLite serialises writes), claims the changes committed so far,
counts, replaces the figures and deletes the changes it claimed, in one
transaction: a change committed meanwhile stays for the next read, and a read
that dies leaves its claims as they were.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from clients.access import client_research_policy
from groups import selectors as group_selectors
from groups.access import group_session_policy
from interventions.access import encounter_research_policy
from interventions.models import Activity, Encounter
from referrals import selectors as referral_selectors
from referrals.access import referral_count_policy

from .models import ResearchChange, ResearchFigure

REFERRALS = "referrals"
# pg_advisory_xact_lock key: "research" in ASCII, so it is recognisable in pg_locks.
LOCK_KEY = 0x7265736561726368
CHUNK = 10_000  # encounters fetched at a time


# Months ---------------------------------------------------------------------


def month_of(value: date | datetime) -> date:
    """The first day of the month ``value`` falls in, in the project's time zone."""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _runs(months: Iterable[date]) -> list[tuple[date, date]]:
    """Months as [first day, first day after) ranges, neighbours joined."""
    runs: list[tuple[date, date]] = []
    for month in sorted(set(months)):
        if runs and runs[-1][1] == month:
            runs[-1] = (runs[-1][0], next_month(month))
        else:
            runs.append((month, next_month(month)))
    return runs


def within(months: Iterable[date], name: str, *, moment: bool = False) -> Q:
    """Rows whose ``name`` falls in one of ``months``: plain ranges, so the
    database walks its index on ``name`` instead of truncating every row."""
    condition = Q(pk__in=[])
    for start, end in _runs(months):
        bounds = (_midnight(start), _midnight(end)) if moment else (start, end)
        condition |= Q(**{f"{name}__gte": bounds[0], f"{name}__lt": bounds[1]})
    return condition


# Telling the summary that something changed ----------------------------------


def changed(
    *,
    months: Iterable[date | datetime | None] = (),
    clients: Iterable[int | None] = (),
    encounters: Iterable[int | None] = (),
    sessions: Iterable[int | None] = (),
    referrals: bool = False,
    everything: bool = False,
) -> None:
    """Count these again at the next read (one insert, in the caller's transaction)."""
    if everything:
        rows = [ResearchChange()]
    else:
        rows = [ResearchChange(month=m) for m in {month_of(m) for m in months if m is not None}]
        rows += [ResearchChange(client_id=pk) for pk in set(clients) if pk is not None]
        rows += [ResearchChange(encounter_id=pk) for pk in set(encounters) if pk is not None]
        rows += [ResearchChange(session_id=pk) for pk in set(sessions) if pk is not None]
        if referrals:
            rows.append(ResearchChange(referrals=True))
    if rows:
        ResearchChange.objects.bulk_create(rows)


def count_everything_again() -> None:
    """For whatever wrote rows without the model's signals (bulk loads)."""
    changed(everything=True)


# Reading --------------------------------------------------------------------


@dataclass
class Figures:
    """Raw counts, as kept: per month, and the referrals."""

    months: dict[date, dict[str, Any]] = field(default_factory=dict)
    people: dict[date, bytes] = field(default_factory=dict)
    referrals: list[dict[str, Any]] = field(default_factory=list)

    def activity_months(self) -> dict[date, dict[str, Any]]:
        """The months with an encounter or a new person (the activity table's rows)."""
        return {m: c for m, c in self.months.items() if c["encounters"] or c["new_people"]}

    def group_months(self) -> dict[date, dict[str, int]]:
        """The months with a support group session held."""
        return {
            m: {
                "sessions": c["sessions"],
                "anonymous": c["group_anonymous"],
                "registered": c["registered"],
            }
            for m, c in self.months.items()
            if c["sessions"]
        }

    def people_in(self, months: Iterable[date]) -> int:
        """How many different people were met in ``months`` together."""
        union = 0
        for month in months:
            union |= int.from_bytes(self.people.get(month, b""), "little")
        return union.bit_count()


def can_count(viewer: Any) -> bool:
    """Whether ``viewer`` may count everything the summary holds (each part's own policy)."""
    return (
        encounter_research_policy.can(viewer, encounter_research_policy.Action.VIEW)
        and client_research_policy.can(viewer, client_research_policy.Action.VIEW)
        and group_session_policy.can(viewer, group_session_policy.Action.COUNT)
        and referral_count_policy.can(viewer, referral_count_policy.Action.COUNT_FOR_RESEARCH)
    )


def figures(*, viewer: Any) -> Figures:
    """The research figures, brought up to date first if anything changed:
    two queries when nothing did, a fixed number more when something did."""
    if not can_count(viewer):
        return Figures()
    zone = timezone.get_current_timezone_name()
    rows = None
    if not ResearchChange.objects.exists():
        rows = list(ResearchFigure.objects.all())
        if not rows or any(row.time_zone != zone for row in rows):
            rows = None
    if rows is None:
        _count_again(viewer, zone)
        rows = list(ResearchFigure.objects.all())
    result = Figures()
    for row in rows:
        if row.key == REFERRALS:
            result.referrals = row.counts["rows"]
        else:
            month = date.fromisoformat(row.key)
            result.months[month] = row.counts
            result.people[month] = bytes(row.people)
    return result


# Counting again -------------------------------------------------------------


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _months_of(rows: QuerySet[Any], name: str) -> set[date]:
    return {
        month_of(m)
        for m in rows.order_by().annotate(m=TruncMonth(name)).values_list("m", flat=True).distinct()
    }


KIND = Case(
    When(month__isnull=False, then=Value("month")),
    When(client_id__isnull=False, then=Value("client")),
    When(encounter_id__isnull=False, then=Value("encounter")),
    When(session_id__isnull=False, then=Value("session")),
    When(referrals=True, then=Value("referrals")),
    default=Value("everything"),
    output_field=CharField(),
)


def _count_again(viewer: Any, zone: str) -> None:
    with transaction.atomic():
        _lock()
        token = secrets.token_hex(16)
        ResearchChange.objects.filter(claim="").update(claim=token)
        claimed = ResearchChange.objects.filter(claim=token)
        kinds = set(claimed.annotate(kind=KIND).values_list("kind", flat=True).distinct())
        kept = ResearchFigure.objects.aggregate(
            same=Count("pk", filter=Q(time_zone=zone)), other=Count("pk", filter=~Q(time_zone=zone))
        )
        if "everything" in kinds or not kept["same"] or kept["other"]:
            _replace(viewer, zone, None, referrals=True)
        else:
            encounters = encounter_research_policy.visible_to(viewer)
            months: set[date] = set()
            if "month" in kinds:
                named = claimed.filter(month__isnull=False).values_list("month", flat=True)
                months |= {month for month in named.distinct() if month is not None}
            if "client" in kinds:
                people = claimed.filter(client_id__isnull=False).values("client_id")
                months |= _months_of(encounters.filter(client_id__in=people), "occurred_at")
            if "encounter" in kinds:
                named_encounters = claimed.filter(encounter_id__isnull=False).values("encounter_id")
                months |= _months_of(encounters.filter(pk__in=named_encounters), "occurred_at")
            if "session" in kinds:
                named_sessions = claimed.filter(session_id__isnull=False).values("session_id")
                sessions = group_session_policy.metadata_visible_to(viewer).filter(
                    pk__in=named_sessions
                )
                months |= _months_of(sessions, "held_on")
            _replace(viewer, zone, months, referrals="referrals" in kinds)
        claimed.delete()


def _replace(viewer: Any, zone: str, months: set[date] | None, *, referrals: bool) -> None:
    """Count ``months`` (None: every month) and the referrals if asked, and
    put the counts in place of what was kept."""
    rows = []
    if months is None or months:
        counted, bitmaps = count_months(viewer, months)
        rows += [
            ResearchFigure(
                key=month.isoformat(), counts=counts, people=bitmaps.get(month, b""), time_zone=zone
            )
            for month, counts in counted.items()
        ]
    if referrals:
        counts = {"rows": list(referral_selectors.counts_for_research(viewer=viewer))}
        rows.append(ResearchFigure(key=REFERRALS, counts=counts, time_zone=zone))
    if months is None:
        ResearchFigure.objects.all().delete()
    else:
        keys = [month.isoformat() for month in months] + ([REFERRALS] if referrals else [])
        ResearchFigure.objects.filter(key__in=keys).delete()
    ResearchFigure.objects.bulk_create(rows)


def _empty() -> dict[str, Any]:
    return {
        "encounters": 0,
        "anonymous": 0,
        "co": 0,
        "people": 0,
        "new_people": 0,
        "settings": {},
        "activities": {},
        "sessions": 0,
        "group_anonymous": 0,
        "registered": 0,
    }


class IdList(Aggregate):
    """The ids of a group, comma-separated, in no particular order."""

    function = "STRING_AGG"
    template = "%(function)s(CAST(%(expressions)s AS TEXT), ',')"
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        return super().as_sql(
            compiler,
            connection,
            function="GROUP_CONCAT",
            template="%(function)s(%(expressions)s, ',')",
            **extra,
        )


def activity_ids() -> Subquery:
    """For each encounter, its activities' ids ("3,7"): a lookup per encounter
    on the relation's index, never a join over every encounter's activities."""
    links = Encounter.activities.through.objects.filter(encounter_id=OuterRef("pk")).order_by()
    grouped = links.values("encounter_id").annotate(ids=IdList("activity_id"))
    return Subquery(grouped.values("ids"))  # type: ignore[misc]  # an annotation the stubs miss


def with_participants() -> Exists:
    """Whether an encounter had someone else taking part."""
    return Exists(Encounter.participants.through.objects.filter(encounter_id=OuterRef("pk")))


def count_months(
    viewer: Any, months: set[date] | None
) -> tuple[dict[date, dict[str, Any]], dict[date, bytes]]:
    """Raw counts of ``months`` (None: every month), through the research
    policies, and the people met in each as a bitmap of record numbers. Only
    months with something to count come back.

    The encounters of those months are read once, one row each with its
    activities and whether someone else took part, and counted here: a join
    would multiply rows, and grouping in SQL took one query per measure, each
    joining every encounter's activities."""
    encounters = encounter_research_policy.visible_to(viewer)
    people = client_research_policy.visible_to(viewer)
    group_window = None
    if months is not None:
        encounters = encounters.filter(within(months, "occurred_at", moment=True))
        people = people.filter(within(months, "intake_date"))
        group_window = within(months, "held_on")
    names = dict(Activity.objects.values_list("pk", "name_en"))
    rows = (
        encounters.order_by()
        .annotate(
            # A date, not a moment: the database gives the local month's first
            # day, and no row pays for a time zone conversion in Python.
            month=TruncMonth("occurred_at", output_field=DateField()),
            activity_ids=activity_ids(),
            co=with_participants(),
        )
        .values_list("month", "setting", "anonymous_count", "client_id", "activity_ids", "co")
        .iterator(chunk_size=CHUNK)
    )
    counted: dict[date, dict[str, Any]] = defaultdict(_empty)
    bitmaps: dict[date, bytearray] = {}
    named: dict[str | None, set[str]] = {None: set()}
    for month, setting, anonymous, client_id, ids, co in rows:
        cell = counted[month]
        cell["encounters"] += 1
        cell["anonymous"] += anonymous or 0
        cell["co"] += 1 if co else 0
        cell["settings"][setting] = cell["settings"].get(setting, 0) + 1
        if ids not in named:
            pks = [int(pk) for pk in ids.split(",")] if ids else []
            if not set(pks) <= names.keys():
                names |= dict(Activity.objects.values_list("pk", "name_en"))  # one added since
            # Two activities of one name count once, as one column.
            named[ids] = {names[pk] for pk in pks}
        for name in named[ids]:
            cell["activities"][name] = cell["activities"].get(name, 0) + 1
        if client_id is not None:
            bits = bitmaps.setdefault(month, bytearray())
            byte = client_id >> 3
            if byte >= len(bits):
                bits.extend(bytes(byte + 1 - len(bits)))
            bits[byte] |= 1 << (client_id & 7)
    for month, bits in bitmaps.items():
        counted[month]["people"] = int.from_bytes(bits, "little").bit_count()
    for row in (
        people.order_by()
        .annotate(month=TruncMonth("intake_date"))
        .values("month")
        .annotate(n=Count("pk"))
    ):
        counted[month_of(row["month"])]["new_people"] = row["n"]
    groups = group_selectors.sessions_per_month(viewer=viewer, within=group_window)
    for month, cell in groups.items():
        counts = counted[month_of(month)]
        counts["sessions"], counts["group_anonymous"] = cell["sessions"], cell["anonymous"]
        counts["registered"] = cell["registered"]
    return dict(counted), {month: bytes(bits) for month, bits in bitmaps.items()}
