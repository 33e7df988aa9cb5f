"""Who may see or do what with referrals: one policy per model.

- ``referral_policy``: a person's referrals follow the person, as encounters
  do. The person's care team (peers and clinicians on it today) sees them,
  reads why the person was referred and how it ended, makes new ones and
  records each change of status. Coordinators, who see every person, see that
  a referral exists, where to and where it stands, never the reason or the
  outcome. Researchers see no referral at all. A closed file keeps its
  referrals readable; nothing new is recorded until it is reopened.
- ``referral_status_change_policy``: the history of a referral follows it.
- ``referral_count_policy``: every referral, to be counted and never shown:
  the received referrals on a partner's page (everyone who reads the
  directory) and the programme's research figures.

Consent is an access rule too: ``consents_missing`` says which of the
person's consents a referral to a partner needs and lacks.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db.models import QuerySet

from clients.access import client_policy, client_research_policy, has_consent_in_force
from clients.choices import Purpose
from clients.models import Client
from partners.models import Partner
from peersupport.models import User
from peersupport.policy import FollowsPolicy, Policy, has_ability, is_signed_in, users_with
from peersupport.roles import Ability

from .choices import FINAL_STATUSES
from .models import Referral, ReferralStatusChange


def consents_needed(partner: Partner) -> list[Purpose]:
    """The consents a referral to ``partner`` needs: receiving services always,
    and sharing with a partner when the partner is outside our organisation."""
    needed = [Purpose.PEER_SUPPORT]
    if not partner.is_internal:
        needed.append(Purpose.PARTNER_REFERRAL)
    return needed


def consents_missing(client: Client, partner: Partner) -> list[Purpose]:
    """The consents of ``consents_needed`` that are not in force for ``client`` today."""
    return [
        purpose for purpose in consents_needed(partner) if not has_consent_in_force(client, purpose)
    ]


class ReferralPolicy(Policy[Referral]):
    """A person's referrals: their care team, and coordinators without the texts."""

    model = Referral

    class Action(StrEnum):
        LIST = "list"
        VIEW = "view"
        # Why the person was referred and how it ended: the care team's.
        READ_TEXT = "read_text"
        # Asked of a referral not saved yet, with its person.
        CREATE = "create"
        CHANGE_STATUS = "change_status"

    def visible_to(self, user: Any) -> QuerySet[Referral]:
        """The only source of referral lists: those of the people ``user`` sees."""
        if not has_ability(user, Ability.USE_REGISTER):
            return Referral.objects.none()
        return Referral.objects.filter(client__in=client_policy.visible_to(user).values("pk"))

    def lookup(self, user: Any, action: StrEnum) -> QuerySet[Referral]:
        return self.visible_to(user).select_related("client", "partner", "created_by")

    def _works_with(self, user: Any, client: Client) -> bool:
        """On the person's care team today, as a peer or clinician."""
        return (
            user.can(Ability.JOIN_CARE_TEAMS)
            and client.merged_into_id is None
            and client_policy.is_on_team(user, client)
        )

    def can(self, user: Any, action: StrEnum, obj: Referral | None = None) -> bool:
        A = self.Action
        if not has_ability(user, Ability.USE_REGISTER) or action not in tuple(A):
            return False
        if obj is None:
            if action in (A.LIST, A.VIEW):
                return True
            return user.can(Ability.JOIN_CARE_TEAMS)
        if action == A.CREATE:
            return (
                obj._state.adding
                and obj.client.closed_on is None
                and self._works_with(user, obj.client)
            )
        if obj._state.adding or not self.visible_to(user).filter(pk=obj.pk).exists():
            return False
        match action:
            case A.LIST | A.VIEW:
                return True
            case A.READ_TEXT:
                return self._works_with(user, obj.client)
            case A.CHANGE_STATUS:
                return (
                    obj.status not in FINAL_STATUSES
                    and obj.client.closed_on is None
                    and self._works_with(user, obj.client)
                )
        return False

    def users_who_can(self, action: StrEnum, obj: Referral | None = None) -> QuerySet[User]:
        """Who may make a referral or record its changes: the person's care team."""
        A = self.Action
        if action not in (A.CREATE, A.CHANGE_STATUS, A.READ_TEXT):
            return super().users_who_can(action, obj)
        users = users_with(Ability.USE_REGISTER, Ability.JOIN_CARE_TEAMS)
        if obj is None:
            return users
        client = obj.client
        if client.merged_into_id is not None:
            return users.none()
        if action != A.READ_TEXT and client.closed_on is not None:
            return users.none()
        if action == A.CHANGE_STATUS and obj.status in FINAL_STATUSES:
            return users.none()
        return users.filter(care_memberships__client=client, care_memberships__left_on__isnull=True)


referral_policy = ReferralPolicy()


class ReferralStatusChangePolicy(FollowsPolicy[ReferralStatusChange]):
    """A step of a referral: seen with the referral, recorded by who may change it."""

    model = ReferralStatusChange
    parent = referral_policy
    parent_field = "referral"
    parent_action = ReferralPolicy.Action.CHANGE_STATUS

    class Action(StrEnum):
        VIEW = "view"
        CREATE = "create"


referral_status_change_policy = ReferralStatusChangePolicy()


class ReferralCountPolicy(Policy[Referral]):
    """Every referral, to be counted, never shown: who may count them where.
    Callers never show a person, a reason or an outcome from these rows."""

    model = Referral

    class Action(StrEnum):
        VIEW = "view"
        # How many a partner received and how they ended, on the partner's page.
        COUNT_FOR_PARTNER = "count_for_partner"
        # The programme's de-identified figures.
        COUNT_FOR_RESEARCH = "count_for_research"

    ABILITY_FOR = {
        Action.VIEW: Ability.VIEW_PROGRAMME_STATS,
        Action.COUNT_FOR_PARTNER: Ability.VIEW_PARTNERS,
        Action.COUNT_FOR_RESEARCH: Ability.VIEW_PROGRAMME_STATS,
    }

    def visible_to(self, user: Any, action: StrEnum = Action.VIEW) -> QuerySet[Referral]:
        if not self.can(user, action):
            return Referral.objects.none()
        if action == self.Action.COUNT_FOR_RESEARCH:
            # The people the programme's statistics count, as for encounters.
            people = client_research_policy.visible_to(user)
            return Referral.objects.filter(client__in=people.values("pk"))
        # A merged-away record's referrals moved to the kept one: none are left here.
        return Referral.objects.filter(client__merged_into__isnull=True)

    def can(self, user: Any, action: StrEnum, obj: Referral | None = None) -> bool:
        if not is_signed_in(user) or action not in tuple(self.Action):
            return False
        if not has_ability(user, self.ABILITY_FOR[self.Action(action)]):
            return False
        return obj is None or self.visible_to(user, action).filter(pk=obj.pk).exists()

    def users_who_can(self, action: StrEnum, obj: Referral | None = None) -> QuerySet[User]:
        if action not in tuple(self.Action):
            return User.objects.none()
        return users_with(self.ABILITY_FOR[self.Action(action)])


referral_count_policy = ReferralCountPolicy()
