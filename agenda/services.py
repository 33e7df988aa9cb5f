"""Every change to the agenda. Each service checks with the policy
(agenda/access.py) that ``acting_user`` may make the change, runs in one
transaction, checks what it saves, and is attributed to ``acting_user`` in the
audit trail."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peersupport.audit import acting_as
from peersupport.models import User

from .access import calendar_feed_policy, calendar_secret_hash
from .models import CalendarFeed

# Calendar feeds ---------------------------------------------------------------
#
# The secret is returned to the caller to be shown once, and only its hash is
# stored: nobody can read it back, not even from a copy of the database.


def _new_secret() -> str:
    # 256 bits, in the characters a URL path carries as they are.
    return secrets.token_urlsafe(32)


def _give_new_address(feed: CalendarFeed, acting_user: User) -> str:
    secret = _new_secret()
    feed.secret_hash = calendar_secret_hash(secret)
    feed.issued_at = timezone.now()
    with acting_as(acting_user):
        feed.full_clean()
        feed.save(update_fields=["secret_hash", "issued_at"])
    return secret


@transaction.atomic
def calendar_feed_turn_on(*, acting_user: User) -> str:
    """Turn on ``acting_user``'s calendar feed and return its secret. If it is
    on already (a double tap, a second tab), it gets a new address, exactly
    like a reset: the address shown last is always the one that works."""
    calendar_feed_policy.check(acting_user, calendar_feed_policy.Action.TURN_ON)
    feed = calendar_feed_policy.visible_to(acting_user).select_for_update().first()
    if feed is not None:
        return _give_new_address(feed, acting_user)
    secret = _new_secret()
    feed = CalendarFeed(user=acting_user, secret_hash=calendar_secret_hash(secret))
    try:
        with transaction.atomic(), acting_as(acting_user):
            feed.full_clean()
            feed.save()
    except (IntegrityError, ValidationError):
        # Another request turned it on between the lookup and the insert.
        feed = calendar_feed_policy.visible_to(acting_user).select_for_update().first()
        if feed is None:
            raise
        return _give_new_address(feed, acting_user)
    return secret


@transaction.atomic
def calendar_feed_reset(*, acting_user: User) -> str:
    """Give ``acting_user``'s feed a new address and return its secret; the old
    address stops answering at once."""
    calendar_feed_policy.check(acting_user, calendar_feed_policy.Action.RESET)
    feed = calendar_feed_policy.visible_to(acting_user).select_for_update().first()
    if feed is None:
        raise ValidationError(_("Your calendar feed is off: turn it on to get an address."))
    return _give_new_address(feed, acting_user)


@transaction.atomic
def calendar_feed_turn_off(*, acting_user: User) -> None:
    """Turn ``acting_user``'s feed off: its address stops answering. The row
    holds nothing but a hash, so it is deleted (the audit trail keeps when);
    turning the feed on again gives a new address."""
    calendar_feed_policy.check(acting_user, calendar_feed_policy.Action.TURN_OFF)
    feed = calendar_feed_policy.visible_to(acting_user).select_for_update().first()
    if feed is None:
        return
    with acting_as(acting_user):
        feed.delete()
