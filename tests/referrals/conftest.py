"""A person on the care team of ``peer`` and ``clinician``, who consents to
receiving services; a community partner and a service of our organisation;
and a helper to record consents and referrals."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clients import services as client_services
from clients.choices import ConsentMethod, Decision, Purpose
from partners.models import Partner
from referrals import services
from tests.factories import ClientFactory, put_on_team


def give_consent(person, purpose, by, decision=Decision.GIVEN):
    return client_services.consent_record(
        acting_user=by,
        client=person,
        purpose=purpose,
        decision=decision,
        method=ConsentMethod.VERBAL if decision == Decision.GIVEN else "",
        decided_on=timezone.localdate() - timedelta(days=1),
    )


@pytest.fixture
def person(peer, clinician, other_peer, coordinator):
    person = ClientFactory(display_name="Hélène")
    put_on_team(person, peer)
    put_on_team(person, clinician)
    elsewhere = ClientFactory(display_name="Someone else")
    put_on_team(elsewhere, other_peer)
    give_consent(person, Purpose.PEER_SUPPORT, coordinator)
    return person


@pytest.fixture
def shelter(db):
    return Partner.objects.create(name="Refuge du Plateau", kind="shelter")


@pytest.fixture
def clinic_service(db):
    return Partner.objects.create(
        name="Service social de la clinique", kind="health_clinic", is_internal=True
    )


@pytest.fixture
def sharing(person, coordinator):
    """The person's consent to share with a partner, in force."""
    return give_consent(person, Purpose.PARTNER_REFERRAL, coordinator)


@pytest.fixture
def referral(person, shelter, sharing, peer):
    return services.referral_create(
        acting_user=peer,
        client=person,
        partner=shelter,
        reason="Needs a bed for the winter.",
        referred_on=timezone.localdate() - timedelta(days=3),
    )
