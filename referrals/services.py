"""Every change to referrals. Each service checks with the policy
(``referrals/access.py``) that ``acting_user`` may make it, runs in one
transaction, checks what it saves, and is attributed to ``acting_user`` in
the audit trail. A referral's status and the step that records it are
written together."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clients.choices import Purpose
from clients.models import Client
from partners.models import Partner
from peersupport.audit import acting_as
from peersupport.models import User

from . import selectors
from .access import consents_missing, referral_policy
from .choices import NEXT_STATUSES, OUTCOME_REQUIRED, SHARING_STATUSES, ReferralStatus
from .models import Referral, ReferralStatusChange


def consent_message(missing: list[Purpose]) -> str:
    """What a referral lacks, in words: the field's error and the form's notice."""
    names = [str(purpose.label).lower() for purpose in missing]
    if len(names) == 1:
        return _(
            "The person’s consent for “%(purpose)s” is not in force: record it before "
            "referring them there."
        ) % {"purpose": names[0]}
    return _(
        "The person’s consents for “%(first)s” and “%(second)s” are not in force: record "
        "them before referring them there."
    ) % {"first": names[0], "second": names[1]}


def _check_consent(client: Client, partner: Partner, field: str) -> None:
    missing = consents_missing(client, partner)
    if missing:
        raise ValidationError({field: consent_message(missing)})


def _check_day(day: date, *, not_before: date, field: str, before_message: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("This date is in the future.")})
    if day < not_before:
        raise ValidationError({field: before_message})


@transaction.atomic
def referral_create(
    *,
    acting_user: User,
    client: Client,
    partner: Partner,
    reason: str,
    referred_on: date | None = None,
) -> Referral:
    """Refer a person to a partner: the referral starts as proposed. The person
    must consent to receiving services and, for a partner outside our
    organisation, to sharing with it; the partner field says what is missing."""
    referred_on = referred_on or timezone.localdate()
    referral = Referral(
        client=client,
        partner=partner,
        reason=reason.strip(),
        referred_on=referred_on,
        status=ReferralStatus.PROPOSED,
        created_by=acting_user,
    )
    referral_policy.check(acting_user, referral_policy.Action.CREATE, referral)
    if not partner.is_active:
        raise ValidationError({"partner": _("This partner no longer works with us.")})
    if not referral.reason:
        raise ValidationError({"reason": _("Say why the person is referred.")})
    # A year back at most, as for other dates one may record late (in days:
    # the same day a year ago does not exist on 29 February).
    _check_day(
        referred_on,
        not_before=timezone.localdate() - timedelta(days=365),
        field="referred_on",
        before_message=_("A referral can be recorded up to a year after it was made."),
    )
    _check_consent(client, partner, "partner")
    with acting_as(acting_user):
        referral.full_clean()
        referral.save()
        step = ReferralStatusChange(
            referral=referral,
            status=ReferralStatus.PROPOSED,
            changed_on=referred_on,
            changed_by=acting_user,
        )
        step.full_clean()
        step.save()
    return referral


@transaction.atomic
def referral_change_status(
    *,
    acting_user: User,
    referral: Referral,
    status: str,
    changed_on: date | None = None,
    outcome: str = "",
) -> ReferralStatusChange:
    """Record a referral's next step, on a day from the referral's (or its last
    step's) to today. Sending asks again for the consents the referral needs;
    closing it needs an outcome."""
    referral = selectors.referral_for_update(referral)  # decide on the stored status
    referral_policy.check(acting_user, referral_policy.Action.CHANGE_STATUS, referral)
    changed_on = changed_on or timezone.localdate()
    outcome = outcome.strip()
    if status not in NEXT_STATUSES.get(referral.status, ()):
        current = ReferralStatus(referral.status).label
        message = _("A referral that is “%(current)s” cannot move to this status.")
        raise ValidationError({"status": message % {"current": str(current).lower()}})
    last = selectors.last_change(referral)
    not_before = max(referral.referred_on, last.changed_on if last else referral.referred_on)
    _check_day(
        changed_on,
        not_before=not_before,
        field="changed_on",
        before_message=_("The previous step was on %(date)s: this one cannot come before it.")
        % {"date": date_format(not_before, "DATE_FORMAT")},
    )
    if status in OUTCOME_REQUIRED and not outcome:
        raise ValidationError({"outcome": _("Say how it ended: closing alone does not tell.")})
    if status in SHARING_STATUSES:
        _check_consent(referral.client, referral.partner, "status")
    with acting_as(acting_user):
        step = ReferralStatusChange(
            referral=referral, status=status, changed_on=changed_on, changed_by=acting_user
        )
        step.full_clean()
        step.save()
        referral.status = status
        fields = ["status", "updated_at"]
        if outcome:
            referral.outcome = outcome
            fields.append("outcome")
        referral.full_clean()
        referral.save(update_fields=fields)
    return step
