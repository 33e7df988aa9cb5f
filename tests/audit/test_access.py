"""``sign_in_event_policy``: coordinators who read the audit trail see every
sign-in event; everyone else only the events about their own account."""

import pytest
from django.contrib.auth.models import AnonymousUser

from audit.access import sign_in_event_policy as policy
from audit.models import SignInEvent

pytestmark = pytest.mark.django_db
VIEW = policy.Action.VIEW


@pytest.fixture
def events(peer, clinician):
    return {
        "peer": SignInEvent.objects.create(kind="signed_in", user=peer, username="peer"),
        "clinician": SignInEvent.objects.create(
            kind="failed", user=clinician, username="clinician"
        ),
        "nobody": SignInEvent.objects.create(kind="failed", username="nobody"),
    }


def test_a_coordinator_sees_every_event(coordinator, events):
    assert set(policy.visible_to(coordinator)) == set(events.values())
    assert all(policy.can(coordinator, VIEW, event) for event in events.values())


@pytest.mark.parametrize("persona", ["peer", "clinician"])
def test_anyone_else_sees_only_their_own(request, persona, events):
    user = request.getfixturevalue(persona)
    assert list(policy.visible_to(user)) == [events[persona]]
    assert policy.can(user, VIEW, events[persona])
    assert not policy.can(user, VIEW, events["nobody"])
    other = "clinician" if persona == "peer" else "peer"
    assert not policy.can(user, VIEW, events[other])


def test_a_visitor_and_a_deactivated_account_see_nothing(peer, events):
    assert not policy.visible_to(AnonymousUser()).exists()
    peer.is_active = False
    peer.save()
    assert not policy.visible_to(peer).exists()
    assert not policy.can(peer, VIEW, events["peer"])


def test_those_who_may_read_an_event_are_the_coordinators_and_its_account(
    coordinator, peer, events
):
    assert set(policy.users_who_can(VIEW, events["peer"])) == {coordinator, peer}
    assert set(policy.users_who_can(VIEW, events["nobody"])) == {coordinator}
