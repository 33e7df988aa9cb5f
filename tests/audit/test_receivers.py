"""Sign-ins, sign-outs, failures and lock-outs reach the record of sign-ins by
themselves, from the signals Django and django-axes send: with time, account,
username typed, real client address and browser, and never a password."""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from audit.models import SignInEvent
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
WRONG = "not-the-password-at-all"


def _sign_in(client, username, password, **extra):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        **{"REMOTE_ADDR": "198.51.100.7", "HTTP_USER_AGENT": FIREFOX, **extra},
    )


def _kinds():
    return list(SignInEvent.objects.order_by("pk").values_list("kind", flat=True))


def test_a_sign_in_is_recorded_with_its_time_address_and_browser(client, peer):
    response = _sign_in(client, "peer", TEST_PASSWORD)
    assert response.status_code == 302
    event = SignInEvent.objects.get()
    assert (event.kind, event.user, event.username) == ("signed_in", peer, "peer")
    assert (event.address, event.user_agent) == ("198.51.100.7", FIREFOX)
    assert event.at is not None and event.actor is None


def test_signing_out_is_recorded(client, peer):
    _sign_in(client, "peer", TEST_PASSWORD)
    client.post(reverse("logout"), REMOTE_ADDR="198.51.100.7")
    assert _kinds() == ["signed_in", "signed_out"]
    assert SignInEvent.objects.last().user == peer


def test_signing_out_when_not_signed_in_records_nothing(client):
    client.post(reverse("logout"))
    assert not SignInEvent.objects.exists()


def test_a_wrong_password_is_recorded_with_the_account_and_never_the_password(client, peer):
    _sign_in(client, "peer", WRONG)
    event = SignInEvent.objects.get()
    assert (event.kind, event.user, event.username) == ("failed", peer, "peer")
    stored = " ".join(str(value) for value in SignInEvent.objects.values().get().values())
    assert WRONG not in stored


def test_an_unknown_username_is_recorded_as_typed_with_no_account(client, peer):
    _sign_in(client, "  Pere  ", WRONG)
    event = SignInEvent.objects.get()
    assert (event.kind, event.user, event.username) == ("failed", None, "Pere")


def test_a_username_that_differs_only_in_case_names_no_account(client, peer):
    # Sign-in matches the username exactly; so does the record.
    _sign_in(client, "PEER", TEST_PASSWORD)
    assert SignInEvent.objects.get().user is None


def test_each_attempt_is_recorded_once_and_the_lock_out_says_so(client, peer):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "peer", WRONG)
    failures = settings.AXES_FAILURE_LIMIT - 1
    assert _kinds() == ["failed"] * failures + ["locked_out"]
    # Even the right password is refused now, and recorded as such.
    response = _sign_in(client, "peer", TEST_PASSWORD)
    assert response.status_code == 429
    assert _kinds() == ["failed"] * failures + ["locked_out"] * 2
    assert set(SignInEvent.objects.values_list("user", "username")) == {(peer.pk, "peer")}


@override_settings(PROXY_COUNT=1)
def test_behind_a_proxy_the_real_client_address_is_recorded(client, peer):
    _sign_in(
        client,
        "peer",
        WRONG,
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.66, 203.0.113.20",
    )
    _sign_in(
        client,
        "peer",
        TEST_PASSWORD,
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.66, 203.0.113.20",
    )
    assert set(SignInEvent.objects.values_list("address", flat=True)) == {"203.0.113.20"}


def test_a_long_user_agent_is_cut(client, peer):
    _sign_in(client, "peer", TEST_PASSWORD, HTTP_USER_AGENT=FIREFOX + " x" * 500)
    assert len(SignInEvent.objects.get().user_agent) == 300
