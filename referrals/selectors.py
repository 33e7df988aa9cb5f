"""Reads of referrals, each starting from what the viewer may see
(``referrals/access.py``). Lists carry no reason or outcome: those are read on
a referral's own page, where the read is recorded."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, QuerySet
from django.utils.translation import gettext_lazy as _

from clients.models import Client
from partners.models import Partner
from peersupport.small_cells import suppress, suppress_parts

from .access import referral_count_policy, referral_policy, referral_status_change_policy
from .choices import FINAL_STATUSES, ReferralStatus
from .models import Referral, ReferralStatusChange

# Neither text is needed to list referrals; deferring them keeps them from
# being decrypted for nothing.
TEXTS = ("reason", "outcome")


def referrals_of_person(*, viewer: Any, client: Client) -> QuerySet[Referral]:
    """A person's referrals the viewer sees, newest first, with their partner."""
    return (
        referral_policy.visible_to(viewer)
        .filter(client=client)
        .select_related("partner")
        .defer(*TEXTS)
        .annotate(status_on=Max("changes__changed_on"))
        .order_by("-referred_on", "-pk")
    )


def open_referrals(*, viewer: Any, include_ended: bool = False) -> QuerySet[Referral]:
    """Referrals of the people the viewer sees, with their person and partner:
    those not ended yet, the oldest step first (the longest waiting); or, with
    ``include_ended``, every one, the newest step first."""
    referrals = (
        referral_policy.visible_to(viewer)
        .select_related("client", "partner")
        .defer(*TEXTS)
        .annotate(status_on=Max("changes__changed_on"))
    )
    if include_ended:
        return referrals.order_by("-status_on", "-pk")
    return referrals.exclude(status__in=FINAL_STATUSES).order_by("status_on", "pk")


def history(*, viewer: Any, referral: Referral) -> QuerySet[ReferralStatusChange]:
    """The steps of a referral, oldest first, with who recorded each."""
    return (
        referral_status_change_policy.visible_to(viewer)
        .filter(referral=referral)
        .select_related("changed_by")
        .order_by("changed_on", "recorded_at", "pk")
    )


def last_change(referral: Referral) -> ReferralStatusChange | None:
    """The newest step of a referral the caller already opened through its policy."""
    return (
        ReferralStatusChange.objects.filter(referral=referral)
        .order_by("-changed_on", "-recorded_at", "-pk")
        .first()
    )


def referral_for_update(referral: Referral) -> Referral:
    """The stored referral, locked until the transaction ends: a service decides
    on the stored status, not on what a form saw."""
    return (
        Referral.objects.select_for_update().select_related("client", "partner").get(pk=referral.pk)
    )


def counts_for_partner(*, viewer: Any, partner: Partner) -> dict[str, int]:
    """How many referrals ``partner`` received, and how many are at each status
    (one query; counts only, no person)."""
    rows = (
        referral_count_policy.visible_to(viewer, referral_count_policy.Action.COUNT_FOR_PARTNER)
        .filter(partner=partner)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
    )
    counts = {status: 0 for status in ReferralStatus.values}
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def counts_for_research(*, viewer: Any) -> QuerySet[Any]:
    """Referrals per partner kind and status, for the research figures (raw:
    the caller suppresses small cells before showing them)."""
    return (
        referral_count_policy.visible_to(viewer, referral_count_policy.Action.COUNT_FOR_RESEARCH)
        .order_by()
        .values("partner__kind", "partner__is_internal", "status")
        .annotate(n=Count("pk"))
    )


# Counts a partner's page shows every member of staff. A small count of one
# partner and one outcome could point at a person the reader knows, so they go
# through the small-cell rules of the research figures (peersupport.small_cells).

OPEN = "open"


def partner_summary(*, viewer: Any, partner: Partner) -> dict[str, Any]:
    """What a partner's page says of the referrals it received: how many, and
    how many are still open or ended each way, suppressed as above."""
    counts = counts_for_partner(viewer=viewer, partner=partner)
    total = sum(counts.values())
    parts = {OPEN: sum(n for status, n in counts.items() if status not in FINAL_STATUSES)}
    parts |= {
        status: counts[status] for status in ReferralStatus.values if status in FINAL_STATUSES
    }
    shown = suppress_parts(parts)
    labels = {OPEN: _("Not ended yet")} | {s.value: s.label for s in ReferralStatus}
    return {
        "total": total,
        "shown_total": suppress(total),
        "parts": [(labels[key], value) for key, value in shown.items()],
    }
