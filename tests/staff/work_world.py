"""The world of the tests of work that is not an encounter and of debriefings
(imported by each test module of this territory): a peer supervised by a
clinician, a supervision and a meeting, an encounter the peer logged, and a
clinician holding an open safety exception on a person the peer serves."""

from datetime import timedelta

import pytest
from django.utils import timezone

from interventions.models import EmergencyAccess, Encounter
from peersupport.roles import Role
from staff.models import WorkActivity
from tests.factories import ClientFactory, UserFactory, name_supervisor, put_on_team

SUPERVISION_NOTE = "Talked through the night shift that went badly; sleeping poorly since"
MEETING_NOTE = "Agreed to move the drop-in to Thursdays"


@pytest.fixture
def supervisor(db, peer, coordinator):
    """The peer's supervisor: a clinician of their own."""
    user = UserFactory(username="work_supervisor", roles=[Role.CLINICIAN])
    name_supervisor(peer, user, set_by=coordinator)
    return user


@pytest.fixture
def person(peer):
    person = ClientFactory(display_name="Hélène Work")
    put_on_team(person, peer)
    return person


@pytest.fixture
def encounter(peer, person):
    return Encounter.objects.create(client=person, author=peer, setting="street")


@pytest.fixture
def safety_holder(db, person):
    """A clinician with an open safety exception on a person the peer serves."""
    user = UserFactory(username="safety_holder", roles=[Role.CLINICIAN])
    now = timezone.now()
    EmergencyAccess.objects.create(
        client=person,
        user=user,
        reason="risk_to_self",
        justification="Said they had a plan.",
        granted_at=now - timedelta(minutes=5),
        expires_at=now + timedelta(hours=4),
    )
    return user


def make_work(kind, author, *, attendees=(), days_ago=1, minutes=60, note="", **fields):
    """A work activity saved as it is (no service), dated ``days_ago``."""
    activity = WorkActivity.objects.create(
        kind=kind,
        author=author,
        occurred_on=timezone.localdate() - timedelta(days=days_ago),
        duration_minutes=minutes,
        note=note,
        **fields,
    )
    activity.attendees.set({author, *attendees})
    return activity


@pytest.fixture
def supervision(peer, supervisor, clinician):
    """A supervision the supervisor led with the peer; a clinician is (wrongly)
    among who was there, to show that changes nothing."""
    return make_work(
        "supervision",
        supervisor,
        attendees=[peer, clinician],
        peer=peer,
        led_by=supervisor,
        note=SUPERVISION_NOTE,
    )


@pytest.fixture
def meeting(peer, clinician):
    return make_work("meeting", peer, attendees=[clinician], note=MEETING_NOTE)
