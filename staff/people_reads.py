"""Reads of supervision, onboarding and declarations for the screens. Each
takes the viewer and starts from the models' policies, so a screen can never
show more than they allow; each reads a fixed number of queries whatever the
number of peers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from clients.access import dual_relationship_policy
from clients.models import DualRelationship
from peersupport.models import User

from .access import backing_policy, onboarding_item_policy
from .choices import BackingRole
from .models import Backing, OnboardingItem


def peers() -> QuerySet[User]:
    """The active accounts who are backed and onboarded: the peers."""
    return backing_policy.users_who_can(backing_policy.Action.BE_BACKED)


def peer_or_404(pk: Any) -> User:
    """A peer, for the coordinator's pages about them (404 for anyone else)."""
    peer = peers().filter(pk=pk).first()
    if peer is None:
        raise Http404
    return peer


def _count(rows: QuerySet[Any], **filters: Any) -> Coalesce:
    counted = (
        rows.filter(peer=OuterRef("pk"), **filters)
        .order_by()
        .values("peer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_onboarding_counts(
    users: QuerySet[User], *, viewer: Any, today: date | None = None
) -> QuerySet[User]:
    """``onboarding_total``, ``onboarding_done`` and ``onboarding_overdue`` per
    user, counted among the checklist items ``viewer`` may see."""
    today = today or timezone.localdate()
    items = onboarding_item_policy.visible_to(viewer)
    return users.annotate(
        onboarding_total=_count(items),
        onboarding_done=_count(items, done_on__isnull=False),
        onboarding_overdue=_count(items, done_on__isnull=True, due_on__lt=today),
    )


@dataclass
class Backers:
    supervisor: Backing | None = None
    references: list[Backing] = field(default_factory=list)


def current_backers(*, viewer: Any, peer_pks: list[int]) -> dict[int, Backers]:
    """Who backs each of ``peer_pks`` today, as ``viewer`` may see it (one query)."""
    rows = (
        backing_policy.visible_to(viewer)
        .filter(peer__in=peer_pks, ended_on__isnull=True)
        .select_related("backer")
        .order_by("started_on", "pk")
    )
    found: dict[int, Backers] = defaultdict(Backers)
    for backing in rows:
        backers = found[backing.peer_id]
        if backing.role == BackingRole.SUPERVISOR:
            backers.supervisor = backing
        else:
            backers.references.append(backing)
    return found


@dataclass
class PeerRow:
    peer: User
    backers: Backers
    can_end: bool


def peer_rows(*, viewer: Any) -> list[PeerRow]:
    """The coordinator's list: each peer, who backs them, their onboarding and
    whether they declared a dual relationship. Three queries."""
    declared = dual_relationship_policy.visible_to(viewer).filter(user=OuterRef("pk"))
    users = with_onboarding_counts(peers(), viewer=viewer).annotate(has_declared=Exists(declared))
    users = users.order_by("first_name", "last_name", "username")
    loaded = list(users)
    backers = current_backers(viewer=viewer, peer_pks=[user.pk for user in loaded])
    can_end = backing_policy.can(viewer, backing_policy.Action.END)
    return [PeerRow(user, backers.get(user.pk) or Backers(), can_end) for user in loaded]


def my_backings(user: Any) -> QuerySet[Backing]:
    """Who backs ``user`` today (their own page)."""
    return (
        backing_policy.visible_to(user)
        .filter(peer=user, ended_on__isnull=True)
        .select_related("backer")
        .order_by("role", "started_on", "pk")
    )


def checklist(*, viewer: Any, peer: Any) -> list[OnboardingItem]:
    """``peer``'s onboarding items as ``viewer`` may see them, in the order
    they are due."""
    return list(
        onboarding_item_policy.visible_to(viewer)
        .filter(peer=peer)
        .select_related("done_by")
        .order_by("due_on", "pk")
    )


def overdue_per_peer(*, viewer: Any, today: date | None = None) -> QuerySet[User]:
    """Peers with onboarding steps overdue, the most overdue first."""
    today = today or timezone.localdate()
    users = with_onboarding_counts(peers(), viewer=viewer, today=today)
    # An annotation, which the type checker cannot see on the model.
    return users.filter(**{"onboarding_overdue__gt": 0}).order_by(
        "-onboarding_overdue", "first_name", "last_name", "pk"
    )


def declaration_of(user: Any) -> DualRelationship | None:
    """``user``'s own declaration, if they made one."""
    return dual_relationship_policy.visible_to(user).filter(user=user).first()


def declarations(*, viewer: Any) -> QuerySet[DualRelationship]:
    """Every declaration ``viewer`` may see, the ones still to link first."""
    return (
        dual_relationship_policy.visible_to(viewer)
        .select_related("user", "linked_by")
        .annotate(is_linked=ExpressionWrapper(Q(record__isnull=False), BooleanField()))
        # Those still to link first, then the newest.
        .order_by("is_linked", "-declared_at", "pk")
    )
