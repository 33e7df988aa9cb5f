"""Who may see or do what with support groups: one policy per model.

- ``support_group_policy``: the groups themselves (a name, a place, a
  schedule, who facilitates): seen by those who work with people (peers,
  clinicians, coordinators); started by peers and clinicians, changed by
  their facilitators.
- ``group_session_policy``: sessions. That a session took place, its topic
  and its head counts are seen with the group; its note, encrypted, is read
  by the facilitators its audience names (the author chooses, the narrowest
  by default), like a note about a person is read by a care team. Leaving the
  facilitators ends the reading. No coordinator, no researcher and no safety
  exception reads a session's note. Researchers and coordinators count
  sessions (``metadata_visible_to``), never reading them.
- ``group_attendance_policy``: who came. A session's list names the people
  on the viewer's own care teams (``named_for``); everyone else who came is a
  number. On a person's timeline, the sessions they came to are seen by
  whoever sees that person (``client_policy``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db.models import QuerySet

from clients.access import client_policy
from clients.models import Client
from peersupport.models import User
from peersupport.policy import Policy, has_ability, is_signed_in, users_with
from peersupport.roles import Ability, Role

from .choices import SessionNoteAudience
from .models import GroupAttendance, GroupSession, SupportGroup


def _sees_groups(user: Any) -> bool:
    return has_ability(user, Ability.RUN_GROUPS) or has_ability(user, Ability.SEE_ALL_CLIENTS)


def _runs_groups(user: Any) -> bool:
    return has_ability(user, Ability.RUN_GROUPS)


def _facilitates(user: Any, group: SupportGroup) -> bool:
    return group.facilitators.filter(pk=user.pk).exists()


class SupportGroupPolicy(Policy[SupportGroup]):
    model = SupportGroup

    class Action(StrEnum):
        LIST = "list"
        VIEW = "view"
        CREATE = "create"
        EDIT = "edit"
        # Record a session (and who came) of an active group.
        RECORD_SESSION = "record_session"
        # Be named among the facilitators (the picker).
        FACILITATE = "facilitate"

    def visible_to(self, user: Any) -> QuerySet[SupportGroup]:
        if not _sees_groups(user):
            return SupportGroup.objects.none()
        return SupportGroup.objects.all()

    def can(self, user: Any, action: StrEnum, obj: SupportGroup | None = None) -> bool:
        A = self.Action
        if not is_signed_in(user) or action not in tuple(A):
            return False
        match action:
            case A.LIST | A.VIEW:
                return _sees_groups(user)
            case A.CREATE:
                return _runs_groups(user) and (obj is None or obj._state.adding)
            case A.FACILITATE:
                return _runs_groups(user)
            case A.EDIT:
                return _runs_groups(user) and (obj is None or _facilitates(user, obj))
            case A.RECORD_SESSION:
                if obj is None:
                    return _runs_groups(user)
                return _runs_groups(user) and obj.is_active and _facilitates(user, obj)
        return False

    def users_who_can(self, action: StrEnum, obj: SupportGroup | None = None) -> QuerySet[User]:
        if action in (self.Action.FACILITATE, self.Action.CREATE):
            return users_with(Ability.RUN_GROUPS)
        if action in (self.Action.EDIT, self.Action.RECORD_SESSION) and obj is not None:
            return users_with(Ability.RUN_GROUPS).filter(groups_facilitated=obj)
        return super().users_who_can(action, obj)


support_group_policy = SupportGroupPolicy()


class GroupSessionPolicy(Policy[GroupSession]):
    model = GroupSession

    class Action(StrEnum):
        VIEW = "view"
        # Change the date, topic, counts and who came; cancel.
        EDIT = "edit"
        # Read the note: the facilitators its audience names.
        READ_NOTE = "read_note"
        # Count sessions and who came, never reading them (statistics, overview).
        COUNT = "count"

    def visible_to(self, user: Any) -> QuerySet[GroupSession]:
        """Sessions whose date, topic and counts ``user`` may see."""
        if not _sees_groups(user):
            return GroupSession.objects.none()
        return GroupSession.objects.all()

    def note_audiences_for(self, user: Any) -> list[SessionNoteAudience]:
        """The audiences of session notes ``user`` reads where they facilitate."""
        if not _runs_groups(user):
            return []
        audiences = [SessionNoteAudience.FACILITATORS]
        if user.has_role(Role.PEER):
            audiences.append(SessionNoteAudience.PEERS)
        if user.has_role(Role.CLINICIAN):
            audiences.append(SessionNoteAudience.CLINICIANS)
        return audiences

    def notes_visible_to(self, user: Any) -> QuerySet[GroupSession]:
        """The only source of sessions whose note ``user`` may read."""
        audiences = self.note_audiences_for(user)
        if not audiences:
            return GroupSession.objects.none()
        return GroupSession.objects.filter(
            group__facilitators=user, note_audience__in=audiences
        ).distinct()

    def metadata_visible_to(self, user: Any) -> QuerySet[GroupSession]:
        """Sessions held (not cancelled) that ``user`` may count: callers read
        columns with ``values()``, never the note."""
        if not self.can(user, self.Action.COUNT):
            return GroupSession.objects.none()
        return GroupSession.objects.filter(cancelled_at__isnull=True).defer("note")

    def can(self, user: Any, action: StrEnum, obj: GroupSession | None = None) -> bool:
        A = self.Action
        if not is_signed_in(user) or action not in tuple(A):
            return False
        if action == A.COUNT:
            return obj is None and (
                has_ability(user, Ability.VIEW_PROGRAMME_STATS)
                or has_ability(user, Ability.VIEW_OVERVIEW)
            )
        if obj is None:
            return (action == A.VIEW and _sees_groups(user)) or (
                action in (A.EDIT, A.READ_NOTE) and _runs_groups(user)
            )
        match action:
            case A.VIEW:
                return _sees_groups(user)
            case A.EDIT:
                return (
                    _runs_groups(user)
                    and obj.cancelled_at is None
                    and _facilitates(user, obj.group)
                )
            case A.READ_NOTE:
                return self.notes_visible_to(user).filter(pk=obj.pk).exists()
        return False

    def users_who_can(self, action: StrEnum, obj: GroupSession | None = None) -> QuerySet[User]:
        if action == self.Action.READ_NOTE and obj is not None:
            readers = users_with(Ability.RUN_GROUPS).filter(groups_facilitated=obj.group_id)
            if obj.note_audience == SessionNoteAudience.PEERS:
                return readers.filter(role_grants__role=Role.PEER)
            if obj.note_audience == SessionNoteAudience.CLINICIANS:
                return readers.filter(role_grants__role=Role.CLINICIAN)
            return readers
        return super().users_who_can(action, obj)


group_session_policy = GroupSessionPolicy()


class GroupAttendancePolicy(Policy[GroupAttendance]):
    model = GroupAttendance

    class Action(StrEnum):
        VIEW = "view"
        # Say that a registered person came (asked of one not saved yet).
        RECORD = "record"
        # Take a person off a session's list (recorded by mistake).
        REMOVE = "remove"

    def visible_to(self, user: Any) -> QuerySet[GroupAttendance]:
        """Attendances whose person ``user`` may see: the rest are a count."""
        if not _sees_groups(user):
            return GroupAttendance.objects.none()
        return GroupAttendance.objects.filter(
            client__in=client_policy.visible_to(user).values("pk")
        )

    def named_for(self, user: Any) -> QuerySet[GroupAttendance]:
        """Attendances a session's list names to ``user``: people on their own
        care teams today. Everyone else who came is a count, even to those who
        may see them elsewhere (a coordinator sees everyone in the register,
        yet an attendance list names nobody to them)."""
        if not _sees_groups(user):
            return GroupAttendance.objects.none()
        return self.visible_to(user).filter(
            client__memberships__member=user, client__memberships__left_on__isnull=True
        )

    def clients_for_record(self, user: Any) -> QuerySet[Client]:
        """People ``user`` may name as having come: open files on their care teams."""
        if not _runs_groups(user):
            return client_policy.visible_to(user).none()
        return client_policy.visible_to(user).filter(
            memberships__member=user, memberships__left_on__isnull=True, closed_on__isnull=True
        )

    def can(self, user: Any, action: StrEnum, obj: GroupAttendance | None = None) -> bool:
        A = self.Action
        if not is_signed_in(user) or action not in tuple(A):
            return False
        if obj is None:
            return (action == A.VIEW and _sees_groups(user)) or _runs_groups(user)
        if action == A.RECORD:
            return (
                obj._state.adding
                and group_session_policy.can(user, GroupSessionPolicy.Action.EDIT, obj.session)
                and self.clients_for_record(user).filter(pk=obj.client_id).exists()
            )
        if not self.visible_to(user).filter(pk=obj.pk).exists():
            return False
        if action == A.REMOVE:
            return group_session_policy.can(user, GroupSessionPolicy.Action.EDIT, obj.session)
        return action == A.VIEW


group_attendance_policy = GroupAttendancePolicy()


def attendance_counts(user: Any, session: GroupSession) -> tuple[int, int]:
    """(registered people ``user`` may not see, anonymous head count) of a session."""
    hidden = (
        GroupAttendance.objects.filter(session=session)
        .exclude(pk__in=group_attendance_policy.visible_to(user).values("pk"))
        .count()
    )
    return hidden, session.anonymous_count
