"""Who may read the record of sign-ins (``sign_in_event_policy``)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db.models import Q, QuerySet

from peersupport.models import User
from peersupport.policy import Policy, has_ability, is_signed_in, users_with
from peersupport.roles import Ability

from .models import SignInEvent


class SignInEventPolicy(Policy[SignInEvent]):
    """Those who read the audit trail see every sign-in event; everyone else
    sees only the events about their own account (their own page lists
    them), never another's, and never a failure for a username that names
    no account."""

    model = SignInEvent

    class Action(StrEnum):
        VIEW = "view"

    def visible_to(self, user: Any) -> QuerySet[SignInEvent]:
        rows = SignInEvent.objects.all()
        if has_ability(user, Ability.VIEW_AUDIT_TRAIL):
            return rows
        return rows.filter(user=user) if is_signed_in(user) else rows.none()

    def can(self, user: Any, action: StrEnum, obj: SignInEvent | None = None) -> bool:
        if action != self.Action.VIEW or not is_signed_in(user):
            return False
        if has_ability(user, Ability.VIEW_AUDIT_TRAIL):
            return True
        # Without an event: whether they may see any (their own, always).
        return obj is None or obj.user_id == user.pk

    def users_who_can(self, action: StrEnum, obj: SignInEvent | None = None) -> QuerySet[User]:
        if action != self.Action.VIEW:
            return User.objects.none()
        readers = users_with(Ability.VIEW_AUDIT_TRAIL)
        if obj is None or obj.user_id is None:
            return readers
        return User.objects.filter(
            Q(pk__in=readers.values("pk")) | Q(pk=obj.user_id, is_active=True)
        )


sign_in_event_policy = SignInEventPolicy()
