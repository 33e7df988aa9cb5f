"""Consent states are derived from the newest decision, in Python and in SQL alike."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from clients import access, consent, services
from clients.choices import ConsentMethod, ConsentState, Decision, Purpose
from clients.models import Client
from tests.factories import ClientFactory

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("decision", "expires_on", "state"),
    [
        (None, None, ConsentState.NOT_ASKED),
        (Decision.GIVEN, None, ConsentState.ACTIVE),
        (Decision.GIVEN, TODAY + timedelta(days=31), ConsentState.ACTIVE),
        (Decision.GIVEN, TODAY + timedelta(days=30), ConsentState.EXPIRING_SOON),
        (Decision.GIVEN, TODAY, ConsentState.EXPIRING_SOON),
        (Decision.GIVEN, TODAY - timedelta(days=1), ConsentState.EXPIRED),
        (Decision.REFUSED, None, ConsentState.REFUSED),
        (Decision.WITHDRAWN, None, ConsentState.WITHDRAWN),
    ],
)
def test_state_follows_the_newest_decision_and_its_expiry(decision, expires_on, state):
    assert consent.state_of(decision, expires_on, TODAY) == state


pytestmark_db = pytest.mark.django_db


def _decide(person, user, decision, days_ago=10, expires_in=None, purpose=Purpose.RESEARCH):
    today = timezone.localdate()
    return services.consent_record(
        acting_user=user,
        client=person,
        purpose=purpose,
        decision=decision,
        decided_on=today - timedelta(days=days_ago),
        method=ConsentMethod.VERBAL if decision == Decision.GIVEN else "",
        expires_on=today + timedelta(days=expires_in) if expires_in is not None else None,
    )


@pytest.fixture
def people_in_every_state(coordinator):
    """One person per consent state for research."""
    people = {state: ClientFactory(display_name=state.value) for state in ConsentState}
    # The boundaries: a consent is valid through its expiry day, and "soon" is 30 days.
    people["expires_today"] = ClientFactory(display_name="expires today")
    people["expires_in_30"] = ClientFactory(display_name="expires in 30")
    people["expires_in_31"] = ClientFactory(display_name="expires in 31")
    _decide(people["expires_today"], coordinator, Decision.GIVEN, expires_in=0)
    _decide(people["expires_in_30"], coordinator, Decision.GIVEN, expires_in=30)
    _decide(people["expires_in_31"], coordinator, Decision.GIVEN, expires_in=31)
    _decide(people[ConsentState.ACTIVE], coordinator, Decision.GIVEN)
    _decide(people[ConsentState.EXPIRING_SOON], coordinator, Decision.GIVEN, expires_in=12)
    _decide(people[ConsentState.EXPIRED], coordinator, Decision.GIVEN, days_ago=400, expires_in=-3)
    _decide(people[ConsentState.REFUSED], coordinator, Decision.REFUSED)
    _decide(people[ConsentState.WITHDRAWN], coordinator, Decision.GIVEN, days_ago=100)
    services.consent_withdraw(
        acting_user=coordinator, client=people[ConsentState.WITHDRAWN], purpose=Purpose.RESEARCH
    )
    # Another purpose's decision never counts for research.
    _decide(
        people[ConsentState.NOT_ASKED], coordinator, Decision.GIVEN, purpose=Purpose.PEER_SUPPORT
    )
    return people


BOUNDARY_STATES = {
    "expires_today": ConsentState.EXPIRING_SOON,
    "expires_in_30": ConsentState.EXPIRING_SOON,
    "expires_in_31": ConsentState.ACTIVE,
}


@pytestmark_db
def test_sql_filters_agree_with_the_derived_state(people_in_every_state):
    annotated = access.with_newest_decisions(Client.objects.all())
    expected = {
        person: BOUNDARY_STATES.get(key, key) for key, person in people_in_every_state.items()
    }
    for state in ConsentState:
        matching = set(annotated.filter(consent.state_filter(Purpose.RESEARCH, state)))
        assert matching == {p for p, s in expected.items() if s == state}, state
    for person, state in expected.items():
        assert consent.states_of(annotated.get(pk=person.pk))[Purpose.RESEARCH] == state


@pytestmark_db
def test_only_people_with_research_consent_in_force_are_kept(people_in_every_state):
    kept = set(access.with_consent_in_force(Client.objects.all(), Purpose.RESEARCH))
    in_force = [ConsentState.ACTIVE, ConsentState.EXPIRING_SOON, *BOUNDARY_STATES]
    assert kept == {people_in_every_state[key] for key in in_force}


@pytestmark_db
def test_has_consent_in_force_for_one_person(people_in_every_state):
    for key, person in people_in_every_state.items():
        expected = BOUNDARY_STATES.get(key, key) in consent.IN_FORCE
        assert access.has_consent_in_force(person, Purpose.RESEARCH) is expected, key


@pytestmark_db
def test_withdrawal_takes_effect_at_once_even_after_a_same_day_consent(coordinator):
    person = ClientFactory()
    _decide(person, coordinator, Decision.GIVEN, days_ago=0, purpose=Purpose.CARE_TEAM_SHARING)
    assert access.has_consent_in_force(person, Purpose.CARE_TEAM_SHARING)
    services.consent_withdraw(
        acting_user=coordinator, client=person, purpose=Purpose.CARE_TEAM_SHARING
    )
    assert not access.has_consent_in_force(person, Purpose.CARE_TEAM_SHARING)


@pytestmark_db
def test_withdrawal_is_never_refused(coordinator):
    person = ClientFactory()
    services.client_close(acting_user=coordinator, client=person, reason="moved")
    record = services.consent_withdraw(
        acting_user=coordinator, client=person, purpose=Purpose.RESEARCH
    )
    assert record.decision == Decision.WITHDRAWN


@pytestmark_db
def test_a_newer_consent_after_a_withdrawal_is_in_force_again(coordinator):
    person = ClientFactory()
    _decide(person, coordinator, Decision.GIVEN, days_ago=30)
    services.consent_withdraw(acting_user=coordinator, client=person, purpose=Purpose.RESEARCH)
    assert not access.has_consent_in_force(person, Purpose.RESEARCH)
    _decide(person, coordinator, Decision.GIVEN, days_ago=0)
    assert access.has_consent_in_force(person, Purpose.RESEARCH)
    assert person.consents.count() == 3  # nothing was deleted


@pytestmark_db
def test_a_consent_record_explains_what_is_wrong(coordinator):
    from django.core.exceptions import ValidationError

    person = ClientFactory()
    with pytest.raises(ValidationError) as error:
        services.consent_record(
            acting_user=coordinator,
            client=person,
            purpose=Purpose.RESEARCH,
            decision=Decision.GIVEN,
            decided_on=timezone.localdate() + timedelta(days=2),
            expires_on=timezone.localdate(),
        )
    assert set(error.value.error_dict) == {"decided_on", "method", "expires_on"}
    assert not person.consents.exists()
