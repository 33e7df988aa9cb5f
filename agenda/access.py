"""Who may see or do what in the agenda: one policy per confidential model.

- ``follow_up_policy``: follow-ups and accompaniments. What was promised and
  how it went are working text about a person, so they follow the person's
  care team: its current members (peers and clinicians alike) see, write,
  close and log them; whoever leaves the team stops seeing them, even the
  ones assigned to them (the coordinators' counts still show those, so they
  can be handed over). The person in charge is always a current member of
  the team. A closed file keeps its follow-ups readable, and its open ones
  may still be closed, but nothing new is promised on it and nothing is
  edited. Coordinators see that follow-ups exist and which are overdue
  (``metadata_visible_to``, counts per worker), never what they say.
  Researchers see nothing. The safety exception opens notes only: a
  follow-up is a worker's task, not something a crisis needs to read.
  Being a superuser changes nothing.
- ``calendar_feed_policy``: each user's own calendar feed (turn it on, reset
  its address, turn it off), for those who may list follow-ups; the feed's
  address itself is looked up by the hash of its secret (``by_secret``).
"""

from __future__ import annotations

import hashlib
import hmac
from enum import StrEnum
from typing import Any

from django.db.models import QuerySet

from clients.access import (
    client_policy,
    has_open_file_on_team_of,
    open_files_on_teams_of,
    team_people,
)
from clients.models import Client
from peersupport.models import User
from peersupport.policy import Policy, has_ability, is_signed_in, users_with
from peersupport.roles import Ability

from .models import CalendarFeed, FollowUp


def _works_on_teams(user: Any) -> bool:
    return has_ability(user, Ability.USE_REGISTER) and user.can(Ability.JOIN_CARE_TEAMS)


class FollowUpPolicy(Policy[FollowUp]):
    """Follow-ups and accompaniments (see the module's docstring)."""

    model = FollowUp

    class Action(StrEnum):
        LIST = "list"
        VIEW = "view"
        # Promise something. Asked of a follow-up not saved yet: about its person.
        CREATE = "create"
        EDIT = "edit"
        # Mark done or cancel.
        CLOSE = "close"
        # Turn an accompaniment into the encounter it was.
        LOG_ENCOUNTER = "log_encounter"
        # Be the one in charge (the picker: current members of the person's team).
        HOLD = "hold"
        # Count follow-ups per worker, never reading them (coordinators).
        COUNT = "count"

    def visible_to(self, user: Any) -> QuerySet[FollowUp]:
        """The only source of follow-ups whose text ``user`` may read."""
        if not _works_on_teams(user):
            return FollowUp.objects.none()
        # Started from the person's own care teams, so a worker's list is
        # computed from their own few dozen people.
        return FollowUp.objects.filter(client__in=team_people(user))

    def metadata_visible_to(self, user: Any) -> QuerySet[FollowUp]:
        """Follow-ups whose existence (who, when, status; never what or how it
        went) ``user`` may count: every one for coordinators. Callers read
        columns with ``values()``, never whole rows."""
        if not self.can(user, self.Action.COUNT):
            return FollowUp.objects.none()
        return FollowUp.objects.filter(client__merged_into__isnull=True).defer("what", "outcome")

    def lookup(self, user: Any, action: StrEnum) -> QuerySet[FollowUp]:
        return self.visible_to(user).select_related(
            "client", "assigned_to", "created_by", "closed_by", "kind", "place_partner"
        )

    def clients_for_new(self, user: Any) -> QuerySet[Client]:
        """People ``user`` may promise something about: open files on their teams."""
        if not _works_on_teams(user):
            return client_policy.visible_to(user).none()
        return open_files_on_teams_of(user)

    def can(self, user: Any, action: StrEnum, obj: FollowUp | None = None) -> bool:
        A = self.Action
        if not is_signed_in(user) or action not in tuple(A):
            return False
        if action == A.COUNT:
            return obj is None and has_ability(user, Ability.MANAGE_CARE_TEAMS)
        if not _works_on_teams(user):
            return False
        if obj is None:
            return action in (A.LIST, A.VIEW, A.CREATE)
        if action == A.CREATE:
            # ``clients_for_new``, asked of one person (once per request: clients.access).
            return (
                obj._state.adding
                and obj.client_id is not None
                and has_open_file_on_team_of(user, obj.client)
            )
        if action == A.HOLD:
            return self.users_who_can(A.HOLD, obj).filter(pk=user.pk).exists()
        if obj._state.adding or not self.visible_to(user).filter(pk=obj.pk).exists():
            return False
        file_open = obj.client.closed_on is None
        match action:
            case A.LIST | A.VIEW:
                return True
            case A.EDIT:
                return obj.is_open and file_open
            case A.CLOSE:
                # Closing a file leaves nothing hanging: its open promises may
                # still be marked done or cancelled.
                return obj.is_open
            case A.LOG_ENCOUNTER:
                return obj.can_become_encounter
        return False

    def users_who_can(self, action: StrEnum, obj: FollowUp | None = None) -> QuerySet[User]:
        """Who may be put in charge of ``obj``: the current members of its
        person's care team who work on care teams (none on a closed file)."""
        if action != self.Action.HOLD:
            return super().users_who_can(action, obj)
        users = users_with(Ability.USE_REGISTER, Ability.JOIN_CARE_TEAMS)
        if obj is None:
            return users
        client = obj.client
        if client.merged_into_id is not None or client.closed_on is not None:
            return users.none()
        return users.filter(
            care_memberships__client=client, care_memberships__left_on__isnull=True
        ).distinct()


follow_up_policy = FollowUpPolicy()


# Calendar feeds.


def calendar_secret_hash(secret: str) -> str:
    """What is stored of a feed's secret: its SHA-256, in hexadecimal."""
    return hashlib.sha256(secret.encode()).hexdigest()


class CalendarFeedPolicy(Policy[CalendarFeed]):
    """Each user's own calendar feed, and nobody else's: not a coordinator's,
    not a superuser's. Those who may list follow-ups may have one (peers and
    clinicians); a deactivated account's address answers nothing."""

    model = CalendarFeed

    class Action(StrEnum):
        VIEW = "view"
        TURN_ON = "turn_on"
        RESET = "reset"
        TURN_OFF = "turn_off"

    def visible_to(self, user: Any) -> QuerySet[CalendarFeed]:
        if not self.can(user, self.Action.VIEW):
            return CalendarFeed.objects.none()
        return CalendarFeed.objects.filter(user=user)

    def can(self, user: Any, action: StrEnum, obj: CalendarFeed | None = None) -> bool:
        if action not in tuple(self.Action):
            return False
        if not follow_up_policy.can(user, follow_up_policy.Action.LIST):
            return False
        return obj is None or obj.user_id == user.pk

    def of(self, user: Any) -> CalendarFeed | None:
        """``user``'s own feed, if it is on."""
        return self.visible_to(user).first()

    def by_secret(self, secret: str) -> CalendarFeed | None:
        """The feed whose address carries ``secret``, with its owner, while the
        owner may still have one; None otherwise (a wrong or reset address).

        Looked up by the secret's hash: how long the lookup takes can tell
        something about the hash, never about the secret."""
        digest = calendar_secret_hash(secret)
        feed = CalendarFeed.objects.select_related("user").filter(secret_hash=digest).first()
        if feed is None or not hmac.compare_digest(feed.secret_hash, digest):
            return None
        return feed if self.can(feed.user, self.Action.VIEW, feed) else None


calendar_feed_policy = CalendarFeedPolicy()
