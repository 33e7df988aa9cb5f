"""``record_sign_in_event``: the one way into the record of sign-ins, which
other apps (the second factor) call too."""

import pytest
from django.test import RequestFactory

from audit.models import SignInEvent
from audit.services import record_sign_in_event

pytestmark = pytest.mark.django_db


def _request(user=None, **meta):
    request = RequestFactory().post("/", **{"REMOTE_ADDR": "198.51.100.7", **meta})
    if user is not None:
        request.user = user
    return request


def test_a_second_factor_failure_is_recorded_against_the_account(peer):
    event = record_sign_in_event("second_factor_failed", request=_request(peer), user=peer)
    assert (event.kind, event.user, event.username, event.actor) == (
        SignInEvent.Kind.SECOND_FACTOR_FAILED,
        peer,
        "peer",
        None,
    )
    assert event.address == "198.51.100.7"


def test_a_reset_by_a_coordinator_names_them(peer, coordinator):
    event = record_sign_in_event("second_factor_reset", request=_request(coordinator), user=peer)
    assert (event.user, event.actor) == (peer, coordinator)


def test_a_username_typed_is_cut_to_a_sane_length_and_cleaned(peer):
    event = record_sign_in_event("failed", request=_request(), username="\x00x" * 400)
    assert event.username == "x" * 150 and event.user is None


def test_a_typed_username_finds_its_account(peer):
    assert record_sign_in_event("failed", username="peer").user == peer


def test_an_event_without_a_request_has_no_address():
    event = record_sign_in_event("failed", username="nobody")
    assert (event.address, event.user_agent) == (None, "")


def test_an_unknown_kind_is_refused(peer):
    with pytest.raises(ValueError):
        record_sign_in_event("guessed", user=peer)
    assert not SignInEvent.objects.exists()
