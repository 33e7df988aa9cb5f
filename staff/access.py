"""Who may see or do what about the programme's staff: one policy per model.

- ``backing_policy``: supervisors and reference persons. A coordinator
  (``MANAGE_STAFF``) names and ends them; the peer and the person backing
  them see the backing.
- ``work_activity_policy``: work that is not an encounter. Its author and
  those who were there see it. A supervision or a debriefing is the peer's
  and whoever led it, nobody else's, and so is its note: no coordinator, no
  researcher, no safety exception (that exception is about people served).
  Other notes are read by whoever was there. Coordinators count the time of
  every activity (``metadata_visible_to``), never reading a note.
- ``debriefing_request_policy``: a peer's request for a debriefing, seen by
  the peer and the supervisor it went to, nobody else.
- ``wellness_plan_policy``: the peer's wellness action plan. The peer reads
  and saves it (every version); their current supervisor reads the newest
  version when the peer chose to share it. Nobody else, whatever their role:
  not a coordinator, not a researcher, not a superuser.
- ``onboarding_item_policy``: a new peer's checklist, kept by coordinators
  and shown to the peer.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from peersupport.models import User
from peersupport.policy import Policy, has_ability, is_signed_in, users_with
from peersupport.roles import Ability

from .choices import LOGBOOK_KINDS, PRIVATE_KINDS, BackingRole, DebriefingStatus
from .models import Backing, DebriefingRequest, OnboardingItem, WellnessPlan, WorkActivity


def _manages_staff(user: Any) -> bool:
    return has_ability(user, Ability.MANAGE_STAFF)


def current_backings() -> QuerySet[Backing]:
    return Backing.objects.filter(ended_on__isnull=True)


def supervised_by(user: Any) -> QuerySet[User]:
    """The peers ``user`` supervises today."""
    return User.objects.filter(
        pk__in=current_backings().filter(backer=user, role=BackingRole.SUPERVISOR).values("peer")
    )


def supervisor_of(peer: Any) -> User | None:
    """The peer's supervisor today, if one is named and their account is active."""
    backing = (
        current_backings()
        .filter(peer=peer, role=BackingRole.SUPERVISOR, backer__is_active=True)
        .select_related("backer")
        .first()
    )
    return backing.backer if backing else None


# Supervisors and reference persons.


class BackingPolicy(Policy[Backing]):
    model = Backing

    class Action(StrEnum):
        VIEW = "view"
        # Name a supervisor or a reference person (asked of one not saved yet).
        SET = "set"
        END = "end"
        # Be backed (the peers' picker) / back someone (the backers' picker).
        BE_BACKED = "be_backed"
        BACK = "back"

    def visible_to(self, user: Any) -> QuerySet[Backing]:
        if _manages_staff(user):
            return Backing.objects.all()
        if not is_signed_in(user) or not user.abilities:
            return Backing.objects.none()
        return Backing.objects.filter(Q(peer=user) | Q(backer=user))

    def can(self, user: Any, action: StrEnum, obj: Backing | None = None) -> bool:
        A = self.Action
        if not is_signed_in(user) or action not in tuple(A):
            return False
        match action:
            case A.SET:
                return _manages_staff(user) and (obj is None or obj._state.adding)
            case A.END:
                return _manages_staff(user) and (obj is None or obj.ended_on is None)
            case A.BE_BACKED:
                return has_ability(user, Ability.BE_SUPERVISED)
            case A.BACK:
                return has_ability(user, Ability.USE_REGISTER)
            case A.VIEW:
                if obj is None:
                    return bool(user.abilities)
                return self.visible_to(user).filter(pk=obj.pk).exists()
        return False

    def users_who_can(self, action: StrEnum, obj: Backing | None = None) -> QuerySet[User]:
        match action:
            case self.Action.BE_BACKED:
                return users_with(Ability.BE_SUPERVISED)
            case self.Action.BACK:
                # Clinicians, coordinators and experienced peers back peers.
                return users_with(Ability.USE_REGISTER)
            case self.Action.SET | self.Action.END:
                return users_with(Ability.MANAGE_STAFF)
        return super().users_who_can(action, obj)


backing_policy = BackingPolicy()


# Work that is not an encounter.


class WorkActivityPolicy(Policy[WorkActivity]):
    model = WorkActivity

    class Action(StrEnum):
        LIST = "list"
        VIEW = "view"
        # Log one (asked of one not saved yet: its author is the user).
        CREATE = "create"
        # Change when, how long, who was there; add to the note.
        EDIT = "edit"
        READ_NOTE = "read_note"
        # Turn a meeting or a debriefing into a logbook entry.
        TO_LOGBOOK = "to_logbook"
        # Be named among who was there (the picker).
        ATTEND = "attend"
        # Count time by kind, never reading a note (coordinators).
        COUNT = "count"

    def _logs(self, user: Any) -> bool:
        return has_ability(user, Ability.LOG_WORK)

    def visible_to(self, user: Any) -> QuerySet[WorkActivity]:
        """The only source of work activities ``user`` may open."""
        if not self._logs(user):
            return WorkActivity.objects.none()
        private = Q(kind__in=PRIVATE_KINDS)
        theirs = Q(peer=user) | Q(led_by=user)
        was_there = Q(author=user) | Q(
            pk__in=WorkActivity.attendees.through.objects.filter(user=user).values("workactivity")
        )
        return WorkActivity.objects.filter((private & theirs) | (~private & was_there))

    def metadata_visible_to(self, user: Any) -> QuerySet[WorkActivity]:
        """Activities whose kind, date and length ``user`` may count: callers
        read columns with ``values()``, never the note."""
        if not self.can(user, self.Action.COUNT):
            return self.visible_to(user).defer("note")
        return WorkActivity.objects.defer("note")

    def can(self, user: Any, action: StrEnum, obj: WorkActivity | None = None) -> bool:
        A = self.Action
        if not is_signed_in(user) or action not in tuple(A):
            return False
        if action == A.COUNT:
            return obj is None and (
                _manages_staff(user) or has_ability(user, Ability.VIEW_OVERVIEW)
            )
        if not self._logs(user):
            return False
        if action == A.ATTEND:
            return True
        if obj is None:
            if action == A.TO_LOGBOOK:
                return has_ability(user, Ability.CONTRIBUTE_LOGBOOK)
            return action in (A.LIST, A.VIEW, A.CREATE)
        if action == A.CREATE:
            if not obj._state.adding or obj.author_id != user.pk:
                return False
            # A supervision or a debriefing is logged by one of its two people.
            return obj.kind not in PRIVATE_KINDS or user.pk in (obj.peer_id, obj.led_by_id)
        if obj._state.adding or not self.visible_to(user).filter(pk=obj.pk).exists():
            return False
        match action:
            case A.VIEW | A.READ_NOTE:
                return True
            case A.EDIT:
                return obj.author_id == user.pk
            case A.TO_LOGBOOK:
                return obj.kind in LOGBOOK_KINDS and has_ability(user, Ability.CONTRIBUTE_LOGBOOK)
        return False

    def users_who_can(self, action: StrEnum, obj: WorkActivity | None = None) -> QuerySet[User]:
        if action == self.Action.ATTEND:
            return users_with(Ability.LOG_WORK)
        if action == self.Action.READ_NOTE and obj is not None:
            if obj.kind in PRIVATE_KINDS:
                return users_with(Ability.LOG_WORK).filter(pk__in=[obj.peer_id, obj.led_by_id])
            return (
                users_with(Ability.LOG_WORK)
                .filter(Q(pk=obj.author_id) | Q(work_attended=obj))
                .distinct()
            )
        return super().users_who_can(action, obj)


work_activity_policy = WorkActivityPolicy()


# Debriefings asked for.


class DebriefingRequestPolicy(Policy[DebriefingRequest]):
    model = DebriefingRequest

    class Action(StrEnum):
        VIEW = "view"
        # Ask for one (a peer with a supervisor).
        ASK = "ask"
        # Say it was held (the supervisor), or withdraw it (the peer).
        HOLD = "hold"
        WITHDRAW = "withdraw"

    def visible_to(self, user: Any) -> QuerySet[DebriefingRequest]:
        if not is_signed_in(user) or not user.abilities:
            return DebriefingRequest.objects.none()
        return DebriefingRequest.objects.filter(Q(peer=user) | Q(supervisor=user))

    def can(self, user: Any, action: StrEnum, obj: DebriefingRequest | None = None) -> bool:
        A = self.Action
        if not is_signed_in(user) or action not in tuple(A):
            return False
        if action == A.ASK:
            if not has_ability(user, Ability.BE_SUPERVISED):
                return False
            return obj is None or (obj._state.adding and obj.peer_id == user.pk)
        if obj is None:
            return action == A.VIEW and bool(user.abilities)
        if not self.visible_to(user).filter(pk=obj.pk).exists():
            return False
        is_open = obj.status == DebriefingStatus.OPEN
        match action:
            case A.VIEW:
                return True
            case A.HOLD:
                return is_open and obj.supervisor_id == user.pk
            case A.WITHDRAW:
                return is_open and obj.peer_id == user.pk
        return False


debriefing_request_policy = DebriefingRequestPolicy()


# The wellness action plan.


def _newest_plan() -> Subquery:
    return Subquery(
        WellnessPlan.objects.filter(peer=OuterRef("peer"))
        .order_by("-saved_at", "-pk")
        .values("pk")[:1]
    )


class WellnessPlanPolicy(Policy[WellnessPlan]):
    model = WellnessPlan

    class Action(StrEnum):
        VIEW = "view"
        # Save a new version of one's own plan.
        SAVE = "save"

    def visible_to(self, user: Any) -> QuerySet[WellnessPlan]:
        """The peer's own versions, and the newest shared plan of each peer
        ``user`` supervises today. Roles give nothing more."""
        if not is_signed_in(user) or not user.abilities:
            return WellnessPlan.objects.none()
        own = Q(peer=user) if user.can(Ability.BE_SUPERVISED) else Q(pk__in=[])
        shared = Q(
            peer__in=supervised_by(user).values("pk"),
            shared_with_supervisor=True,
            pk=_newest_plan(),
        )
        return WellnessPlan.objects.filter(own | shared)

    def can(self, user: Any, action: StrEnum, obj: WellnessPlan | None = None) -> bool:
        A = self.Action
        if not is_signed_in(user) or action not in tuple(A):
            return False
        if action == A.SAVE:
            return has_ability(user, Ability.BE_SUPERVISED) and (
                obj is None or (obj._state.adding and obj.peer_id == user.pk)
            )
        if obj is None:
            return bool(user.abilities)
        return self.visible_to(user).filter(pk=obj.pk).exists()


wellness_plan_policy = WellnessPlanPolicy()


# Onboarding.


class OnboardingItemPolicy(Policy[OnboardingItem]):
    model = OnboardingItem

    class Action(StrEnum):
        VIEW = "view"
        # Start a checklist, change a due date, mark a step done.
        KEEP = "keep"

    def visible_to(self, user: Any) -> QuerySet[OnboardingItem]:
        if _manages_staff(user):
            return OnboardingItem.objects.all()
        if has_ability(user, Ability.BE_SUPERVISED):
            return OnboardingItem.objects.filter(peer=user)
        return OnboardingItem.objects.none()

    def can(self, user: Any, action: StrEnum, obj: OnboardingItem | None = None) -> bool:
        A = self.Action
        if not is_signed_in(user) or action not in tuple(A):
            return False
        if action == A.KEEP:
            return _manages_staff(user)
        if obj is None:
            return _manages_staff(user) or has_ability(user, Ability.BE_SUPERVISED)
        return self.visible_to(user).filter(pk=obj.pk).exists()

    def users_who_can(self, action: StrEnum, obj: OnboardingItem | None = None) -> QuerySet[User]:
        if action == self.Action.KEEP:
            return users_with(Ability.MANAGE_STAFF)
        return super().users_who_can(action, obj)


onboarding_item_policy = OnboardingItemPolicy()
