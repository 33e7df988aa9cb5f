"""Reads of the register. Those that take a viewer start from a policy's
queryset, so a screen or an export can never show more than it allows; the
others read one person's records for a service that was already allowed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django.db.models import Exists, Max, Model, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from peersupport.keyset import Place, count_up_to
from peersupport.policy import has_ability
from peersupport.roles import Ability

from . import consent, status
from .access import (
    care_team_membership_policy,
    client_join_policy,
    client_policy,
    team_people,
    with_membership_flag,
    with_newest_decisions,
)
from .choices import ConsentState, JoinedHow, Purpose, Situation, Status
from .models import CareTeamMembership, Client, Consent, LivingSituation, fold


def _newest_situation(field: str) -> Subquery:
    return Subquery(
        LivingSituation.objects.filter(client=OuterRef("pk"))
        .order_by("-recorded_on", "-recorded_at", "-pk")
        .values(field)[:1]
    )


def with_current_situation(clients: QuerySet[Client]) -> QuerySet[Client]:
    return clients.annotate(
        current_situation=_newest_situation("situation"),
        current_situation_on=_newest_situation("recorded_on"),
    )


@dataclass(frozen=True)
class ClientFilters:
    q: str = ""
    status: Status | None = None
    situation: Situation | None = None
    consent_purpose: Purpose | None = None
    consent_state: ConsentState | None = None


# The register's order: by the folded name used ("Étienne" among the E's),
# then by record number, so that namesakes keep their place from page to
# page. The index ``client_by_name`` serves it.
REGISTER_ORDER = ("display_key", "pk")


def client_list(*, viewer: Any, filters: ClientFilters = ClientFilters()) -> QuerySet[Client]:
    """The register as ``viewer`` may see it, by name, each person marked
    ``on_my_team`` or not.

    One query whatever the number of rows: status, current situation and consent
    states are computed in the database.
    """
    today = timezone.localdate()
    clients = with_membership_flag(client_policy.visible_to(viewer), viewer)
    clients = status.with_status(clients, today)
    clients = with_current_situation(clients)
    clients = with_newest_decisions(clients)
    if filters.q:
        # A trigram index serves this on PostgreSQL (migration 0007).
        clients = clients.filter(search_text__contains=fold(filters.q))
    if filters.status:
        clients = clients.filter(status.status_filter(filters.status, today))
    if filters.situation:
        clients = clients.filter(Q(current_situation=filters.situation))
    if filters.consent_purpose and filters.consent_state:
        clients = clients.filter(
            consent.state_filter(filters.consent_purpose, filters.consent_state, today)
        )
    return clients.order_by(*REGISTER_ORDER)


def _sees_everyone(viewer: Any) -> bool:
    # Anyone else sees only the people on their own teams.
    return has_ability(viewer, Ability.SEE_ALL_CLIENTS)


@dataclass(frozen=True)
class Register:
    """The register as its page reads it: ``parts`` shown one after the
    other, each by name, a page at a time (``peersupport.keyset``), and the
    ``whole`` of it for its count."""

    parts: list[QuerySet[Client]]
    whole: QuerySet[Client]

    def count_up_to(self, up_to: int) -> int:
        """How many people it holds, counted no further than one past
        ``up_to`` (more reads "more than ``up_to``"): a region's register is
        never counted row by row."""
        return count_up_to(self.whole, up_to)


def register(*, viewer: Any, filters: ClientFilters = ClientFilters()) -> Register:
    """The register's page: the viewer's own people first, then (for those
    who see everyone) everyone else, each part read through the name index
    rather than every person sorted by a computed "on my team" flag.

    The viewer's own people are named by number (``team_people``: the
    request's care teams, read once): the planner then knows they are few,
    where an ``EXISTS`` would have it walk the whole register looking for
    them."""
    clients = client_list(viewer=viewer, filters=filters)
    # Only ever narrowing what the policy shows.
    own = team_people(viewer)
    own_people = clients.filter(pk__in=own)
    if not _sees_everyone(viewer):
        return Register(parts=[own_people], whole=own_people)
    # The others: the same short list, checked row by row along the index.
    return Register(parts=[own_people, clients.exclude(pk__in=own)], whole=clients)


def register_place(*, viewer: Any, pk: int) -> Place | None:
    """Where the person numbered ``pk`` sits in ``viewer``'s register (the
    links to the pages around them name them by number), or None if
    ``viewer`` may not see them: a link cannot tell where someone else sorts."""
    on_team = CareTeamMembership.objects.filter(
        client=OuterRef("pk"), member=viewer, left_on__isnull=True
    )
    row = (
        client_policy.visible_to(viewer)
        .filter(pk=pk)
        .annotate(on_my_team=Exists(on_team))
        .values_list("display_key", "on_my_team")
        .first()
    )
    if row is None:
        return None
    key, on_my_team = row
    part = 1 if _sees_everyone(viewer) and not on_my_team else 0
    return Place(part, (key, pk))


# A person outside the viewer's teams shows only these, so that they can be
# recognised and joined, and nothing else.
FINDABLE_FIELDS = ["pk", "display_name", "birth_year", "status"]
MIN_FINDABLE_QUERY = 2


def others_matching(*, viewer: Any, q: str, limit: int = 20) -> list[dict[str, Any]]:
    """People outside ``viewer``'s teams whose names match ``q``: limited fields."""
    folded = fold(q)
    if len(folded) < MIN_FINDABLE_QUERY:
        return []
    clients = status.with_status(client_join_policy.visible_to(viewer)).filter(
        display_key__contains=folded
    )
    return list(clients.order_by("display_key", "pk").values(*FINDABLE_FIELDS)[:limit])


def matches_findable_query(client: Client, q: str) -> bool:
    """Whether ``client`` is among what a search for ``q`` shows outside one's teams."""
    folded = fold(q)
    return len(folded) >= MIN_FINDABLE_QUERY and folded in client.display_key


def client_summary(client: Client) -> Client:
    """Load what a person's page shows, in a fixed number of queries."""
    memberships = CareTeamMembership.objects.select_related("member", "added_by", "ended_by")
    return (
        Client.objects.filter(pk=client.pk)
        .prefetch_related(
            Prefetch("memberships", queryset=memberships),
            Prefetch(
                "living_situations", queryset=LivingSituation.objects.select_related("recorded_by")
            ),
            Prefetch("consents", queryset=Consent.objects.select_related("recorded_by")),
            "merges_received__merged_by",
        )
        .get()
    )


def team_history(client: Client) -> QuerySet[CareTeamMembership]:
    """Every membership of ``client``'s care team, current and ended, with the
    people named on it."""
    return CareTeamMembership.objects.filter(client=client).select_related(
        "member", "added_by", "ended_by"
    )


def care_team(
    memberships: Iterable[CareTeamMembership],
) -> tuple[list[CareTeamMembership], list[CareTeamMembership]]:
    """Current members, then former members, each person once.

    A merge can leave someone with a current membership from one record and an
    ended one from the other, and people leave and come back: someone on the
    team now is current only, and a former member shows their latest stint.
    The full history stays in the audit trail.
    """
    memberships = list(memberships)
    current = [m for m in memberships if m.is_current]
    on_team = {m.member_id for m in current}
    former: dict[int, CareTeamMembership] = {}
    ended = sorted(
        (m for m in memberships if not m.is_current),
        key=lambda m: (m.left_on, m.pk),
        reverse=True,
    )
    for membership in ended:
        if membership.member_id not in on_team:
            former.setdefault(membership.member_id, membership)
    return current, list(former.values())


def current_memberships(client: Client) -> QuerySet[CareTeamMembership]:
    """Who is on ``client``'s care team today."""
    return CareTeamMembership.objects.filter(client=client, left_on__isnull=True)


def consent_overview(client: Client) -> list[dict[str, Any]]:
    """Per purpose: today's state and the decisions recorded, newest first."""
    today = timezone.localdate()
    by_purpose: dict[Purpose, list[Consent]] = {purpose: [] for purpose in Purpose}
    for record in client.consents.all():  # prefetched, newest first
        by_purpose[Purpose(record.purpose)].append(record)
    overview = []
    for purpose, records in by_purpose.items():
        newest = records[0] if records else None
        state = consent.state_of(
            newest.decision if newest else None, newest.expires_on if newest else None, today
        )
        overview.append(
            {
                "purpose": purpose,
                "state": state,
                "in_force": state in consent.IN_FORCE,
                "records": records,
                "newest": newest,
            }
        )
    return overview


def self_joins(*, viewer: Any) -> QuerySet[CareTeamMembership]:
    """Memberships taken on one's own after meeting someone, newest first, for
    the people ``viewer`` may see."""
    return (
        care_team_membership_policy.visible_to(viewer)
        .filter(how=JoinedHow.JOINED)
        .select_related("client", "member")
        .order_by("-created_at", "-pk")
    )


def latest_contact_on(client: Client) -> date:
    """The newest real contact: the intake, a situation update, a self-join after
    meeting the person, an encounter. Registering someone is not one."""
    contacts = [
        client.intake_date,
        LivingSituation.objects.filter(client=client).aggregate(on=Max("recorded_on"))["on"],
        CareTeamMembership.objects.filter(client=client, how=JoinedHow.JOINED).aggregate(
            on=Max("joined_on")
        )["on"],
    ]
    # Encounters belong to the interventions app, which builds on this one:
    # read through the reverse relation rather than importing it.
    encounters = getattr(client, "encounters", None)
    if encounters is not None:
        newest = encounters.aggregate(at=Max("occurred_at"))["at"]
        contacts.append(timezone.localtime(newest).date() if newest else None)
    return max(day for day in contacts if day is not None)


def lock_clients(pks: Iterable[int]) -> list[Client]:
    """Lock these records until the transaction ends (a merge, say)."""
    return list(Client.objects.select_for_update().filter(pk__in=list(pks)).order_by("pk"))


def rows_pointing_at(client: Client) -> list[tuple[str, str, QuerySet[Any]]]:
    """Every row, in any app, that points at ``client``: (model label, field,
    rows). The merge moves them all, so nothing is left behind on a merged
    record; merge records themselves (one to one) stay where they are."""
    found = []
    for relation in Client._meta.related_objects:
        if relation.one_to_one:
            continue
        model = cast(type[Model], relation.related_model)
        field = relation.field.name
        found.append((model._meta.label, field, model._base_manager.filter(**{field: client})))
    return found


def rows_that_would_repeat(rows: QuerySet[Any], field: str, keep: Client) -> QuerySet[Any]:
    """Among ``rows`` (pointing at a record merged away), those that another
    row already says of ``keep`` under one of their model's unconditional
    unique constraints (the same person counted twice at one group session):
    moving them would break the constraint, and ``keep`` already holds what
    they say, so they stay on the merged record."""
    repeats = rows.none()
    for constraint in rows.model._meta.constraints:
        fields = getattr(constraint, "fields", ())
        if field not in fields or getattr(constraint, "condition", None) is not None:
            continue
        others = [name for name in fields if name != field]
        same = rows.model._base_manager.filter(
            **{field: keep}, **{name: OuterRef(name) for name in others}
        )
        repeats = repeats | rows.filter(Exists(same))
    return repeats
