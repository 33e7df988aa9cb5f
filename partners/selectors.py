"""Reads of the partner directory, each starting from what the viewer may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from .access import partner_policy
from .choices import PartnerKind
from .models import Partner


def partner_list(
    *, fetched_by: Any, q: str = "", kind: str = "", include_inactive: bool = False
) -> QuerySet[Partner]:
    """The directory page: matching the name or address ``q``, of ``kind`` (a
    value of PartnerKind; anything else is ignored), active ones unless asked."""
    partners = partner_policy.visible_to(fetched_by)
    if q:
        partners = partners.filter(Q(name__icontains=q) | Q(address__icontains=q))
    if kind in PartnerKind.values:
        partners = partners.filter(kind=kind)
    if not include_inactive:
        partners = partners.filter(is_active=True)
    return partners


def partners_to_pick(user: Any) -> QuerySet[Partner]:
    """The partners ``user`` may name on a form: the active ones they can see."""
    return partner_policy.visible_to(user).filter(is_active=True)
