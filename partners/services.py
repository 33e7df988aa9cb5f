"""Every change to the partner directory: checked against the policy, in one
transaction, attributed to ``acting_user`` in the audit trail."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from peersupport.audit import acting_as

from .access import Action, partner_policy
from .models import Partner


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
