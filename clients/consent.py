"""Consent rules: the one place that says whether a purpose is consented to.

The state of a purpose is derived from the newest decision recorded for it,
never stored. Other apps call ``has_consent_in_force`` (may this be shared
with the care team?) and ``with_consent_in_force`` (whose encounters may go
into research data?).
"""

from datetime import date, timedelta

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from .choices import ConsentState, Decision, Purpose
from .models import Client, Consent

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


def _newest(purpose: Purpose, field: str) -> Subquery:
    return Subquery(
        Consent.objects.filter(client=OuterRef("pk"), purpose=purpose)
        .order_by("-decided_on", "-recorded_at", "-pk")
        .values(field)[:1]
    )


def _decision_field(purpose):
    return f"consent_{purpose.value}_decision"


def _expiry_field(purpose):
    return f"consent_{purpose.value}_expires"


def with_newest_decisions(clients: QuerySet[Client], purposes=tuple(Purpose)) -> QuerySet[Client]:
    """Annotate each person with the newest decision and expiry per purpose (no extra query)."""
    annotations = {}
    for purpose in purposes:
        annotations[_decision_field(purpose)] = _newest(purpose, "decision")
        annotations[_expiry_field(purpose)] = _newest(purpose, "expires_on")
    return clients.annotate(**annotations)


def states_of(client: Client, today: date | None = None) -> dict[Purpose, ConsentState]:
    """States per purpose of a person annotated by ``with_newest_decisions``."""
    today = today or timezone.localdate()
    return {
        purpose: state_of(
            getattr(client, _decision_field(purpose)),
            getattr(client, _expiry_field(purpose)),
            today,
        )
        for purpose in Purpose
    }


def state_filter(purpose: Purpose, state: ConsentState, today: date | None = None) -> Q:
    """A filter on annotated people matching ``state`` for ``purpose`` (same rules as state_of)."""
    today = today or timezone.localdate()
    decision, expires = _decision_field(purpose), _expiry_field(purpose)
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


def with_consent_in_force(
    clients: QuerySet[Client], purpose: Purpose, today: date | None = None
) -> QuerySet[Client]:
    """Only the people whose consent for ``purpose`` is in force today."""
    return with_newest_decisions(clients, [purpose]).filter(in_force_filter(purpose, today))


def has_consent_in_force(client: Client, purpose: Purpose, today: date | None = None) -> bool:
    """Whether ``client`` consents to ``purpose`` today (one query)."""
    newest = (
        Consent.objects.filter(client=client, purpose=purpose)
        .order_by("-decided_on", "-recorded_at", "-pk")
        .values_list("decision", "expires_on")
        .first()
    )
    decision, expires_on = newest or (None, None)
    return state_of(decision, expires_on, today or timezone.localdate()) in IN_FORCE
