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


# Where a referral may go from each status. A referral is proposed to the
# person, sent to the partner, accepted by them, then attended or missed;
# the person or the partner may decline it at any step before it ends, and
# it can be closed at any step (moved away, no longer needed). Nothing
# follows a final status: a new need is a new referral.
NEXT_STATUSES: dict[str, tuple[ReferralStatus, ...]] = {
    ReferralStatus.PROPOSED: (
        ReferralStatus.SENT,
        ReferralStatus.DECLINED,
        ReferralStatus.CLOSED,
    ),
    ReferralStatus.SENT: (
        ReferralStatus.ACCEPTED,
        ReferralStatus.DECLINED,
        ReferralStatus.CLOSED,
    ),
    ReferralStatus.ACCEPTED: (
        ReferralStatus.ATTENDED,
        ReferralStatus.NO_SHOW,
        ReferralStatus.DECLINED,
        ReferralStatus.CLOSED,
    ),
}

# Sending a referral shares what the partner needs to know: consent is asked again then.
SHARING_STATUSES = frozenset({ReferralStatus.SENT})

# "Closed" alone says nothing of how it ended, so its outcome must be written.
OUTCOME_REQUIRED = frozenset({ReferralStatus.CLOSED})
