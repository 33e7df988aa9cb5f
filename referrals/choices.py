"""Choices of referrals: where a referral stands."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    ATTENDED = "attended", _("Attended")
    DECLINED = "declined", _("Declined")
    NO_SHOW = "no_show", _("Did not go")
    CLOSED = "closed", _("Closed")


# Where a referral ends: nothing follows these.
FINAL_STATUSES = frozenset(
    {
        ReferralStatus.ATTENDED,
        ReferralStatus.DECLINED,
        ReferralStatus.NO_SHOW,
        ReferralStatus.CLOSED,
    }
)
