"""Who may see or do what in the interventions app: one policy per model.

Lists, pages, counts, forms, the flags templates receive, the admin and the
services of this app ask these policies (the key rotation command alone reads
whole tables, through the selectors: an operator's step that shows nothing).
A row someone may not see answers 404, exactly like a row that does not
exist; 403 only for a row they may see but not change that way.

- ``note_policy``: note bodies. A draft is its author's alone. A signed note
  follows the person's care team and the audience its author chose: "peer
  team" notes the peers on the team; "care team" notes those peers, and the
  team's clinicians while the person's consent to share with the care team is
  in force; "clinical team" notes the team's clinicians, never peers. Whoever
  leaves the team stops reading signed notes, their own included. The safety
  exception opens a person's signed notes to one user for a while.
  Coordinators see that notes exist (``metadata_visible_to``), never their
  bodies, unless they use the exception; being a superuser changes nothing.
  The overview counts drafts per author (``drafts_counted_by``), never
  reading one.
- ``addendum_policy`` and ``note_read_policy``: an addendum follows its note;
  a read mark is its reader's own, on a note they may read.
- ``encounter_policy``: when, where and what was done, seen by the person's
  care team and by coordinators; an anonymous contact by whoever logged it or
  took part, and by coordinators. Next steps are the care team's. Who else
  took part is one of the person's care team, or at an anonymous contact one
  of its author's colleagues on their own care teams.

Every rule about "the viewer's people" starts from the viewer's own care
teams (``clients.access.team_people``: their memberships, read once per
request), never from the whole register.
- ``emergency_access_policy``: the records of the safety exception. Clinicians
  on the person's care team and coordinators may use it; coordinators see and
  review every use, others see their own.
- ``peer_request_policy``: open requests for a peer, shown to coordinators
  (who assign a peer and read the clinician's reason) and to peers (who take
  one); clinicians on the person's care team ask.
- ``notification_policy``: each user's own notifications.
- ``encounter_research_policy``: every encounter, for de-identified counts
  and pseudonymised rows only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from clients.access import (
    client_policy,
    client_research_policy,
    has_consent_in_force,
    has_open_file_on_team_of,
    not_on_own_record,
    on_team_of,
    open_files_on_teams_of,
    own_record_pk,
    shares_with_care_team,
    team_people,
    teammates_of,
    without_declarers,
)
from clients.choices import Purpose, TeamRole
from clients.models import Client
from peersupport.models import User
from peersupport.policy import FollowsPolicy, Policy, has_ability, is_signed_in, users_with
from peersupport.request_memo import in_request, remembered
from peersupport.roles import Ability

from .choices import Audience, NoteStatus, PeerRequestStatus, is_widening
from .models import (
    Addendum,
    EmergencyAccess,
    Encounter,
    Note,
    NoteRead,
    Notification,
    PeerRequest,
)

CLINICAL_TEAM_ROLES = (TeamRole.CLINICIAN, TeamRole.REFERENCE)


def _own_uses(user: Any) -> list[EmergencyAccess]:
    """``user``'s uses of the safety exception not ended yet, read once per request."""
    read_at = timezone.now()
    return remembered(
        ("emergency_access", user.pk),
        lambda: list(EmergencyAccess.objects.filter(user=user, expires_at__gt=read_at)),
    )


def _opened_to(user: Any, now: datetime | None = None) -> list[int] | QuerySet[Any]:
    """For ``client__in``: the people whose signed notes the safety exception
    opens to ``user`` at ``now``. Inside a request, read once (a list of
    numbers, like ``team_people``); else a subquery over ``user``'s own uses."""
    if in_request() and now is None:
        uses = _own_uses(user)
        now = timezone.now()
        return sorted({use.client_id for use in uses if use.granted_at <= now < use.expires_at})
    now = now or timezone.now()
    return EmergencyAccess.objects.filter(
        user=user, granted_at__lte=now, expires_at__gt=now
    ).values("client")


# Notes.


class NotePolicy(Policy[Note]):
    """Note bodies (see the module's docstring for who reads which)."""

    model = Note

    class Action(StrEnum):
        LIST = "list"
        VIEW = "view"
        # Asked of a note not saved yet: may its author write about its person.
        # The audience is a choice among ``audiences_for``, refused on its field.
        CREATE = "create"
        EDIT = "edit"  # a draft's body and audience
        SIGN = "sign"
        ADD_ADDENDUM = "add_addendum"
        WIDEN = "widen"
        NARROW = "narrow"

    def visible_to(self, user: Any, now: datetime | None = None) -> QuerySet[Note]:
        """The only source of notes whose body ``user`` may read."""
        if not has_ability(user, Ability.USE_REGISTER):
            return Note.objects.none()
        # Every branch starts from the viewer's own people (their care teams, their
        # uses of the safety exception) or their own drafts, each a condition an
        # index answers: the planner reads those people's notes, never the
        # register's. In a request they are lists of numbers read once.
        as_peer = team_people(user, [TeamRole.PEER])
        signed = Q(status=NoteStatus.SIGNED)
        by_audience = (
            Q(audience__in=[Audience.PEER_TEAM, Audience.CARE_TEAM], client__in=as_peer)
            | Q(
                audience=Audience.CARE_TEAM,
                client__in=team_people(user, CLINICAL_TEAM_ROLES, sharing=True),
            )
            | Q(
                audience=Audience.CLINICAL_TEAM,
                client__in=team_people(user, CLINICAL_TEAM_ROLES),
            )
        )
        # A signed note follows the care team, its author included: who leaves the
        # team stops reading it. A draft is its author's alone.
        own_draft = Q(author=user, status=NoteStatus.DRAFT)
        readable = own_draft | (signed & (by_audience | Q(client__in=_opened_to(user, now))))
        # A staff member's own record stays out of their sight, drafts and
        # safety exceptions included (a dual relationship, clients.access).
        return Note.objects.filter(readable).exclude(not_on_own_record(user))

    def lookup(self, user: Any, action: StrEnum) -> QuerySet[Note]:
        return self.visible_to(user).select_related("client", "author")

    def can(self, user: Any, action: StrEnum, obj: Note | None = None) -> bool:
        """Whether ``user`` may do ``action`` to ``obj``, a note they can read (or,
        for ``CREATE``, a note about to be written)."""
        A = self.Action
        if not is_signed_in(user) or action not in tuple(A):
            return False
        if obj is None:
            reads = action in (A.LIST, A.VIEW)
            return user.can(Ability.USE_REGISTER if reads else Ability.JOIN_CARE_TEAMS)
        if action == A.CREATE:
            return obj._state.adding and self.can_write_about(user, obj.client)
        is_author = obj.author_id == user.pk
        if action in (A.EDIT, A.SIGN):
            # A draft is its author's, whom ``visible_to`` always shows it to.
            return user.can(Ability.USE_REGISTER) and is_author and not obj.is_signed
        if not self.visible_to(user).filter(pk=obj.pk).exists():
            return False
        if action in (A.LIST, A.VIEW):
            return True
        return is_author and obj.is_signed  # addendum, widen, narrow

    def can_write_about(self, user: Any, client: Client) -> bool:
        """Peers and clinicians on the person's care team write notes about them."""
        return (
            is_signed_in(user)
            and user.can(Ability.JOIN_CARE_TEAMS)
            and client.merged_into_id is None
            and client_policy.is_on_team(user, client)
        )

    def audiences_for(self, user: Any, client: Client) -> list[Audience]:
        """The audiences ``user`` may give a new note about ``client``, narrowest
        first. Sharing with the care team needs the person's consent in force."""
        if not self.can_write_about(user, client):
            return []
        own = (
            Audience.PEER_TEAM
            if on_team_of(user, client, [TeamRole.PEER])
            else Audience.CLINICAL_TEAM
        )
        audiences = [own]
        if shares_with_care_team(client, asked_by=user):
            audiences.append(Audience.CARE_TEAM)
        return audiences

    def audiences_for_answer(self, user: Any, answered: Note) -> list[Audience]:
        """The audiences ``user`` may give an answer in the conversation
        ``answered`` began: those of a new note that reach no one ``answered``
        does not (an answer may quote it)."""
        return [
            audience
            for audience in self.audiences_for(user, answered.client)
            if is_widening(audience, Audience(answered.audience))
        ]

    def audiences_for_note(self, user: Any, note: Note) -> list[Audience]:
        """The audiences ``user`` may give ``note`` (a draft, or a signed note
        whose audience changes): those of a new note, or of an answer."""
        if note.answers_note is not None:
            return self.audiences_for_answer(user, note.answers_note)
        return self.audiences_for(user, note.client)

    def audiences_for_draft(self, user: Any, note: Note) -> list[Audience]:
        """The audiences a draft's form offers: those of a new note (or answer),
        or the one it has when its author may give none any more (they left the
        team: the draft still saves, signing it is refused on the audience)."""
        return self.audiences_for_note(user, note) or [Audience(note.audience)]

    @staticmethod
    def opening_audience(
        audiences: list[Audience], wanted: str | None = None
    ) -> tuple[Audience | None, bool]:
        """The audience a new note's form starts with, among ``audiences`` (those
        of ``audiences_for``), and whether ``wanted`` (the audience a link asked
        for, such as "Answer" on a shared note) was refused: ``wanted`` if it is
        one of them, else the narrowest."""
        if wanted in audiences:
            return Audience(wanted), False
        return (audiences[0] if audiences else None), bool(wanted)

    def count_hidden_by_consent(self, user: Any, client: Client) -> int:
        """How many care-team notes a clinician on the team cannot read because the
        person's consent to share is not in force (the page says why)."""
        if not on_team_of(user, client, CLINICAL_TEAM_ROLES) or shares_with_care_team(
            client, asked_by=user
        ):
            return 0
        readable = self.visible_to(user).filter(client=client).values("pk")
        return (
            Note.objects.filter(
                client=client, audience=Audience.CARE_TEAM, status=NoteStatus.SIGNED
            )
            .exclude(pk__in=readable)
            .count()
        )

    def users_who_can(self, action: StrEnum, obj: Note | None = None) -> QuerySet[User]:
        """Who reads ``obj`` (``VIEW``): the members of the person's care team its
        audience reaches, as ``visible_to`` decides once it is signed (a draft:
        who will read it once signed). The safety exception, which opens notes
        to one user for a while, names nobody here: this list is for pickers
        and notifications (the teammates one lets know of a note)."""
        if action != self.Action.VIEW or obj is None:
            return super().users_who_can(action, obj)
        roles = self._reader_roles(obj.client, [Audience(obj.audience)])
        return self._members(obj.client, roles)

    def teammates_to_mention(
        self, user: Any, client: Client, audiences: list[Audience] | None = None
    ) -> QuerySet[User]:
        """The teammates ``user`` may let know of a note about ``client``: the
        members of the care team who would read it under one of the audiences
        ``user`` may give it (whether they read the audience chosen is checked
        when the note is signed), ``user`` aside. ``audiences``: those
        ``audiences_for`` gave, when the caller has them already."""
        if audiences is None:
            audiences = self.audiences_for(user, client)
        if not audiences:
            return User.objects.none()
        # ``audiences_for`` offers the care team only while consent is in force.
        roles = self._reader_roles(client, audiences, sharing=Audience.CARE_TEAM in audiences)
        return self._members(client, roles).exclude(pk=user.pk)

    @staticmethod
    def _reader_roles(
        client: Client, audiences: Iterable[Audience], sharing: bool | None = None
    ) -> set[str]:
        """The places on the team that ``visible_to`` lets read a signed note
        about ``client`` of one of ``audiences``. ``sharing``: whether the
        person's consent to share with the care team is in force, if known."""
        roles: set[str] = set()
        for audience in audiences:
            if audience in (Audience.PEER_TEAM, Audience.CARE_TEAM):
                roles.add(TeamRole.PEER)
            if audience == Audience.CARE_TEAM and sharing is None:
                sharing = has_consent_in_force(client, Purpose.CARE_TEAM_SHARING)
            if audience == Audience.CLINICAL_TEAM or (audience == Audience.CARE_TEAM and sharing):
                roles.update(CLINICAL_TEAM_ROLES)
        return roles

    @staticmethod
    def _members(client: Client, team_roles: Iterable[str]) -> QuerySet[User]:
        if client.merged_into_id is not None:
            return User.objects.none()
        # One filter() call: the three conditions hold on the same membership.
        return (
            users_with(Ability.USE_REGISTER)
            .filter(
                care_memberships__client=client,
                care_memberships__left_on__isnull=True,
                care_memberships__team_role__in=list(team_roles),
            )
            .distinct()
        )

    def metadata_visible_to(self, user: Any) -> QuerySet[Note]:
        """Notes whose existence (date, author, audience; never the body) ``user``
        may see: the programme's coordinators see every signed note, others what
        they may read."""
        if has_ability(user, Ability.SEE_ALL_CLIENTS):
            return (
                Note.objects.filter(status=NoteStatus.SIGNED)
                .exclude(not_on_own_record(user))
                .defer("body")
            )
        return self.visible_to(user).defer("body")

    def drafts_counted_by(self, user: Any) -> QuerySet[Note]:
        """Drafts ``user`` may count per author and age, for the programme's
        overview (``VIEW_OVERVIEW``, coordinators): every draft of a record
        not merged away, none for anyone else. A draft stays its author's
        alone to read: callers count with ``values()`` (author, started at),
        never reading a row, its person or its body."""
        if not has_ability(user, Ability.VIEW_OVERVIEW):
            return Note.objects.none()
        drafts = Note.objects.filter(status=NoteStatus.DRAFT, client__merged_into__isnull=True)
        return drafts.defer("body")


note_policy = NotePolicy()


class AddendumPolicy(FollowsPolicy[Addendum]):
    """A correction or addition: read with its note, written by the note's author."""

    model = Addendum
    parent = note_policy
    parent_field = "note"
    parent_action = NotePolicy.Action.ADD_ADDENDUM

    class Action(StrEnum):
        VIEW = "view"
        CREATE = "create"


addendum_policy = AddendumPolicy()


class NoteReadPolicy(FollowsPolicy[NoteRead]):
    """That a user has seen a note (the unread markers): each user's own marks,
    made on notes they may read."""

    model = NoteRead
    parent = note_policy
    parent_field = "note"
    parent_action = NotePolicy.Action.VIEW

    class Action(StrEnum):
        VIEW = "view"
        CREATE = "create"

    def visible_to(self, user: Any) -> QuerySet[NoteRead]:
        if not is_signed_in(user):
            return NoteRead.objects.none()
        return super().visible_to(user).filter(reader=user)

    def can(self, user: Any, action: StrEnum, obj: NoteRead | None = None) -> bool:
        if not is_signed_in(user) or (obj is not None and obj.reader_id != user.pk):
            return False
        return super().can(user, action, obj)


note_read_policy = NoteReadPolicy()


# Encounters.


class EncounterPolicy(Policy[Encounter]):
    """When, where and what was done: the person's care team and coordinators; an
    anonymous contact, whoever logged it or took part, and coordinators."""

    model = Encounter

    class Action(StrEnum):
        LIST = "list"
        VIEW = "view"
        # Log one. Asked of an encounter not saved yet: with its person.
        CREATE = "create"
        # Be named among who else took part: with a person, their care team; at
        # an anonymous contact, its author's colleagues on their care teams.
        TAKE_PART = "take_part"
        # Next steps are the care team's working text, not the coordinator's.
        READ_NEXT_STEPS = "read_next_steps"

    def visible_to(self, user: Any) -> QuerySet[Encounter]:
        """The only source of encounter lists."""
        if not has_ability(user, Ability.USE_REGISTER):
            return Encounter.objects.none()
        if user.can(Ability.SEE_ALL_CLIENTS):
            return Encounter.objects.exclude(not_on_own_record(user))
        # With a registered person the care team decides, as for notes (the
        # viewer's own people: ``client_policy.visible_to`` of one who does not
        # see everyone); an anonymous contact is seen by whoever logged it or
        # took part (a subquery, not a join, so no row comes twice).
        took_part = Encounter.participants.through.objects.filter(user=user).values("encounter")
        anonymous_mine = Q(client__isnull=True) & (Q(author=user) | Q(pk__in=took_part))
        return Encounter.objects.filter(anonymous_mine | Q(client__in=team_people(user)))

    def _colleagues_of(self, author: Any, user: Any) -> bool:
        taking_part = Encounter(author=author)
        return self.users_who_can(self.Action.TAKE_PART, taking_part).filter(pk=user.pk).exists()

    def worked_by(self, user: Any, worker: Any) -> QuerySet[Encounter]:
        """The encounters ``worker`` logged or took part in, whoever they were
        with and whatever care team ``worker`` is on today, for counting their
        time: seen by ``worker`` themself and by those who count the staff's
        time (``MANAGE_STAFF`` or ``VIEW_OVERVIEW``). Callers read when and how
        long with ``values()``, never who with or what was done."""
        counts = has_ability(user, Ability.MANAGE_STAFF) or has_ability(user, Ability.VIEW_OVERVIEW)
        if worker is None or not is_signed_in(user) or not (counts or user.pk == worker.pk):
            return Encounter.objects.none()
        took_part = Encounter.participants.through.objects.filter(user=worker).values("encounter")
        return Encounter.objects.filter(Q(author=worker) | Q(pk__in=took_part))

    def clients_for_new(self, user: Any) -> QuerySet[Client]:
        """People ``user`` may log an encounter with: open files on their care teams."""
        if not self.can(user, self.Action.CREATE):
            return client_policy.visible_to(user).none()
        return open_files_on_teams_of(user)

    def can(self, user: Any, action: StrEnum, obj: Encounter | None = None) -> bool:
        A = self.Action
        if not is_signed_in(user) or action not in tuple(A):
            return False
        if action in (A.CREATE, A.TAKE_PART):
            if not user.can(Ability.JOIN_CARE_TEAMS):
                return False
            if obj is None:
                return True
            if obj.client is None:
                if action == A.CREATE:
                    return obj._state.adding
                # At an anonymous contact: one of its author's colleagues.
                return obj.author_id is None or self._colleagues_of(obj.author, user)
            if action == A.TAKE_PART:
                return client_policy.is_on_team(user, obj.client)
            # ``clients_for_new``, asked of one person.
            return obj._state.adding and has_open_file_on_team_of(user, obj.client)
        if obj is None:
            return has_ability(user, Ability.USE_REGISTER)
        if action == A.READ_NEXT_STEPS and obj.author_id != user.pk:
            # Those who took part in an anonymous contact, or are on the person's
            # care team, see the encounter: no need to ask ``visible_to``.
            if not has_ability(user, Ability.USE_REGISTER):
                return False
            if obj.client is None:
                return obj.participants.filter(pk=user.pk).exists()
            return client_policy.is_on_team(user, obj.client)
        return self.visible_to(user).filter(pk=obj.pk).exists()

    def users_who_can(self, action: StrEnum, obj: Encounter | None = None) -> QuerySet[User]:
        """Who may log an encounter, or be named among who took part: with a
        person, the members of their care team; at an anonymous contact, the
        members today of the care teams its author is on (their colleagues: the
        form's picker offers these, never every staff account)."""
        if action not in (self.Action.CREATE, self.Action.TAKE_PART):
            return super().users_who_can(action, obj)
        users = users_with(Ability.JOIN_CARE_TEAMS)
        if obj is None:
            return users
        if obj.client is None:
            if action == self.Action.CREATE or obj.author_id is None:
                return users
            return users.filter(pk__in=teammates_of(obj.author))
        if action == self.Action.CREATE and obj.client.closed_on is not None:
            return users.none()
        return users.filter(
            care_memberships__client=obj.client, care_memberships__left_on__isnull=True
        )


encounter_policy = EncounterPolicy()


class EncounterResearchPolicy(Policy[Encounter]):
    """Every encounter, as the programme's statistics see it: counted
    (``VIEW``), or as pseudonymised rows of the people whose research consent is
    in force (``EXPORT_ROWS``). Callers never show a name, a free text or an
    identifier from these rows."""

    model = Encounter

    class Action(StrEnum):
        VIEW = "view"
        EXPORT_ROWS = "export_rows"

    def _studies(self, user: Any) -> bool:
        return has_ability(user, Ability.VIEW_PROGRAMME_STATS)

    def visible_to(self, user: Any, action: StrEnum = Action.VIEW) -> QuerySet[Encounter]:
        if not (self._studies(user) and action in tuple(self.Action)):
            return Encounter.objects.none()
        if action == self.Action.EXPORT_ROWS:
            people = client_research_policy.visible_to(
                user, client_research_policy.Action.EXPORT_ROWS
            )
            return Encounter.objects.filter(client__in=people.values("pk"))
        return Encounter.objects.all()

    def can(self, user: Any, action: StrEnum, obj: Encounter | None = None) -> bool:
        if not (self._studies(user) and action in tuple(self.Action)):
            return False
        return obj is None or self.visible_to(user, action).filter(pk=obj.pk).exists()

    def users_who_can(self, action: StrEnum, obj: Encounter | None = None) -> QuerySet[User]:
        users = users_with(Ability.VIEW_PROGRAMME_STATS)
        if action not in tuple(self.Action):
            return users.none()
        if obj is None:
            return users
        # Every statistician sees the same rows (they depend on the person's
        # consent, never on who studies them): ask once, for any one of them.
        anyone = users.first()
        return users if anyone is not None and self.can(anyone, action, obj) else users.none()


encounter_research_policy = EncounterResearchPolicy()


# The safety exception.


class EmergencyAccessPolicy(Policy[EmergencyAccess]):
    """The records of the safety exception: who may use it, who sees and reviews
    each use, who records what was disclosed."""

    model = EmergencyAccess

    class Action(StrEnum):
        VIEW = "view"
        # Use the exception. Asked of a record not saved yet: for its person.
        OPEN = "open"
        REVIEW = "review"
        RECORD_DISCLOSURE = "record_disclosure"

    def visible_to(self, user: Any) -> QuerySet[EmergencyAccess]:
        """Coordinators see every use of the safety exception; others their own."""
        if not is_signed_in(user):
            return EmergencyAccess.objects.none()
        if user.can(Ability.REVIEW_EMERGENCY_ACCESS):
            return EmergencyAccess.objects.exclude(not_on_own_record(user))
        return EmergencyAccess.objects.filter(user=user)

    def can(self, user: Any, action: StrEnum, obj: EmergencyAccess | None = None) -> bool:
        A = self.Action
        if not is_signed_in(user) or action not in tuple(A):
            return False
        reviews = user.can(Ability.REVIEW_EMERGENCY_ACCESS)
        if action == A.OPEN:
            if obj is None:
                return user.can(Ability.SEE_ALL_CLIENTS) or user.can(Ability.JOIN_CARE_TEAMS)
            return obj._state.adding and self._can_open_for(user, obj.client)
        if action == A.REVIEW:
            return reviews
        # view, record what was disclosed: the user who opened the notes, or a coordinator
        return obj is None or reviews or obj.user_id == user.pk

    def _can_open_for(self, user: Any, client: Client) -> bool:
        """Clinicians on the person's care team and coordinators, never on their
        own record."""
        if client.merged_into_id is not None:
            return False
        if user.can(Ability.SEE_ALL_CLIENTS):
            return client.pk != own_record_pk(user)
        # ``on_team_of`` never counts one's own record.
        return on_team_of(user, client, CLINICAL_TEAM_ROLES)

    def in_force(self, user: Any, client: Client) -> EmergencyAccess | None:
        """``user``'s own use of the exception for ``client`` in force now, if
        any (the one ending last)."""
        if not is_signed_in(user):
            return None
        now = timezone.now()
        if in_request():
            uses = [
                use
                for use in _own_uses(user)
                if use.client_id == client.pk and use.granted_at <= now < use.expires_at
            ]
            return max(uses, key=lambda use: use.expires_at, default=None)
        return (
            self.visible_to(user)
            .filter(user=user, client=client, granted_at__lte=now, expires_at__gt=now)
            .order_by("-expires_at")
            .first()
        )

    def users_who_can(self, action: StrEnum, obj: EmergencyAccess | None = None) -> QuerySet[User]:
        """Those who review each use (told when the exception is used), never
        someone whose own record it was opened on."""
        if action == self.Action.REVIEW:
            reviewers = users_with(Ability.REVIEW_EMERGENCY_ACCESS)
            return reviewers if obj is None else without_declarers(reviewers, obj.client)
        return super().users_who_can(action, obj)


emergency_access_policy = EmergencyAccessPolicy()


# Requests for a peer: open requests are shown to coordinators, who assign a
# peer, and to peers, who may take one. They show the person's name used only.


class PeerRequestPolicy(Policy[PeerRequest]):
    """A clinician on the care team asks for a peer; coordinators and peers answer."""

    model = PeerRequest

    class Action(StrEnum):
        LIST = "list"
        VIEW = "view"
        # Ask. Asked of a request not saved yet: for its person.
        CREATE = "create"
        FULFIL = "fulfil"  # answer: assign a peer, or take the request oneself
        ASSIGN = "assign"  # put a peer on the team
        TAKE = "take"  # join the team oneself
        READ_REASON = "read_reason"  # the clinician's reason is for the coordinator

    def _answers(self, user: Any) -> bool:
        return user.can(Ability.MANAGE_CARE_TEAMS) or user.can(Ability.TAKE_PEER_REQUESTS)

    def visible_to(self, user: Any) -> QuerySet[PeerRequest]:
        """Open requests, for those who answer them."""
        if not (is_signed_in(user) and self._answers(user)):
            return PeerRequest.objects.none()
        return PeerRequest.objects.filter(status=PeerRequestStatus.OPEN).exclude(
            not_on_own_record(user)
        )

    def can(self, user: Any, action: StrEnum, obj: PeerRequest | None = None) -> bool:
        A = self.Action
        if not is_signed_in(user) or action not in tuple(A):
            return False
        match action:
            case A.CREATE:
                if not user.can(Ability.REQUEST_PEER):
                    return False
                return obj is None or (
                    obj._state.adding and note_policy.can_write_about(user, obj.client)
                )
            case A.LIST | A.FULFIL:
                return self._answers(user)
            case A.ASSIGN | A.READ_REASON:
                return user.can(Ability.MANAGE_CARE_TEAMS)
            case A.TAKE:
                return user.can(Ability.TAKE_PEER_REQUESTS)
            case A.VIEW:
                return obj is None or self.visible_to(user).filter(pk=obj.pk).exists()
        return False

    def users_who_can(self, action: StrEnum, obj: PeerRequest | None = None) -> QuerySet[User]:
        """The peers who may take a request (the coordinator's picker), and the
        coordinators who assign one (told of each new request)."""
        if action in (self.Action.TAKE, self.Action.ASSIGN):
            ability = (
                Ability.TAKE_PEER_REQUESTS
                if action == self.Action.TAKE
                else Ability.MANAGE_CARE_TEAMS
            )
            users = users_with(ability)
            return users if obj is None else without_declarers(users, obj.client)
        return super().users_who_can(action, obj)


peer_request_policy = PeerRequestPolicy()


# Notifications.


class NotificationPolicy(Policy[Notification]):
    """Each user reads, and marks read, their own notifications."""

    model = Notification

    class Action(StrEnum):
        VIEW = "view"
        MARK_READ = "mark_read"

    def visible_to(self, user: Any) -> QuerySet[Notification]:
        if not is_signed_in(user):
            return Notification.objects.none()
        return Notification.objects.filter(recipient=user)

    def can(self, user: Any, action: StrEnum, obj: Notification | None = None) -> bool:
        if not is_signed_in(user) or action not in tuple(self.Action):
            return False
        return obj is None or obj.recipient_id == user.pk


notification_policy = NotificationPolicy()
