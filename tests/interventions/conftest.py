"""A person whose care team is two peers and two clinicians, with consent to
share with the care team; a peer and a clinician off the team; notes factory."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clients import services as client_services
from clients.choices import ConsentMethod, Decision, Purpose
from interventions.choices import NoteStatus
from interventions.models import Note
from peersupport.roles import Role
from tests.factories import ClientFactory, UserFactory, put_on_team


@pytest.fixture
def peer_b(db):
    return UserFactory(username="peer_b", roles=[Role.PEER])


@pytest.fixture
def clinician_b(db):
    return UserFactory(username="clinician_b", roles=[Role.CLINICIAN])


@pytest.fixture
def person(peer, peer_b, clinician, clinician_b, other_peer, other_clinician, coordinator):
    person = ClientFactory(display_name="Hélène")
    for member in (peer, peer_b, clinician, clinician_b):
        put_on_team(person, member)
    elsewhere = ClientFactory(display_name="Someone else")
    put_on_team(elsewhere, other_peer)
    put_on_team(elsewhere, other_clinician)
    client_services.consent_record(
        acting_user=coordinator,
        client=person,
        purpose=Purpose.CARE_TEAM_SHARING,
        decision=Decision.GIVEN,
        method=ConsentMethod.VERBAL,
        decided_on=timezone.localdate() - timedelta(days=1),
    )
    return person


@pytest.fixture
def make_note():
    def make(
        client, author, audience, signed=True, body="Talked about the housing list.", answers=None
    ):
        return Note.objects.create(
            client=client,
            author=author,
            audience=audience,
            body=body,
            status=NoteStatus.SIGNED if signed else NoteStatus.DRAFT,
            signed_at=timezone.now() if signed else None,
            answers_note=answers,
        )

    return make
