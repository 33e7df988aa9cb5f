"""What this app adds to pages of the apps below it (peersupport.slots): a
person's referrals on their page, and a partner's received referrals, as
counts, on the partner's page. Context keys start with ``referral_``."""

from typing import Any

from django.http import HttpRequest

from clients.models import Client
from partners.models import Partner

from . import selectors
from .access import referral_count_policy, referral_policy
from .choices import FINAL_STATUSES
from .models import Referral

PERSON_PAGE_TEMPLATES = {"sections": "referrals/person/referrals.html"}
PARTNER_PAGE_TEMPLATES = {"sections": "referrals/partner/received.html"}


def person_page(request: HttpRequest, *, client: Client) -> dict[str, Any]:
    """The person's referrals the viewer sees (no reason or outcome: nothing to
    record as read), and what the viewer may do next about them."""
    user = request.user
    if not referral_policy.can(user, referral_policy.Action.LIST):
        return {"referral_list": None}
    referrals = list(selectors.referrals_of_person(viewer=user, client=client))
    can_create = referral_policy.can(user, referral_policy.Action.CREATE, Referral(client=client))
    for referral in referrals:
        # The rule of CHANGE_STATUS, asked once for the page rather than once per row:
        # whoever may refer this person may record the steps of referrals not ended.
        referral.can_change_status = can_create and referral.status not in FINAL_STATUSES
    return {"referral_list": referrals, "referral_can_create": can_create}


def partner_page(request: HttpRequest, *, partner: Partner) -> dict[str, Any]:
    """How many referrals the partner received and how they ended, as counts."""
    if not referral_count_policy.can(request.user, referral_count_policy.Action.COUNT_FOR_PARTNER):
        return {"referral_summary": None}
    return {"referral_summary": selectors.partner_summary(viewer=request.user, partner=partner)}
