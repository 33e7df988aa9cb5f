"""Who may manage accounts: the one policy of account management.

The rows are the User model's (``peersupport.models``; it stays in the core
package, since changing AUTH_USER_MODEL on a live database breaks its
migration history). Those who may manage accounts see them all and may do
every action; nobody else sees any through this policy. The guards that
protect the programme itself (nobody deactivates their own account or drops
their own coordinator role, the last active coordinator stays) are in the
services, which explain them to the person instead of refusing with a 403.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db.models import QuerySet

from peersupport.models import User
from peersupport.policy import Policy, has_ability, users_with
from peersupport.roles import Ability


class AccountPolicy(Policy[User]):
    model = User

    class Action(StrEnum):
        VIEW = "view"
        CREATE = "create"
        EDIT = "edit"
        DEACTIVATE = "deactivate"
        REACTIVATE = "reactivate"
        SET_PASSWORD = "set_password"  # noqa: S105 (an action name)

    def visible_to(self, user: Any) -> QuerySet[User]:
        """Every account, roles loaded in one query, active ones first."""
        if not self._manages_accounts(user):
            return User.objects.none()
        return User.objects.prefetch_related("role_grants").order_by("-is_active", "username")

    def can(self, user: Any, action: StrEnum, obj: User | None = None) -> bool:
        return action in tuple(self.Action) and self._manages_accounts(user)

    def users_who_can(self, action: StrEnum, obj: User | None = None) -> QuerySet[User]:
        if action not in tuple(self.Action):
            return User.objects.none()
        return users_with(Ability.MANAGE_ACCOUNTS)

    @staticmethod
    def _manages_accounts(user: Any) -> bool:
        return has_ability(user, Ability.MANAGE_ACCOUNTS)


account_policy = AccountPolicy()
Action = AccountPolicy.Action
