"""Every change to the partner directory: checked against the policy, in one
transaction, attributed to ``acting_user`` in the audit trail."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from peersupport.audit import acting_as

from .access import Action, partner_policy
from .models import Partner, PartnerStatus


@transaction.atomic
def partner_save(*, acting_user: Any, partner: Partner) -> Partner:
    """Create ``partner`` (a new, unsaved row) or save the changes made to it."""
    if partner._state.adding:
        partner_policy.check(acting_user, Action.CREATE)
    else:
        partner_policy.check(acting_user, Action.EDIT, partner)
    with acting_as(acting_user):
        partner.full_clean()
        partner.save()
    return partner


@transaction.atomic
def partner_status_update(
    *, acting_user: Any, partner: Partner, status: str, capacity_note: str = ""
) -> PartnerStatus:
    """Say how ``partner``'s services run now: a new row of its history, and
    the same status copied onto the partner for the directory and the forms.
    Saying the same status again is a check, and resets the staleness."""
    partner_policy.check(acting_user, Action.UPDATE_STATUS, partner)
    # Two people updating at once: the second waits, and the partner ends up
    # with the newest row of its history.
    locked = partner_policy.visible_to(acting_user).select_for_update().get(pk=partner.pk)
    partner_policy.check(acting_user, Action.UPDATE_STATUS, locked)
    row = PartnerStatus(
        partner=locked,
        status=status,
        capacity_note=capacity_note.strip(),
        updated_by=acting_user,
        updated_at=timezone.now(),
    )
    with acting_as(acting_user):
        row.full_clean()
        row.save()
        locked.service_status = row.status
        locked.capacity_note = row.capacity_note
        locked.status_updated_at = row.updated_at
        locked.status_updated_by = acting_user
        locked.save(
            update_fields=[
                "service_status",
                "capacity_note",
                "status_updated_at",
                "status_updated_by",
                "updated_at",
            ]
        )
    for name in ("service_status", "capacity_note", "status_updated_at", "status_updated_by"):
        setattr(partner, name, getattr(locked, name))
    return row
