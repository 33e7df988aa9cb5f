"""The world of supervision tests (imported by each test module of this
territory): a peer backed by a clinician (supervisor) and another peer
(reference person); the wellness plan's personas; a way to write a plan."""

from datetime import timedelta

import pytest
from django.utils import timezone

from interventions.models import EmergencyAccess
from peersupport.roles import Role
from staff.choices import BackingRole
from staff.models import Backing, WellnessPlan
from tests.factories import ClientFactory, UserFactory, put_on_team

PLAN_TEXT = "Walks by the canal; early sign: I stop answering my sister"


@pytest.fixture
def supervisor(clinician, peer, coordinator):
    """The peer's supervisor: the clinician."""
    Backing.objects.create(
        peer=peer, backer=clinician, role=BackingRole.SUPERVISOR, set_by=coordinator
    )
    return clinician


@pytest.fixture
def reference(other_peer, peer, coordinator):
    """The peer's reference person: another peer."""
    Backing.objects.create(
        peer=peer, backer=other_peer, role=BackingRole.REFERENCE, set_by=coordinator
    )
    return other_peer


@pytest.fixture
def superuser(db):
    user = UserFactory(username="root", roles=[])
    user.is_superuser = True
    user.is_staff = True
    user.save(update_fields=["is_superuser", "is_staff"])
    return user


@pytest.fixture
def safety_clinician(db, peer):
    """A clinician with an open safety exception on a person on the peer's team."""
    clinician = UserFactory(username="safety_clinician", roles=[Role.CLINICIAN])
    person = ClientFactory(display_name="Someone At Risk")
    put_on_team(person, peer)
    now = timezone.now()
    EmergencyAccess.objects.create(
        client=person,
        user=clinician,
        reason="risk_to_self",
        justification="Said they had a plan.",
        granted_at=now - timedelta(minutes=5),
        expires_at=now + timedelta(hours=4),
    )
    return clinician


@pytest.fixture
def write_plan(peer):
    def write(*, shared=False, text=PLAN_TEXT, owner=None):
        return WellnessPlan.objects.create(
            peer=owner or peer,
            when_well=text,
            early_signs=f"{text} (signs)",
            what_helps=f"{text} (helps)",
            who_to_call="My sister, 514-555-0199",
            shared_with_supervisor=shared,
        )

    return write
