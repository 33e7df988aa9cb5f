"""Support groups' world: a group run by the peer and the clinician; a person
on their care teams and someone else on another clinician's team; a session
of the group both came to, with two others not registered."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groups.choices import SessionNoteAudience
from groups.models import GroupAttendance, GroupSession, SupportGroup
from tests.factories import ClientFactory, put_on_team


@pytest.fixture
def person(peer, clinician):
    person = ClientFactory(display_name="Hélène Groupe")
    put_on_team(person, peer)
    put_on_team(person, clinician)
    return person


@pytest.fixture
def elsewhere(other_clinician):
    elsewhere = ClientFactory(display_name="Someone Elsewhere")
    put_on_team(elsewhere, other_clinician)
    return elsewhere


@pytest.fixture
def group(peer, clinician):
    group = SupportGroup.objects.create(
        name="Entre pairs", place_text="Community room", created_by=peer
    )
    group.facilitators.set([peer, clinician])
    return group


@pytest.fixture
def make_session(group, peer):
    """A session of ``group`` held ``days_ago`` days ago, with ``came`` as
    registered people and ``anonymous`` others."""

    def make(*, came=(), anonymous=2, days_ago=1, on=None, **fields):
        session = GroupSession.objects.create(
            group=on or group,
            held_on=timezone.localdate() - timedelta(days=days_ago),
            topic=fields.pop("topic", "Sleep and stress"),
            anonymous_count=anonymous,
            recorded_by=peer,
            **fields,
        )
        for client in came:
            GroupAttendance.objects.create(session=session, client=client, recorded_by=peer)
        return session

    return make


@pytest.fixture
def session(make_session, person, elsewhere):
    return make_session(
        came=[person, elsewhere],
        note="Spoke about sleep; one asked for a referral.",
        note_audience=SessionNoteAudience.PEERS,
    )


@pytest.fixture
def peer_facilitator(peer):
    return peer


@pytest.fixture
def clinician_facilitator(clinician):
    return clinician


@pytest.fixture
def anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()
