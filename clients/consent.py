"""Consent rules: the one place that says what state a purpose is in.

The state of a purpose is derived from the newest decision recorded for it,
never stored. These rules read no table: ``access.with_newest_decisions``
annotates people with their newest decisions, and ``access.has_consent_in_force``
(may this be shared with the care team?) and ``access.with_consent_in_force``
(whose encounters may go into research rows?) apply the rules in SQL.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from .choices import ConsentState, Decision, Purpose

if TYPE_CHECKING:
    from .models import Client

EXPIRING_SOON_DAYS = 30
IN_FORCE = frozenset({ConsentState.ACTIVE, ConsentState.EXPIRING_SOON})


def state_of(decision: str | None, expires_on: date | None, today: date) -> ConsentState:
    """The state of a purpose given its newest decision. A consent is valid up
    to and including its expiry date."""
    if decision is None:
        return ConsentState.NOT_ASKED
    if decision == Decision.REFUSED:
        return ConsentState.REFUSED
    if decision == Decision.WITHDRAWN:
        return ConsentState.WITHDRAWN
    if expires_on is not None:
        if expires_on < today:
            return ConsentState.EXPIRED
        if expires_on <= today + timedelta(days=EXPIRING_SOON_DAYS):
            return ConsentState.EXPIRING_SOON
    return ConsentState.ACTIVE


def decision_field(purpose: Purpose) -> str:
    """The annotation holding the newest decision for ``purpose``."""
    return f"consent_{purpose.value}_decision"


def expiry_field(purpose: Purpose) -> str:
    """The annotation holding the expiry of the newest decision for ``purpose``."""
    return f"consent_{purpose.value}_expires"


def states_of(client: Client, today: date | None = None) -> dict[Purpose, ConsentState]:
    """States per purpose of a person annotated by ``access.with_newest_decisions``."""
    today = today or timezone.localdate()
    return {
        purpose: state_of(
            getattr(client, decision_field(purpose)),
            getattr(client, expiry_field(purpose)),
            today,
        )
        for purpose in Purpose
    }


def state_filter(purpose: Purpose, state: ConsentState, today: date | None = None) -> Q:
    """A filter on annotated people matching ``state`` for ``purpose`` (same rules as state_of)."""
    return _state_q(decision_field(purpose), expiry_field(purpose), state, today)


def decision_state_filter(state: ConsentState, today: date | None = None) -> Q:
    """A filter on decisions (Consent rows) that would leave their purpose in
    ``state`` if each were the newest (same rules as state_of)."""
    return _state_q("decision", "expires_on", state, today)


def _state_q(decision: str, expires: str, state: ConsentState, today: date | None) -> Q:
    today = today or timezone.localdate()
    soon = today + timedelta(days=EXPIRING_SOON_DAYS)
    given = Q(**{decision: Decision.GIVEN})
    match state:
        case ConsentState.NOT_ASKED:
            return Q(**{f"{decision}__isnull": True})
        case ConsentState.REFUSED:
            return Q(**{decision: Decision.REFUSED})
        case ConsentState.WITHDRAWN:
            return Q(**{decision: Decision.WITHDRAWN})
        case ConsentState.EXPIRED:
            return given & Q(**{f"{expires}__lt": today})
        case ConsentState.EXPIRING_SOON:
            return given & Q(**{f"{expires}__gte": today, f"{expires}__lte": soon})
        case ConsentState.ACTIVE:
            return given & (Q(**{f"{expires}__isnull": True}) | Q(**{f"{expires}__gt": soon}))
    raise ValueError(state)


def in_force_filter(purpose: Purpose, today: date | None = None) -> Q:
    return state_filter(purpose, ConsentState.ACTIVE, today) | state_filter(
        purpose, ConsentState.EXPIRING_SOON, today
    )
