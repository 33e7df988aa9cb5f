"""Who may see or do what in the register: its policies, one per model.

Every view, list, count, form, admin class, command and service asks here.
A person someone may not see answers 404, exactly like a person who does not
exist; 403 is only for a person they may see but not change that way.

- ``client_policy``: the people served;
- ``client_join_policy``: the people a peer or clinician may find outside
  their teams in order to join the care team (only the name used, year of
  birth and status of these may be shown);
- ``living_situation_policy``, ``care_team_membership_policy``,
  ``consent_policy``, ``client_merge_policy``: a person's records, which
  follow the person;
- ``client_research_policy``: the people counted in de-identified statistics.

Consent in force is an access rule too (notes shared with the care team,
research rows), so its SQL lives here as well.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar, TypeVar

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from peersupport.models import User
from peersupport.policy import FollowsPolicy, Policy, has_ability, is_signed_in, users_with
from peersupport.request_memo import in_request, remembered
from peersupport.roles import Ability

from . import consent
from .choices import ConsentState, Purpose
from .models import (
    CareTeamMembership,
    Client,
    ClientMerge,
    Consent,
    DualRelationship,
    LivingSituation,
)

M = TypeVar("M", bound=Model)


def _current_membership(user: Any) -> QuerySet[CareTeamMembership]:
    """For ``Exists``: ``user`` is on the care team of the person of the outer query."""
    return _current_places(user).filter(client=OuterRef("pk"))


def _declared_own(user: Any, person: str = "pk") -> QuerySet[DualRelationship]:
    """For ``Exists``: the person of the outer query (at ``person``) is
    ``user``'s own record, declared as a dual relationship."""
    return DualRelationship.objects.filter(record=OuterRef(person), user=user)


def own_record_pk(user: Any) -> int | None:
    """The record ``user`` declared as their own, if linked (one query, kept on
    the user object for the rest of the request)."""
    if not getattr(user, "pk", None):
        return None
    cache = user.__dict__
    if "_own_record_pk" not in cache:
        cache["_own_record_pk"] = (
            DualRelationship.objects.filter(user=user).values_list("record", flat=True).first()
        )
    return cache["_own_record_pk"]


def without_declarers(users: QuerySet[User], client: Client) -> QuerySet[User]:
    """``users`` less whoever declared ``client`` as their own record."""
    return users.exclude(dual_relationship__record=client)


def not_on_own_record(user: Any, path: str = "client") -> Q:
    """For ``exclude()``: rows about ``user``'s own record (the person at
    ``path``), for the policies that do not start from ``client_policy``."""
    return Q(**{f"{path}__dual_relationships__user": user})


class ClientPolicy(Policy[Client]):
    """The people served: a peer or clinician sees the people whose care team
    they are on; those who run the programme see everyone. Merged-away records
    are nobody's to see (``merged_destination_for`` says where they went).
    A staff member's own record, declared as a dual relationship, is never
    theirs to see, whatever their role."""

    model = Client

    class Action(StrEnum):
        VIEW = "view"
        CREATE = "create"  # register a person; asked with no person
        EDIT = "edit"
        RECORD_SITUATION = "record_situation"
        RECORD_CONSENT = "record_consent"
        WITHDRAW_CONSENT = "withdraw_consent"
        CLOSE = "close"
        REOPEN = "reopen"
        MANAGE_TEAM = "manage_team"
        MERGE = "merge"

    def visible_to(self, user: Any) -> QuerySet[Client]:
        """The only source of lists of people."""
        if not has_ability(user, Ability.USE_REGISTER):
            return Client.objects.none()
        clients = Client.objects.filter(merged_into__isnull=True).exclude(
            Exists(_declared_own(user))
        )
        if user.can(Ability.SEE_ALL_CLIENTS):
            return clients
        return clients.filter(Exists(_current_membership(user)))

    def is_on_team(self, user: Any, client: Client) -> bool:
        """Whether ``user`` is on ``client``'s care team today (asked once per
        request: ``care_teams``)."""
        if in_request():
            return client.pk in care_teams(user).places
        return CareTeamMembership.objects.filter(
            client=client, member=user, left_on__isnull=True
        ).exists()

    def can(self, user: Any, action: StrEnum, obj: Client | None = None) -> bool:
        A = self.Action
        if not has_ability(user, Ability.USE_REGISTER):
            return False
        if obj is None:
            match action:
                case A.MANAGE_TEAM:
                    return user.can(Ability.MANAGE_CARE_TEAMS)
                case A.MERGE:
                    return user.can(Ability.MERGE_CLIENTS)
            return action in tuple(A)
        if action == A.CREATE or obj.merged_into_id is not None:
            return False
        if not (user.can(Ability.SEE_ALL_CLIENTS) or self.is_on_team(user, obj)):
            return False
        # On a care team, the record would have left the team when linked (the
        # lists above exclude it anyway); only those who see everyone need asking.
        if user.can(Ability.SEE_ALL_CLIENTS) and obj.pk == own_record_pk(user):
            return False
        closed = obj.closed_on is not None
        match action:
            case A.VIEW:
                return True
            case A.WITHDRAW_CONSENT:
                # A withdrawal is never refused, even on a closed file.
                return True
            case A.EDIT | A.RECORD_SITUATION | A.RECORD_CONSENT | A.CLOSE:
                return not closed
            case A.REOPEN:
                return closed
            case A.MANAGE_TEAM:
                return user.can(Ability.MANAGE_CARE_TEAMS)
            case A.MERGE:
                return user.can(Ability.MERGE_CLIENTS) and not closed
        return False

    def users_who_can(self, action: StrEnum, obj: Client | None = None) -> QuerySet[User]:
        A = self.Action
        needs: dict[str, Ability] = {
            A.MANAGE_TEAM: Ability.MANAGE_CARE_TEAMS,
            A.MERGE: Ability.MERGE_CLIENTS,
        }
        users = users_with(Ability.USE_REGISTER, *[needs[action]] if action in needs else [])
        if obj is None:
            return users if action in tuple(A) else users.none()
        closed = obj.closed_on is not None
        allowed_when: dict[str, bool] = {
            A.VIEW: True,
            A.WITHDRAW_CONSENT: True,
            A.EDIT: not closed,
            A.RECORD_SITUATION: not closed,
            A.RECORD_CONSENT: not closed,
            A.CLOSE: not closed,
            A.REOPEN: closed,
            A.MANAGE_TEAM: True,
            A.MERGE: not closed,
        }
        if obj.merged_into_id is not None or not allowed_when.get(action, False):
            return users.none()
        on_team = CareTeamMembership.objects.filter(client=obj, left_on__isnull=True)
        return without_declarers(
            users.filter(
                Q(pk__in=on_team.values("member")) | Q(pk__in=users_with(Ability.SEE_ALL_CLIENTS))
            ),
            obj,
        )


client_policy = ClientPolicy()
Action = ClientPolicy.Action


class ClientJoinPolicy(Policy[Client]):
    """The people a peer or clinician may find, outside their own teams, to join
    the care team of someone they met. Only the name used, year of birth and
    status of these may be shown (``selectors.FINDABLE_FIELDS``)."""

    model = Client

    class Action(StrEnum):
        VIEW = "view"
        JOIN = "join"

    def _joins(self, user: Any) -> bool:
        return has_ability(user, Ability.USE_REGISTER) and user.can(Ability.JOIN_CARE_TEAMS)

    def visible_to(self, user: Any) -> QuerySet[Client]:
        if not self._joins(user):
            return Client.objects.none()
        return (
            Client.objects.filter(merged_into__isnull=True)
            .exclude(Exists(_current_membership(user)))
            .exclude(Exists(_declared_own(user)))
        )

    def can(self, user: Any, action: StrEnum, obj: Client | None = None) -> bool:
        # Someone already on the team is told so by the service, on the form.
        return (
            action in tuple(self.Action)
            and self._joins(user)
            and (obj is None or (obj.merged_into_id is None and obj.pk != own_record_pk(user)))
        )

    def users_who_can(self, action: StrEnum, obj: Client | None = None) -> QuerySet[User]:
        """The accounts that work on care teams: the member picker offers these
        (never someone whose own record this is)."""
        users = users_with(Ability.USE_REGISTER, Ability.JOIN_CARE_TEAMS)
        if action not in tuple(self.Action) or (obj is not None and obj.merged_into_id is not None):
            return users.none()
        return users if obj is None else without_declarers(users, obj)


client_join_policy = ClientJoinPolicy()


class PersonRecordPolicy(FollowsPolicy[M]):
    """A record that belongs to one person: seen by whoever sees the person,
    changed by whoever may do the matching action to them (``parent_actions``)."""

    parent: ClassVar[Policy[Any]] = client_policy
    parent_field: ClassVar[str] = "client"
    parent_actions: ClassVar[Mapping[str, ClientPolicy.Action]]

    def _on_parent(self, action: StrEnum) -> ClientPolicy.Action | None:
        if action == "view":
            return ClientPolicy.Action.VIEW
        return self.parent_actions.get(action)

    def can(self, user: Any, action: StrEnum, obj: M | None = None) -> bool:
        on_parent = self._on_parent(action)
        if on_parent is None:
            return False
        person = None if obj is None else getattr(obj, self.parent_field)
        return self.parent.can(user, on_parent, person)

    def users_who_can(self, action: StrEnum, obj: M | None = None) -> QuerySet[User]:
        on_parent = self._on_parent(action)
        person = None if obj is None else getattr(obj, self.parent_field)
        users = self.parent.users_who_can(on_parent or ClientPolicy.Action.VIEW, person)
        return users if on_parent is not None else users.none()


class LivingSituationPolicy(PersonRecordPolicy[LivingSituation]):
    """The living situation history; it is added to, never rewritten."""

    model = LivingSituation

    class Action(StrEnum):
        VIEW = "view"
        RECORD = "record"

    parent_actions = {Action.RECORD: ClientPolicy.Action.RECORD_SITUATION}


class CareTeamMembershipPolicy(PersonRecordPolicy[CareTeamMembership]):
    """Care teams as coordinators change them. Joining a team after meeting
    someone is ``client_join_policy``'s; registering someone puts a peer or
    clinician on the team through ``client_policy``'s ``create``."""

    model = CareTeamMembership

    class Action(StrEnum):
        VIEW = "view"
        ADD = "add"
        END = "end"

    parent_actions = {
        Action.ADD: ClientPolicy.Action.MANAGE_TEAM,
        Action.END: ClientPolicy.Action.MANAGE_TEAM,
    }


class ConsentPolicy(PersonRecordPolicy[Consent]):
    """Consent decisions. A withdrawal is never refused to the care team, even
    on a closed file; other decisions are recorded on open files."""

    model = Consent

    class Action(StrEnum):
        VIEW = "view"
        RECORD = "record"
        WITHDRAW = "withdraw"

    parent_actions = {
        Action.RECORD: ClientPolicy.Action.RECORD_CONSENT,
        Action.WITHDRAW: ClientPolicy.Action.WITHDRAW_CONSENT,
    }


class ClientMergePolicy(PersonRecordPolicy[ClientMerge]):
    """Merges of two records of one person, seen with the record kept. Both
    records must be ones the user may merge."""

    model = ClientMerge
    parent_field = "kept"

    class Action(StrEnum):
        VIEW = "view"
        MERGE = "merge"

    parent_actions = {Action.MERGE: ClientPolicy.Action.MERGE}

    def can(self, user: Any, action: StrEnum, obj: ClientMerge | None = None) -> bool:
        if not super().can(user, action, obj):
            return False
        if obj is None or action == self.Action.VIEW:
            return True
        return self.parent.can(user, ClientPolicy.Action.MERGE, obj.merged)


living_situation_policy = LivingSituationPolicy()
care_team_membership_policy = CareTeamMembershipPolicy()
consent_policy = ConsentPolicy()
client_merge_policy = ClientMergePolicy()


class ClientResearchPolicy(Policy[Client]):
    """People served as the programme's statistics see them: counted, never
    shown. Callers must never show a name, a free text or an identifier from
    these rows. Only people whose research consent is in force may appear in
    pseudonymised encounter-level rows (``EXPORT_ROWS``)."""

    model = Client

    class Action(StrEnum):
        VIEW = "view"  # counted in de-identified aggregates
        EXPORT_ROWS = "export_rows"  # pseudonymised rows: research consent in force

    def _studies(self, user: Any) -> bool:
        return has_ability(user, Ability.VIEW_PROGRAMME_STATS)

    def _people(self, action: StrEnum) -> QuerySet[Client]:
        people = Client.objects.filter(merged_into__isnull=True)
        if action == self.Action.EXPORT_ROWS:
            return with_consent_in_force(people, Purpose.RESEARCH)
        return people if action == self.Action.VIEW else people.none()

    def visible_to(self, user: Any, action: StrEnum = Action.VIEW) -> QuerySet[Client]:
        """The people counted (``VIEW``) or shown as pseudonymised rows (``EXPORT_ROWS``)."""
        if not self._studies(user):
            return Client.objects.none()
        return self._people(action)

    def can(self, user: Any, action: StrEnum, obj: Client | None = None) -> bool:
        if not (self._studies(user) and action in tuple(self.Action)):
            return False
        return obj is None or self._people(action).filter(pk=obj.pk).exists()

    def users_who_can(self, action: StrEnum, obj: Client | None = None) -> QuerySet[User]:
        users = users_with(Ability.VIEW_PROGRAMME_STATS)
        if obj is not None and not self._people(action).filter(pk=obj.pk).exists():
            return users.none()
        return users if action in tuple(self.Action) else users.none()


client_research_policy = ClientResearchPolicy()


def with_membership_flag(clients: QuerySet[Client], user: Any) -> QuerySet[Client]:
    """Annotate ``on_my_team`` so lists put the viewer's own people first."""
    return clients.annotate(on_my_team=Exists(_current_membership(user)))


def merged_destination_for(user: Any, pk: Any) -> Client | None:
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
    return client_policy.visible_to(user).filter(pk=kept_pk).first()


# Consent in force, in SQL. The rules themselves are in ``consent``.


NEWEST_FIRST = ("-decided_on", "-recorded_at", "-pk")


def _newest(purpose: Purpose, field: str, person: str = "pk") -> Subquery:
    return Subquery(
        Consent.objects.filter(client=OuterRef(person), purpose=purpose)
        .order_by(*NEWEST_FIRST)
        .values(field)[:1]
    )


def newest_decisions_in_state(
    viewer: Any, state: ConsentState, today: date | None = None
) -> QuerySet[Consent]:
    """The decisions ``viewer`` may see that are the newest for their person
    and purpose and leave that purpose in ``state``. It starts from the
    decisions in that state (an index holds those given, by expiry), so a
    narrow state (expiring soon) is a short read however many people the
    register holds."""
    newest_of_its_purpose = Subquery(
        Consent.objects.filter(client=OuterRef("client"), purpose=OuterRef("purpose"))
        .order_by(*NEWEST_FIRST)
        .values("pk")[:1]
    )
    return (
        consent_policy.visible_to(viewer)
        .filter(consent.decision_state_filter(state, today))
        .filter(pk=newest_of_its_purpose)
    )


def with_newest_decisions(
    clients: QuerySet[Any], purposes: Iterable[Purpose] = tuple(Purpose), person: str = "pk"
) -> QuerySet[Any]:
    """Annotate each person with the newest decision and expiry per purpose (no
    extra query). ``person``: the path to the person, for rows that are not
    people (a care team membership: ``"client"``)."""
    annotations = {}
    for purpose in purposes:
        annotations[consent.decision_field(purpose)] = _newest(purpose, "decision", person)
        annotations[consent.expiry_field(purpose)] = _newest(purpose, "expires_on", person)
    return clients.annotate(**annotations)


def with_consent_in_force(
    rows: QuerySet[M], purpose: Purpose, today: date | None = None, *, person: str = "pk"
) -> QuerySet[M]:
    """Only the rows whose person (at ``person``: the people themselves, or
    rows naming one) consents to ``purpose`` today."""
    newest = with_newest_decisions(rows, [purpose], person=person)
    return newest.filter(consent.in_force_filter(purpose, today))


def has_consent_in_force(client: Client, purpose: Purpose, today: date | None = None) -> bool:
    """Whether ``client`` consents to ``purpose`` today (one query)."""
    newest = (
        Consent.objects.filter(client=client, purpose=purpose)
        .order_by("-decided_on", "-recorded_at", "-pk")
        .values_list("decision", "expires_on")
        .first()
    )
    decision, expires_on = newest or (None, None)
    state = consent.state_of(decision, expires_on, today or timezone.localdate())
    return state in consent.IN_FORCE


# The viewer's own care teams. Every rule about "the people a peer or clinician
# works with" starts here, from the viewer's memberships (an index on the
# member), so the planner works on one staff member's few dozen rows, never on
# the whole register; and a page asks once (``care_teams``, remembered for the
# request by peersupport.request_memo).

# Inside a request, the people are given to SQL as a list of numbers
# (``client_id IN (3, 8, 21)``), which PostgreSQL reads through each person's
# index entries, with a plan small enough that it never compiles it (JIT). A
# list this long or longer (a clinician on thousands of teams) is given as a
# subquery over the viewer's memberships instead, which keeps statements short.
LISTED_PEOPLE_AT_MOST = 1000


@dataclass(frozen=True)
class Place:
    """The viewer's place on one person's care team today."""

    team_role: str
    # The register shows the record to its member: not merged away, not their own.
    shown: bool
    # The person's consent to share with the care team is in force today.
    sharing: bool


@dataclass(frozen=True)
class CareTeams:
    """Where a user is on a care team today: each person's number, with the
    user's place on the team."""

    places: Mapping[int, Place]

    def people(self, team_roles: Iterable[str] | None = None, sharing: bool = False) -> list[int]:
        """The people the register shows the user whose care team they are on
        (in one of ``team_roles``; ``sharing``: whose consent to share with the
        care team is in force), in order."""
        roles = None if team_roles is None else set(team_roles)
        return sorted(
            pk
            for pk, place in self.places.items()
            if place.shown
            and (roles is None or place.team_role in roles)
            and (place.sharing or not sharing)
        )


def _current_places(user: Any) -> QuerySet[CareTeamMembership]:
    """``user``'s memberships of today."""
    return CareTeamMembership.objects.filter(member=user, left_on__isnull=True)


def _shown_places(user: Any, team_roles: Iterable[str] | None = None) -> QuerySet[Any]:
    """``user``'s current memberships on records the register shows them (as
    ``client_policy.visible_to`` does: never merged away, never their own)."""
    places = _current_places(user).filter(client__merged_into__isnull=True)
    places = places.exclude(Exists(_declared_own(user, "client")))
    if team_roles is not None:
        places = places.filter(team_role__in=list(team_roles))
    return places


def _read_care_teams(user: Any) -> CareTeams:
    sharing = Purpose.CARE_TEAM_SHARING
    rows = with_newest_decisions(_current_places(user), [sharing], person="client").annotate(
        merged=ExpressionWrapper(Q(client__merged_into__isnull=False), BooleanField()),
        own=Exists(_declared_own(user, "client")),
    )
    today = timezone.localdate()
    places = {}
    for row in rows.values(
        "client_id",
        "team_role",
        "merged",
        "own",
        consent.decision_field(sharing),
        consent.expiry_field(sharing),
    ):
        state = consent.state_of(
            row[consent.decision_field(sharing)], row[consent.expiry_field(sharing)], today
        )
        places[row["client_id"]] = Place(
            team_role=row["team_role"],
            shown=not (row["merged"] or row["own"]),
            sharing=state in consent.IN_FORCE,
        )
    return CareTeams(places)


def care_teams(user: Any) -> CareTeams:
    """Where ``user`` is on a care team today, in one query over their own
    memberships; inside a request, read once and remembered."""
    if not (is_signed_in(user) and user.pk):
        return CareTeams({})
    return remembered(("care_teams", user.pk), lambda: _read_care_teams(user))


def team_people(
    user: Any, team_roles: Iterable[str] | None = None, *, sharing: bool = False
) -> list[int] | QuerySet[Any]:
    """For ``client__in``: the people the register shows ``user`` whose care
    team they are on today (in one of ``team_roles``; ``sharing``: whose
    consent to share with the care team is in force). Inside a request, a list
    of numbers read once (``care_teams``); else, or when the list would be very
    long, a subquery that starts from ``user``'s own memberships."""
    if not has_ability(user, Ability.USE_REGISTER):
        return []
    if in_request():
        people = care_teams(user).people(team_roles, sharing)
        if len(people) < LISTED_PEOPLE_AT_MOST:
            return people
    places = _shown_places(user, team_roles)
    if sharing:
        places = with_consent_in_force(places, Purpose.CARE_TEAM_SHARING, person="client")
    return places.values("client")


def team_clients(user: Any, team_roles: Iterable[str] | None = None) -> QuerySet[Client]:
    """The people of ``team_people(user, team_roles)``, as rows."""
    return Client.objects.filter(pk__in=team_people(user, team_roles))


def teammates_of(user: Any) -> QuerySet[Any]:
    """For ``pk__in``: the members today of the care teams ``user`` is on (of
    ``team_people``), ``user`` among them."""
    return CareTeamMembership.objects.filter(
        client__in=team_people(user), left_on__isnull=True
    ).values("member")


def on_team_of(user: Any, client: Client, team_roles: Iterable[str] | None = None) -> bool:
    """Whether ``client`` is among ``team_people(user, team_roles)``: asked of
    the request's ``care_teams`` inside a request, else one query."""
    if not has_ability(user, Ability.USE_REGISTER):
        return False
    if in_request():
        place = care_teams(user).places.get(client.pk)
        return (
            place is not None
            and place.shown
            and (team_roles is None or place.team_role in set(team_roles))
        )
    return _shown_places(user, team_roles).filter(client=client).exists()


def open_files_on_teams_of(user: Any) -> QuerySet[Client]:
    """The people whom ``user`` may start something about (an encounter, a
    follow-up): on their care teams today, their file open."""
    return team_clients(user).filter(closed_on__isnull=True)


def has_open_file_on_team_of(user: Any, client: Client) -> bool:
    """Whether ``client`` is among ``open_files_on_teams_of(user)``: asked of
    the request's ``care_teams`` inside a request, else one query."""
    return client.closed_on is None and on_team_of(user, client)


def shares_with_care_team(client: Client, *, asked_by: Any = None) -> bool:
    """Whether ``client``'s consent to share with the care team is in force
    today. Inside a request, answered from ``asked_by``'s ``care_teams`` when
    ``client`` is on one of them; else one query (``has_consent_in_force``)."""
    if in_request() and asked_by is not None:
        place = care_teams(asked_by).places.get(client.pk)
        if place is not None:
            return place.sharing
    return has_consent_in_force(client, Purpose.CARE_TEAM_SHARING)


class DualRelationshipPolicy(Policy[DualRelationship]):
    """Declarations that the programme once served a staff member: each
    declares their own, and sees it; those who manage the staff see every
    declaration and link it to the record, whose content stays under
    ``client_policy`` (so the declaration never opens the record to anyone)."""

    model = DualRelationship

    class Action(StrEnum):
        VIEW = "view"
        # Declare one's own (asked with no declaration, or of one not saved yet).
        DECLARE = "declare"
        # Say which record it is (and take its declarer off the care team).
        LINK = "link"

    def _manages(self, user: Any) -> bool:
        return has_ability(user, Ability.MANAGE_STAFF)

    def visible_to(self, user: Any) -> QuerySet[DualRelationship]:
        if self._manages(user):
            return DualRelationship.objects.all()
        if has_ability(user, Ability.BE_SUPERVISED):
            return DualRelationship.objects.filter(user=user)
        return DualRelationship.objects.none()

    def can(self, user: Any, action: StrEnum, obj: DualRelationship | None = None) -> bool:
        A = self.Action
        match action:
            case A.DECLARE:
                if not has_ability(user, Ability.BE_SUPERVISED):
                    return False
                if obj is None:
                    return not DualRelationship.objects.filter(user=user).exists()
                return obj._state.adding and obj.user_id == user.pk
            case A.LINK:
                return self._manages(user) and (obj is None or not obj._state.adding)
            case A.VIEW:
                if obj is None:
                    return self._manages(user) or has_ability(user, Ability.BE_SUPERVISED)
                return self.visible_to(user).filter(pk=obj.pk).exists()
        return False

    def users_who_can(self, action: StrEnum, obj: DualRelationship | None = None) -> QuerySet[User]:
        if action == self.Action.LINK:
            return users_with(Ability.MANAGE_STAFF)
        return super().users_who_can(action, obj)


dual_relationship_policy = DualRelationshipPolicy()
