"""Who may read and keep the directory of community partners.

Every role reads the directory (``VIEW_PARTNERS``); only coordinators add or
change a partner (``MANAGE_PARTNERS``). Whoever works in the field, and
coordinators, say whether an active partner is open, reduced or closed
(``UPDATE_PARTNER_STATUS``); the history of those statuses is read with the
directory. An account without a role sees an empty directory, and its pages
answer 404 as if they did not exist.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from django.db.models import QuerySet

from peersupport.models import User
from peersupport.policy import FollowsPolicy, Policy, has_ability, users_with
from peersupport.roles import Ability

from .models import Partner, PartnerStatus


class PartnerPolicy(Policy[Partner]):
    model = Partner

    class Action(StrEnum):
        VIEW = "view"
        CREATE = "create"
        EDIT = "edit"
        UPDATE_STATUS = "update_status"

    ABILITY_FOR: ClassVar[dict[str, Ability]] = {
        Action.VIEW: Ability.VIEW_PARTNERS,
        Action.CREATE: Ability.MANAGE_PARTNERS,
        Action.EDIT: Ability.MANAGE_PARTNERS,
        Action.UPDATE_STATUS: Ability.UPDATE_PARTNER_STATUS,
    }

    def visible_to(self, user: Any) -> QuerySet[Partner]:
        if not self.can(user, self.Action.VIEW):
            return Partner.objects.none()
        return Partner.objects.all()

    def can(self, user: Any, action: StrEnum, obj: Partner | None = None) -> bool:
        # No partner is hidden from a reader, so the row changes the answer only
        # for a status: a partner we stopped working with has none to give.
        action = self.Action(action)
        if action == self.Action.UPDATE_STATUS and obj is not None and not obj.is_active:
            return False
        return has_ability(user, self.ABILITY_FOR[action])

    def users_who_can(self, action: StrEnum, obj: Partner | None = None) -> QuerySet[User]:
        action = self.Action(action)
        if action == self.Action.UPDATE_STATUS and obj is not None and not obj.is_active:
            return User.objects.none()
        return users_with(self.ABILITY_FOR[action])


partner_policy = PartnerPolicy()
Action = PartnerPolicy.Action


class PartnerStatusPolicy(FollowsPolicy[PartnerStatus]):
    """A partner's past statuses: read with the directory, added by who may
    update the partner's status. Never changed once said."""

    model = PartnerStatus
    parent = partner_policy
    parent_field = "partner"
    parent_action = PartnerPolicy.Action.UPDATE_STATUS

    class Action(StrEnum):
        VIEW = "view"
        CREATE = "create"


partner_status_policy = PartnerStatusPolicy()
