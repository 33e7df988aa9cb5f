"""Who may read or do what with encounters and notes: the one policy.

Every view, fragment, feed, count, export, admin class and command asks here.
A note someone may not read answers 404, exactly like a note that does not
exist; 403 only for a note they may read but not change that way.

Reading a note body follows the care team and the note's audience:
- a draft is its author's alone;
- "peer team" notes: the peers on the person's care team;
- "care team" notes: those peers, and the team's clinicians while the person's
  consent to share with the care team is in force;
- "clinical team" notes: the team's clinicians, never peers;
- the safety exception opens a person's signed notes to one user for a while.
Coordinators see that notes exist, never their bodies, unless they use the
safety exception; superusers are no exception.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from clients.access import clients_visible_to, is_on_team
from clients.choices import Purpose, TeamRole
from clients.consent import has_consent_in_force, with_consent_in_force
from clients.models import CareTeamMembership, Client
from peersupport.roles import Ability, Role

from .choices import Audience, NoteStatus, PeerRequestStatus
from .models import EmergencyAccess, Encounter, Note, PeerRequest

CLINICAL_TEAM_ROLES = (TeamRole.CLINICIAN, TeamRole.REFERENCE)


class Action(StrEnum):
    LIST = "list"
    VIEW = "view"
    EDIT = "edit"  # a draft's body and audience
    SIGN = "sign"
    ADD_ADDENDUM = "add_addendum"
    WIDEN = "widen"
    NARROW = "narrow"


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _membership(user, team_roles):
    return CareTeamMembership.objects.filter(
        client=OuterRef("client"), member=user, left_on__isnull=True, team_role__in=team_roles
    )


def _active_emergency(user, now):
    return EmergencyAccess.objects.filter(
        client=OuterRef("client"), user=user, granted_at__lte=now, expires_at__gt=now
    )


def notes_visible_to(user, now=None) -> QuerySet[Note]:
    """The only source of notes whose body ``user`` may read."""
    if not _signed_in(user) or not user.can(Ability.USE_REGISTER):
        return Note.objects.none()
    now = now or timezone.now()
    as_peer = Q(Exists(_membership(user, [TeamRole.PEER])))
    as_clinician = Q(Exists(_membership(user, CLINICAL_TEAM_ROLES)))
    sharing = Q(
        client__in=with_consent_in_force(Client.objects.all(), Purpose.CARE_TEAM_SHARING).values(
            "pk"
        )
    )
    by_audience = (
        (Q(audience=Audience.PEER_TEAM) & as_peer)
        | (Q(audience=Audience.CARE_TEAM) & (as_peer | (as_clinician & sharing)))
        | (Q(audience=Audience.CLINICAL_TEAM) & as_clinician)
    )
    signed = Q(status=NoteStatus.SIGNED) & (by_audience | Q(Exists(_active_emergency(user, now))))
    # A signed note follows the care team, its author included: who leaves the
    # team stops reading it. A draft is its author's alone.
    own_draft = Q(author=user, status=NoteStatus.DRAFT)
    return Note.objects.filter(own_draft | signed)


def can(user, action: Action, note: Note) -> bool:
    """Whether ``user`` may do ``action`` to ``note``, a note they can read."""
    if not _signed_in(user) or not notes_visible_to(user).filter(pk=note.pk).exists():
        return False
    is_author = note.author_id == user.pk
    match action:
        case Action.LIST | Action.VIEW:
            return True
        case Action.EDIT | Action.SIGN:
            return is_author and not note.is_signed
        case Action.ADD_ADDENDUM | Action.WIDEN | Action.NARROW:
            return is_author and note.is_signed
    return False


def get_note_for(user, pk, action: Action = Action.VIEW) -> Note:
    """The note ``pk`` if ``user`` may read it (else 404) and do ``action`` (else 403)."""
    note = get_object_or_404(notes_visible_to(user).select_related("client", "author"), pk=pk)
    if not can(user, action, note):
        raise PermissionDenied
    return note


def notes_hidden_by_consent(user, client: Client) -> int:
    """How many care-team notes a clinician on the team cannot read because the
    person's consent to share is not in force (the page says why)."""
    on_clinical_team = CareTeamMembership.objects.filter(
        client=client, member=user, left_on__isnull=True, team_role__in=CLINICAL_TEAM_ROLES
    ).exists()
    if not on_clinical_team or has_consent_in_force(client, Purpose.CARE_TEAM_SHARING):
        return 0
    readable = notes_visible_to(user).filter(client=client).values("pk")
    return (
        Note.objects.filter(client=client, audience=Audience.CARE_TEAM, status=NoteStatus.SIGNED)
        .exclude(pk__in=readable)
        .count()
    )


def note_metadata_visible_to(user) -> QuerySet[Note]:
    """Notes whose existence (date, author, audience; never the body) ``user`` may
    see: the programme's coordinators see all, others what they may read."""
    if _signed_in(user) and user.can(Ability.SEE_ALL_CLIENTS):
        return Note.objects.filter(status=NoteStatus.SIGNED).defer("body")
    return notes_visible_to(user).defer("body")


def audiences_for(user, client: Client) -> list[Audience]:
    """The audiences ``user`` may give a new note about ``client``, narrowest first.

    Sharing with the care team needs the person's consent in force.
    """
    if not can_write_notes(user, client):
        return []
    membership = client.memberships.filter(member=user, left_on__isnull=True).first()
    own = (
        Audience.PEER_TEAM
        if membership and membership.team_role == TeamRole.PEER
        else Audience.CLINICAL_TEAM
    )
    audiences = [own]
    if has_consent_in_force(client, Purpose.CARE_TEAM_SHARING):
        audiences.append(Audience.CARE_TEAM)
    return audiences


def can_write_notes(user, client: Client) -> bool:
    """Peers and clinicians on the person's care team write notes about them."""
    return (
        _signed_in(user)
        and user.can(Ability.JOIN_CARE_TEAMS)
        and client.merged_into_id is None
        and is_on_team(user, client)
    )


def can_use_audience(user, client: Client, audience: Audience) -> bool:
    return Audience(audience) in audiences_for(user, client)


# Encounters: when, where and what was done is shared with the whole care team
# and with coordinators; anonymous contacts with their author and coordinators.


def encounters_visible_to(user) -> QuerySet[Encounter]:
    """The only source of encounter lists."""
    if not _signed_in(user) or not user.can(Ability.USE_REGISTER):
        return Encounter.objects.none()
    if user.can(Ability.SEE_ALL_CLIENTS):
        return Encounter.objects.all()
    # With a registered person the care team decides, as for notes; an
    # anonymous contact is seen by whoever logged it or took part.
    anonymous_mine = Q(client__isnull=True) & (Q(author=user) | Q(participants=user))
    return Encounter.objects.filter(
        anonymous_mine | Q(client__in=clients_visible_to(user).values("pk"))
    ).distinct()


def can_read_next_steps(user, encounter: Encounter) -> bool:
    """Next steps are the care team's working text, not the coordinator's."""
    if encounter.author_id == user.pk:
        return True
    if encounter.client_id is None:
        return encounter.participants.filter(pk=user.pk).exists()
    return is_on_team(user, encounter.client)


def get_encounter_for(user, pk) -> Encounter:
    return get_object_or_404(encounters_visible_to(user), pk=pk)


def can_log_encounters(user) -> bool:
    return _signed_in(user) and user.can(Ability.JOIN_CARE_TEAMS)


def clients_for_new_encounter(user) -> QuerySet[Client]:
    """People ``user`` may log an encounter with: those on their care teams, open files."""
    if not can_log_encounters(user):
        return Client.objects.none()
    return clients_visible_to(user).filter(
        Exists(
            CareTeamMembership.objects.filter(
                client=OuterRef("pk"), member=user, left_on__isnull=True
            )
        ),
        closed_on__isnull=True,
    )


# The safety exception.


def can_open_emergency_access(user, client: Client) -> bool:
    """Clinicians on the person's care team and coordinators may use the exception."""
    if not _signed_in(user) or client.merged_into_id is not None:
        return False
    if user.can(Ability.SEE_ALL_CLIENTS):
        return True
    return CareTeamMembership.objects.filter(
        client=client, member=user, left_on__isnull=True, team_role__in=CLINICAL_TEAM_ROLES
    ).exists()


def active_emergency_access(user, client: Client) -> EmergencyAccess | None:
    now = timezone.now()
    return (
        EmergencyAccess.objects.filter(
            user=user, client=client, granted_at__lte=now, expires_at__gt=now
        )
        .order_by("-expires_at")
        .first()
    )


def can_review_emergency_access(user) -> bool:
    return _signed_in(user) and user.can(Ability.REVIEW_EMERGENCY_ACCESS)


# Requests for a peer: open requests are shown to coordinators, who assign a
# peer, and to peers, who may take one. They show the person's name used only.


def may_read_peer_request_reasons(user) -> bool:
    """The clinician's reason is for the coordinator who assigns a peer."""
    return _signed_in(user) and user.can(Ability.MANAGE_CARE_TEAMS)


def may_answer_peer_requests(user) -> bool:
    return _signed_in(user) and (user.can(Ability.MANAGE_CARE_TEAMS) or user.has_role(Role.PEER))


def open_peer_requests_for(user) -> QuerySet[PeerRequest]:
    if not may_answer_peer_requests(user):
        return PeerRequest.objects.none()
    return PeerRequest.objects.filter(status=PeerRequestStatus.OPEN)


def emergency_accesses_visible_to(user) -> QuerySet[EmergencyAccess]:
    """Coordinators see every use of the safety exception; others their own."""
    if not _signed_in(user):
        return EmergencyAccess.objects.none()
    if user.can(Ability.REVIEW_EMERGENCY_ACCESS):
        return EmergencyAccess.objects.all()
    return EmergencyAccess.objects.filter(user=user)


def notifications_for(user):
    from .models import Notification

    if not _signed_in(user):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


# Research: counts over the whole programme, never a person.


def encounters_for_research(user) -> QuerySet[Encounter]:
    """All encounters, for de-identified aggregates and pseudonymised rows only.
    Callers must never show a name, a free text or an identifier from it."""
    if not _signed_in(user) or not user.can(Ability.VIEW_PROGRAMME_STATS):
        return Encounter.objects.none()
    return Encounter.objects.all()


def clients_for_research(user) -> QuerySet[Client]:
    """People served, for counting only (the same promise as above)."""
    if not _signed_in(user) or not user.can(Ability.VIEW_PROGRAMME_STATS):
        return Client.objects.none()
    return Client.objects.filter(merged_into__isnull=True)
