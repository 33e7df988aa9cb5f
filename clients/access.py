"""Who may see or do what with a person served: the register's one policy.

Every view, list, count, form, admin class and command asks here. A person
someone may not see answers 404, exactly like a person who does not exist;
403 is only for a person they may see but not change that way.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from peersupport.roles import Ability

from .models import CareTeamMembership, Client, Partner


class Action(StrEnum):
    VIEW = "view"
    EDIT = "edit"
    RECORD_SITUATION = "record_situation"
    RECORD_CONSENT = "record_consent"
    WITHDRAW_CONSENT = "withdraw_consent"
    CLOSE = "close"
    REOPEN = "reopen"
    MANAGE_TEAM = "manage_team"
    MERGE = "merge"


def _current_membership(user):
    return CareTeamMembership.objects.filter(
        client=OuterRef("pk"), member=user, left_on__isnull=True
    )


def _may_use_register(user) -> bool:
    return bool(user and user.is_authenticated and user.can(Ability.USE_REGISTER))


def clients_visible_to(user) -> QuerySet[Client]:
    """The only source of lists of people: the viewer's care teams, or all
    people for those who run the programme. Merged-away records are never listed."""
    if not _may_use_register(user):
        return Client.objects.none()
    clients = Client.objects.filter(merged_into__isnull=True)
    if user.can(Ability.SEE_ALL_CLIENTS):
        return clients
    return clients.filter(Exists(_current_membership(user)))


def with_membership_flag(clients: QuerySet[Client], user) -> QuerySet[Client]:
    """Annotate ``on_my_team`` so lists put the viewer's own people first."""
    return clients.annotate(on_my_team=Exists(_current_membership(user)))


def clients_findable_by(user) -> QuerySet[Client]:
    """People a peer or clinician may find in order to join their care team.
    Only the name used, year of birth and status of these may be shown."""
    if not (_may_use_register(user) and user.can(Ability.JOIN_CARE_TEAMS)):
        return Client.objects.none()
    return Client.objects.filter(merged_into__isnull=True).exclude(
        Exists(_current_membership(user))
    )


def is_on_team(user, client: Client) -> bool:
    return client.memberships.filter(member=user, left_on__isnull=True).exists()


def can(user, action: Action, client: Client) -> bool:
    """Whether ``user`` may do ``action`` to ``client``, a person they can see."""
    if not _may_use_register(user) or client.merged_into_id is not None:
        return False
    runs_programme = user.can(Ability.SEE_ALL_CLIENTS)
    on_team = runs_programme or is_on_team(user, client)
    if not on_team:
        return False
    closed = client.closed_on is not None
    match action:
        case Action.VIEW:
            return True
        case Action.WITHDRAW_CONSENT:
            # A withdrawal is never refused, even on a closed file.
            return True
        case Action.EDIT | Action.RECORD_SITUATION | Action.RECORD_CONSENT | Action.CLOSE:
            return not closed
        case Action.REOPEN:
            return closed
        case Action.MANAGE_TEAM:
            return user.can(Ability.MANAGE_CARE_TEAMS)
        case Action.MERGE:
            return user.can(Ability.MERGE_CLIENTS) and not closed
    return False


def get_client_for(user, pk, action: Action = Action.VIEW) -> Client:
    """The person ``pk`` if ``user`` may see them (else 404) and do ``action`` (else 403)."""
    client = get_object_or_404(clients_visible_to(user), pk=pk)
    if not can(user, action, client):
        raise PermissionDenied
    return client


def get_findable_client_for(user, pk) -> Client:
    """A person ``user`` may join the care team of (404 otherwise)."""
    return get_object_or_404(clients_findable_by(user), pk=pk)


def merged_destination_for(user, pk) -> Client | None:
    """Where a merged-away record now lives, if ``user`` may see that record."""
    kept_pk = (
        Client.objects.filter(pk=pk, merged_into__isnull=False)
        .values_list("merged_into", flat=True)
        .first()
    )
    if kept_pk is None:
        return None
    # Merges can chain: follow them to the record that is still open.
    while True:
        nxt = Client.objects.filter(pk=kept_pk).values_list("merged_into", flat=True).first()
        if nxt is None:
            break
        kept_pk = nxt
    return clients_visible_to(user).filter(pk=kept_pk).first()


def partners_visible_to(user) -> QuerySet[Partner]:
    """The partner directory: readable by every role, empty for anyone else."""
    if not (user and user.is_authenticated and user.can(Ability.VIEW_PARTNERS)):
        return Partner.objects.none()
    return Partner.objects.all()


def can_manage_partners(user) -> bool:
    return bool(user and user.is_authenticated and user.can(Ability.MANAGE_PARTNERS))
