"""The one shape every access policy takes.

Each confidential model has one policy object, in its app's ``access.py``,
and everything else asks it: views, fragments, forms, templates (through
flags the view passes), the admin, exports, commands and services. The verbs
are the same for every model, so a reader who knows one policy knows them all:

- ``visible_to(user)``: the rows ``user`` may see, as a queryset usable in SQL
  (the only source of lists and counts);
- ``can(user, action, obj=None)``: whether ``user`` may do ``action`` to
  ``obj``, a row they can see; with no ``obj``, whether they may do it at all
  (create one, open the list, export);
- ``get_for(user, pk, action)``: the row, or 404 when ``user`` may not see it
  (exactly like a row that does not exist), or 403 when they may see it but
  not do ``action``;
- ``users_who_can(action, obj=None)``: the active accounts that may do
  ``action``, for pickers and notifications.

Policies decide; they never write. Services call ``check`` before they
change anything, so a view that forgets cannot open a hole.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404

from .roles import Ability, roles_with

if TYPE_CHECKING:
    from .models import User

M = TypeVar("M", bound=Model)


def is_signed_in(user: Any) -> bool:
    """The one rule every policy starts from: an authenticated, active account.

    A deactivated account keeps no access, even in a session opened before."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def has_ability(user: Any, ability: Ability) -> bool:
    """Signed in, and holding a role that allows ``ability``."""
    return is_signed_in(user) and user.can(ability)


def users_with(*abilities: Ability) -> QuerySet[User]:
    """Active accounts whose roles, together, allow every one of ``abilities``:
    the starting point of ``users_who_can`` pickers."""
    from .models import User

    users = User.objects.filter(is_active=True)
    for ability in abilities:
        holders = User.objects.filter(role_grants__role__in=roles_with(ability))
        users = users.filter(pk__in=holders.values("pk"))
    return users


class Policy(Generic[M]):
    """Base class of every policy; subclasses name their model and actions."""

    model: ClassVar[type[Model]]
    Action: ClassVar[type[StrEnum]]

    def visible_to(self, user: Any) -> QuerySet[M]:
        raise NotImplementedError

    def can(self, user: Any, action: StrEnum, obj: M | None = None) -> bool:
        raise NotImplementedError

    def users_who_can(self, action: StrEnum, obj: M | None = None) -> QuerySet[User]:
        raise NotImplementedError(f"{type(self).__name__} offers no picker for {action}")

    def lookup(self, user: Any, action: StrEnum) -> QuerySet[M]:
        """Where ``get_for`` looks: the visible rows, unless an action reaches
        rows the lists hide (a bin, say)."""
        return self.visible_to(user)

    def get_for(self, user: Any, pk: Any, action: StrEnum | None = None) -> M:
        """The row ``pk`` if ``user`` may see it (else 404) and do ``action`` (else 403)."""
        action = action or self.Action("view")
        obj = get_object_or_404(self.lookup(user, action), pk=pk)
        if not self.can(user, action, obj):
            raise PermissionDenied
        return obj

    def check(self, user: Any, action: StrEnum, obj: M | None = None) -> None:
        """For services: refuse (403) what the acting user may not do."""
        if not self.can(user, action, obj):
            raise PermissionDenied


class FollowsPolicy(Policy[M]):
    """A policy for the rows that belong to one record of another policy (a
    person's consents, a note's addenda): seen by who sees that record, changed
    by who may do ``parent_action`` to it."""

    parent: ClassVar[Policy[Any]]
    parent_field: ClassVar[str]
    parent_action: ClassVar[StrEnum]

    def visible_to(self, user: Any) -> QuerySet[M]:
        visible = self.parent.visible_to(user).values("pk")
        rows: QuerySet[M] = self.model._default_manager.filter(  # type: ignore[assignment]
            **{f"{self.parent_field}__in": visible}
        )
        return rows

    def can(self, user: Any, action: StrEnum, obj: M | None = None) -> bool:
        on_parent = self.parent.Action("view") if action == "view" else self.parent_action
        if obj is None:
            return self.parent.can(user, on_parent)
        return self.parent.can(user, on_parent, getattr(obj, self.parent_field))
