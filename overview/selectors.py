"""The coordinator's overview: counts, never content.

One function per block of the page. Each reads only through the policy of the
app that owns the rows (``visible_to``, or a counting method documented on the
policy), aggregates in SQL with ``values()``/``annotate()``, and takes a fixed
number of queries whatever the number of rows. Nothing here reads a person's
name, a note, a follow-up's words or a justification.

What the filters mean (``Filters``):

- the period applies to encounters (their weeks, settings, workers and
  co-interventions); every other block is counted as of today;
- a staff team narrows the work of staff to its members (caseloads, the
  encounters they logged, their overdue follow-ups, their drafts, the safety
  exceptions they used, their onboarding) and the counts about people served
  to those whose care team includes one of its members today (consents
  ending, people becoming inactive, open requests for a peer). Partners belong
  to the whole programme: the team changes nothing there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, DateField, Exists, Min, OuterRef, Q, QuerySet
from django.db.models.functions import Trunc
from django.utils import timezone

from agenda.access import follow_up_policy
from agenda.choices import FollowUpStatus
from clients.access import (
    care_team_membership_policy,
    client_join_policy,
    client_policy,
    newest_decisions_in_state,
)
from clients.choices import ConsentState, Purpose, Status
from clients.models import Client
from clients.status import status_filter
from interventions.access import (
    emergency_access_policy,
    encounter_policy,
    note_policy,
    peer_request_policy,
)
from interventions.choices import ReviewStatus, Setting
from partners.access import partner_policy
from peersupport.models import RoleGrant, StaffTeam, User
from peersupport.roles import Role
from staff.access import onboarding_item_policy

# An open file whose last contact is this close to the inactive threshold is
# "becoming inactive": without a contact, it turns inactive within these days.
BECOMING_INACTIVE_DAYS = 14
# A draft not signed after these days is counted against its author.
DRAFT_STALE_DAYS = 7


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both included."""

    start: date
    end: date

    @property
    def weeks(self) -> list[date]:
        """The Mondays of the ISO weeks the period touches, oldest first."""
        first = monday_of(self.start)
        count = (monday_of(self.end) - first).days // 7 + 1
        return [first + timedelta(weeks=n) for n in range(count)]

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as moments: the start's midnight to the midnight after the end."""
        zone = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone),
        )


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def last_weeks(weeks: int, today: date | None = None) -> Period:
    """This week and the ``weeks - 1`` before it, up to today."""
    today = today or timezone.localdate()
    return Period(monday_of(today) - timedelta(weeks=weeks - 1), today)


@dataclass(frozen=True)
class Filters:
    period: Period
    team: StaffTeam | None = None
    today: date = field(default_factory=timezone.localdate)


def _members(filters: Filters) -> QuerySet[Any] | None:
    """The team's members (for ``__in``), or None when no team is chosen."""
    if filters.team is None:
        return None
    return filters.team.members.all().values("pk")


def _people_of_team(viewer: Any, filters: Filters) -> QuerySet[Any] | None:
    """The people whose care team includes a member of the team today (for ``__in``)."""
    members = _members(filters)
    if members is None:
        return None
    return (
        care_team_membership_policy.visible_to(viewer)
        .filter(left_on__isnull=True, member__in=members)
        .values("client")
    )


def _people(viewer: Any, filters: Filters) -> QuerySet[Client]:
    """Open files the viewer sees, narrowed to the team's people."""
    people = client_policy.visible_to(viewer).filter(closed_on__isnull=True)
    of_team = _people_of_team(viewer, filters)
    return people if of_team is None else people.filter(pk__in=of_team)


@dataclass(frozen=True)
class Worker:
    """What the overview says of a staff account: its name, whether it is
    still active, whether it is a peer's. A snapshot rather than the account
    itself, so that the figures kept for a few minutes (``figures``) stay a
    few small values per worker at a thousand workers."""

    pk: int
    username: str
    name: str
    is_active: bool
    is_peer: bool

    @classmethod
    def of(cls, user: User) -> Worker:
        """From an account annotated with ``is_peer`` (``_is_peer``)."""
        is_peer = bool(getattr(user, "is_peer", False))
        return cls(user.pk, user.username, str(user), user.is_active, is_peer)

    def __str__(self) -> str:
        return self.name


def _is_peer() -> Exists:
    return Exists(RoleGrant.objects.filter(user=OuterRef("pk"), role=Role.PEER))


def _named(ids: set[int]) -> dict[int, Worker]:
    """The accounts of ``ids``, each flagged ``is_peer``, in one query."""
    if not ids:
        return {}
    accounts = User.objects.filter(pk__in=ids).annotate(is_peer=_is_peer())
    return {user.pk: Worker.of(user) for user in accounts}


def _by_name(worker: Worker) -> tuple[str, int]:
    return (worker.name.casefold(), worker.pk)


# Caseloads.


@dataclass(frozen=True)
class Caseload:
    """How many people one worker's care teams hold: open files, active or inactive."""

    worker: Worker
    active: int
    inactive: int

    @property
    def total(self) -> int:
        return self.active + self.inactive


def caseloads(*, viewer: Any, filters: Filters) -> list[Caseload]:
    """Every peer and clinician (and any deactivated account still on a care
    team), with the people on their care teams today, active and inactive
    (``clients.status``); closed files and merged records are not counted.
    Two queries."""
    if not client_policy.can(viewer, client_policy.Action.VIEW):
        return []
    today = filters.today
    # One pass over today's memberships on open files, each counted by the
    # status of its person (a join, not a list of people per status).
    memberships = care_team_membership_policy.visible_to(viewer).filter(
        left_on__isnull=True, client__closed_on__isnull=True
    )
    members = _members(filters)
    if members is not None:
        memberships = memberships.filter(member__in=members)
    counted = {
        row["member"]: row
        for row in memberships.values("member")
        .annotate(
            active=Count("pk", filter=status_filter(Status.ACTIVE, today, via="client__")),
            inactive=Count("pk", filter=status_filter(Status.INACTIVE, today, via="client__")),
        )
        .order_by()
    }
    workers = User.objects.filter(
        Q(pk__in=client_join_policy.users_who_can(client_join_policy.Action.JOIN).values("pk"))
        | Q(pk__in=list(counted))
    )
    if members is not None:
        workers = workers.filter(pk__in=members)
    loads = [
        Caseload(
            worker=Worker.of(worker),
            active=counted.get(worker.pk, {}).get("active", 0),
            inactive=counted.get(worker.pk, {}).get("inactive", 0),
        )
        for worker in workers.annotate(is_peer=_is_peer())
    ]
    return sorted(loads, key=lambda load: (-load.total, *_by_name(load.worker)))


# Encounters.


@dataclass
class Week:
    monday: date
    encounters: int = 0
    co: int = 0
    by_setting: dict[str, int] = field(default_factory=dict)

    @property
    def alone(self) -> int:
        """Encounters no one else took part in."""
        return self.encounters - self.co


@dataclass
class WorkerWeeks:
    worker: Worker
    by_week: dict[date, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_week.values())


@dataclass(frozen=True)
class Encounters:
    """The period's encounters: per week (and setting, and co-interventions),
    per setting, per worker who logged them."""

    weeks: list[Week]
    settings: list[tuple[str, str, int]]  # (value, label, count) of the settings used
    workers: list[WorkerWeeks]

    @property
    def total(self) -> int:
        return sum(week.encounters for week in self.weeks)

    @property
    def co(self) -> int:
        return sum(week.co for week in self.weeks)


def _week(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value


def encounters(*, viewer: Any, filters: Filters) -> Encounters:
    """Encounters of the period per ISO week and setting, co-interventions (an
    encounter someone else took part in: at least one other participant,
    whatever their role) per week, and per worker who logged them and week.
    Anonymous contacts count as one encounter each. Four queries."""
    start, end = filters.period.bounds()
    rows = encounter_policy.visible_to(viewer).filter(occurred_at__gte=start, occurred_at__lt=end)
    members = _members(filters)
    if members is not None:
        rows = rows.filter(author__in=members)
    dated = rows.annotate(week=Trunc("occurred_at", "week", output_field=DateField())).order_by()
    weeks = {monday: Week(monday) for monday in filters.period.weeks}
    # One row per encounter (the policy and the filters join nothing
    # many-valued): a plain count, which PostgreSQL groups by hashing, where a
    # distinct count sorts every encounter of the period (80 ms at a million).
    # Only the co-interventions' join with participants needs a distinct count.
    for row in dated.values("week", "setting").annotate(n=Count("pk")):
        week = weeks.setdefault(_week(row["week"]), Week(_week(row["week"])))
        week.by_setting[row["setting"]] = row["n"]
        week.encounters += row["n"]
    co_rows = dated.filter(participants__isnull=False).values("week")
    for row in co_rows.annotate(n=Count("pk", distinct=True)):
        weeks.setdefault(_week(row["week"]), Week(_week(row["week"]))).co = row["n"]
    per_setting: dict[str, int] = {}
    for week in weeks.values():
        for setting, count in week.by_setting.items():
            per_setting[setting] = per_setting.get(setting, 0) + count
    labels = dict(Setting.choices)
    settings_used = [
        (value, str(labels.get(value, value)), per_setting[value])
        for value in Setting.values
        if per_setting.get(value)
    ]
    by_worker: dict[int, dict[date, int]] = {}
    for row in dated.values("author", "week").annotate(n=Count("pk")):
        by_worker.setdefault(row["author"], {})[_week(row["week"])] = row["n"]
    named = _named(set(by_worker))
    workers = [WorkerWeeks(named[pk], weeks_of) for pk, weeks_of in by_worker.items()]
    workers.sort(key=lambda w: (-w.total, *_by_name(w.worker)))
    return Encounters(sorted(weeks.values(), key=lambda w: w.monday), settings_used, workers)


# What waits, per worker.


@dataclass(frozen=True)
class WorkerCount:
    worker: Worker
    count: int
    oldest: date | None = None


def overdue_per_worker(*, viewer: Any, filters: Filters) -> list[WorkerCount]:
    """Open follow-ups past their day, per worker in charge (done and cancelled
    ones are not counted), the most first; as the follow-ups per worker page
    counts them. Two queries."""
    rows = follow_up_policy.metadata_visible_to(viewer).filter(
        status=FollowUpStatus.OPEN, due_on__lt=filters.today
    )
    members = _members(filters)
    if members is not None:
        rows = rows.filter(assigned_to__in=members)
    counted = list(
        rows.values("assigned_to").annotate(n=Count("pk"), oldest=Min("due_on")).order_by()
    )
    named = _named({row["assigned_to"] for row in counted})
    found = [WorkerCount(named[r["assigned_to"]], r["n"], r["oldest"]) for r in counted]
    return sorted(found, key=lambda w: (-w.count, *_by_name(w.worker)))


def stale_drafts_per_author(
    *, viewer: Any, filters: Filters, now: datetime | None = None
) -> list[WorkerCount]:
    """Drafts started more than DRAFT_STALE_DAYS days ago and not signed, per
    author: how many and when the oldest was started, never about whom or
    what. Two queries."""
    now = now or timezone.now()
    rows = note_policy.drafts_counted_by(viewer).filter(
        created_at__lt=now - timedelta(days=DRAFT_STALE_DAYS)
    )
    members = _members(filters)
    if members is not None:
        rows = rows.filter(author__in=members)
    counted = list(
        rows.values("author").annotate(n=Count("pk"), oldest=Min("created_at")).order_by()
    )
    named = _named({row["author"] for row in counted})
    found = [
        WorkerCount(named[r["author"]], r["n"], timezone.localtime(r["oldest"]).date())
        for r in counted
    ]
    return sorted(found, key=lambda w: (-w.count, *_by_name(w.worker)))


# The counts at the top.


@dataclass(frozen=True)
class ConsentsEnding:
    people: int
    by_purpose: list[tuple[Purpose, int]]  # the purposes with at least one


def consents_ending(*, viewer: Any, filters: Filters) -> ConsentsEnding:
    """People (open files) with a consent ending within the register's
    ``EXPIRING_SOON_DAYS``, and how many per purpose: the rules of the
    register's consent state, read from the decisions in that state
    (``newest_decisions_in_state``), as the coordinator's home card reads
    them. One query."""
    ending = newest_decisions_in_state(viewer, ConsentState.EXPIRING_SOON, filters.today).filter(
        client__closed_on__isnull=True
    )
    of_team = _people_of_team(viewer, filters)
    if of_team is not None:
        ending = ending.filter(client__in=of_team)
    per_purpose = {purpose.value: Count("pk", filter=Q(purpose=purpose)) for purpose in Purpose}
    counts = ending.order_by().aggregate(anyone=Count("client", distinct=True), **per_purpose)
    return ConsentsEnding(
        people=counts["anyone"],
        by_purpose=[(p, counts[p.value]) for p in Purpose if counts[p.value]],
    )


def becoming_inactive(*, viewer: Any, filters: Filters) -> int:
    """Open files active today that turn inactive within BECOMING_INACTIVE_DAYS
    days unless someone meets the person: their last contact falls in the
    last BECOMING_INACTIVE_DAYS days before the inactive threshold. One query."""
    later = filters.today + timedelta(days=BECOMING_INACTIVE_DAYS)
    return (
        _people(viewer, filters)
        .filter(status_filter(Status.ACTIVE, filters.today))
        .filter(status_filter(Status.INACTIVE, later))
        .count()
    )


def people_by_status(*, viewer: Any, filters: Filters) -> dict[str, int]:
    """Open files, active and inactive. One query."""
    today = filters.today
    return _people(viewer, filters).aggregate(
        active=Count("pk", filter=status_filter(Status.ACTIVE, today)),
        inactive=Count("pk", filter=status_filter(Status.INACTIVE, today)),
    )


def exceptions_to_review(*, viewer: Any, filters: Filters) -> int:
    """Uses of the safety exception not reviewed yet (by the team's members). One query."""
    rows = emergency_access_policy.visible_to(viewer).filter(review_status=ReviewStatus.PENDING)
    members = _members(filters)
    if members is not None:
        rows = rows.filter(user__in=members)
    return rows.count()


def open_peer_requests(*, viewer: Any, filters: Filters) -> int:
    """Requests for a peer still open (about the team's people). One query."""
    rows = peer_request_policy.visible_to(viewer)
    of_team = _people_of_team(viewer, filters)
    if of_team is not None:
        rows = rows.filter(client__in=of_team)
    return rows.count()


def onboarding_overdue(*, viewer: Any, filters: Filters) -> dict[str, int]:
    """Onboarding steps past their day and not done, and how many peers they
    belong to (deactivated accounts left out: nothing to catch up). One query."""
    rows = onboarding_item_policy.visible_to(viewer).filter(
        due_on__lt=filters.today, done_on__isnull=True, peer__is_active=True
    )
    members = _members(filters)
    if members is not None:
        rows = rows.filter(peer__in=members)
    return rows.aggregate(items=Count("pk"), peers=Count("peer", distinct=True))


def stale_partners(*, viewer: Any, now: datetime | None = None) -> int:
    """Active partners whose service status was not said for
    PARTNER_STATUS_STALE_DAYS days, or never (``Partner.status_is_stale``). One query."""
    now = now or timezone.now()
    since = now - timedelta(days=settings.PARTNER_STATUS_STALE_DAYS)
    return (
        partner_policy.visible_to(viewer)
        .filter(is_active=True)
        .filter(Q(status_updated_at__isnull=True) | Q(status_updated_at__lt=since))
        .count()
    )
