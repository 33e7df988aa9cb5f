"""Reads of the register that take a viewer. Each starts from the access
policy's queryset, so a screen or an export can never show more than it allows."""

from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from . import consent, status
from .access import clients_findable_by, clients_visible_to, with_membership_flag
from .choices import ConsentState, JoinedHow, Purpose, Situation, Status
from .models import CareTeamMembership, Client, LivingSituation, fold


def _newest_situation(field):
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


def client_list(*, viewer, filters: ClientFilters = ClientFilters()) -> QuerySet[Client]:
    """The register as ``viewer`` may see it: their own people first, then by name.

    One query whatever the number of rows: status, current situation and consent
    states are computed in the database.
    """
    today = timezone.localdate()
    clients = with_membership_flag(clients_visible_to(viewer), viewer)
    clients = status.with_status(clients, today)
    clients = with_current_situation(clients)
    clients = consent.with_newest_decisions(clients)
    if filters.q:
        clients = clients.filter(search_text__contains=fold(filters.q))
    if filters.status:
        clients = clients.filter(status.status_filter(filters.status, today))
    if filters.situation:
        clients = clients.filter(current_situation=filters.situation)
    if filters.consent_purpose and filters.consent_state:
        clients = clients.filter(
            consent.state_filter(filters.consent_purpose, filters.consent_state, today)
        )
    # search_text begins with the folded name: "Étienne" sorts among the E's.
    return clients.order_by("-on_my_team", "search_text", "pk")


# A person outside the viewer's teams shows only these, so that they can be
# recognised and joined, and nothing else.
FINDABLE_FIELDS = ["pk", "display_name", "birth_year", "status"]
MIN_FINDABLE_QUERY = 2


def others_matching(*, viewer, q: str, limit: int = 20) -> list[dict]:
    """People outside ``viewer``'s teams whose names match ``q``: limited fields."""
    folded = fold(q)
    if len(folded) < MIN_FINDABLE_QUERY:
        return []
    clients = status.with_status(clients_findable_by(viewer)).filter(display_key__contains=folded)
    return list(clients.order_by("display_key", "pk").values(*FINDABLE_FIELDS)[:limit])


def matches_findable_query(client: Client, q: str) -> bool:
    """Whether ``client`` is among what a search for ``q`` shows outside one's teams."""
    folded = fold(q)
    return len(folded) >= MIN_FINDABLE_QUERY and folded in client.display_key


def client_summary(client: Client) -> Client:
    """Load what a person's page shows, in a fixed number of queries."""
    memberships = CareTeamMembership.objects.select_related("member", "added_by", "ended_by")
    prefetched = (
        Client.objects.filter(pk=client.pk)
        .prefetch_related(
            Prefetch("memberships", queryset=memberships),
            Prefetch(
                "living_situations", queryset=LivingSituation.objects.select_related("recorded_by")
            ),
            Prefetch(
                "consents", queryset=client.consents.model.objects.select_related("recorded_by")
            ),
            "merges_received__merged_by",
        )
        .get()
    )
    return prefetched


def care_team(memberships) -> tuple[list[CareTeamMembership], list[CareTeamMembership]]:
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


def consent_overview(client: Client) -> list[dict]:
    """Per purpose: today's state and the decisions recorded, newest first."""
    today = timezone.localdate()
    by_purpose = {purpose: [] for purpose in Purpose}
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


def self_joins(*, viewer) -> QuerySet[CareTeamMembership]:
    """Memberships taken on one's own after meeting someone, newest first, for
    the people ``viewer`` may see."""
    return (
        CareTeamMembership.objects.filter(
            how=JoinedHow.JOINED, client__in=clients_visible_to(viewer)
        )
        .select_related("client", "member")
        .order_by("-created_at", "-pk")
    )
