"""Who may read and keep the directory of community partners.

Every role reads the directory (``VIEW_PARTNERS``); only coordinators add or
change a partner (``MANAGE_PARTNERS``). An account without a role sees an
empty directory, and its pages answer 404 as if they did not exist.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from django.db.models import QuerySet

from peersupport.models import User
from peersupport.policy import Policy, has_ability, users_with
from peersupport.roles import Ability

from .models import Partner


class PartnerPolicy(Policy[Partner]):
    model = Partner

    class Action(StrEnum):
        VIEW = "view"
        CREATE = "create"
        EDIT = "edit"

    ABILITY_FOR: ClassVar[dict[str, Ability]] = {
        Action.VIEW: Ability.VIEW_PARTNERS,
        Action.CREATE: Ability.MANAGE_PARTNERS,
        Action.EDIT: Ability.MANAGE_PARTNERS,
    }

    def visible_to(self, user: Any) -> QuerySet[Partner]:
        if not self.can(user, self.Action.VIEW):
            return Partner.objects.none()
        return Partner.objects.all()

    def can(self, user: Any, action: StrEnum, obj: Partner | None = None) -> bool:
        # No partner is hidden from a reader, so the row never changes the answer.
        return has_ability(user, self.ABILITY_FOR[self.Action(action)])

    def users_who_can(self, action: StrEnum, obj: Partner | None = None) -> QuerySet[User]:
        ability = self.ABILITY_FOR[self.Action(action)]
        return users_with(ability)


partner_policy = PartnerPolicy()
Action = PartnerPolicy.Action
