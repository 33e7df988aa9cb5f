"""Reads of the partner directory, each starting from what the viewer may see."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from .access import partner_policy, partner_status_policy
from .choices import PartnerKind, ServiceStatus
from .models import Partner, PartnerStatus

# The directory's status filter: a status, or the partners nobody checked lately.
STALE = "stale"


def partner_list(
    *,
    fetched_by: Any,
    q: str = "",
    kind: str = "",
    status: str = "",
    include_inactive: bool = False,
) -> QuerySet[Partner]:
    """The directory page: matching the name or address ``q``, of ``kind`` (a
    value of PartnerKind), with ``status`` (a value of ServiceStatus, or
    ``STALE``: not checked lately; anything else is ignored), active ones
    unless asked."""
    partners = partner_policy.visible_to(fetched_by)
    if q:
        partners = partners.filter(Q(name__icontains=q) | Q(address__icontains=q))
    if kind in PartnerKind.values:
        partners = partners.filter(kind=kind)
    if status in ServiceStatus.values:
        partners = partners.filter(service_status=status)
    elif status == STALE:
        # The same rule as Partner.status_is_stale, in SQL.
        since = timezone.now() - timedelta(days=settings.PARTNER_STATUS_STALE_DAYS)
        partners = partners.filter(
            Q(status_updated_at__isnull=True) | Q(status_updated_at__lt=since)
        )
    if not include_inactive:
        partners = partners.filter(is_active=True)
    return partners


def partners_to_pick(user: Any) -> QuerySet[Partner]:
    """The partners ``user`` may name on a form: the active ones they can see."""
    return partner_policy.visible_to(user).filter(is_active=True)


def status_history(*, fetched_by: Any, partner: Partner) -> QuerySet[PartnerStatus]:
    """``partner``'s statuses as they were said, newest first, with who said them."""
    return (
        partner_status_policy.visible_to(fetched_by)
        .filter(partner=partner)
        .select_related("updated_by")
        .order_by("-updated_at", "-pk")
    )
