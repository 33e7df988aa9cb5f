"""The client address behind a proxy: one function read by the lock-outs, the
audit trail and the record of sign-ins, which believes ``X-Forwarded-For``
only through the number of proxies set in ``PROXY_COUNT``."""

import pytest
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from peersupport.audit import account_history
from peersupport.client_address import client_address
from peersupport.middleware import AuditContextMiddleware
from tests.factories import TEST_PASSWORD, UserFactory
from tests.subprocess_django import PRODUCTION_ENV, run_python

PROXY = "127.0.0.1"  # nginx on the app's own host, as README's deployment shows
ALICE = "198.51.100.7"
BOB = "203.0.113.20"
FORGED = "192.0.2.66"


def _request(forwarded_for=None, remote_addr=PROXY):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **extra)


# The function itself.


@override_settings(PROXY_COUNT=0)
def test_without_a_proxy_only_the_socket_address_counts():
    assert client_address(_request(f"{FORGED}, {ALICE}", remote_addr=ALICE)) == ALICE
    assert client_address(_request(FORGED, remote_addr=ALICE)) == ALICE


@override_settings(PROXY_COUNT=1)
def test_behind_one_proxy_the_address_it_appended_is_the_client():
    assert client_address(_request(ALICE)) == ALICE


@override_settings(PROXY_COUNT=1)
def test_behind_one_proxy_an_entry_the_client_forged_on_the_left_is_ignored():
    assert client_address(_request(f"{FORGED}, {ALICE}")) == ALICE
    assert client_address(_request(f"{FORGED}, 10.9.9.9, not-an-address, {ALICE}")) == ALICE


@override_settings(PROXY_COUNT=2)
def test_behind_two_proxies_the_outer_proxy_is_not_taken_for_the_client():
    # The load balancer appended Alice; nginx appended the load balancer (10.0.0.5).
    assert client_address(_request(f"{FORGED}, {ALICE}, 10.0.0.5")) == ALICE


@override_settings(PROXY_COUNT=1)
def test_a_request_that_did_not_cross_the_proxy_is_known_by_its_socket_address():
    assert client_address(_request(None, remote_addr="10.0.0.8")) == "10.0.0.8"


@override_settings(PROXY_COUNT=1)
def test_an_ipv6_client_behind_a_proxy_is_read_whole():
    assert client_address(_request(f"{FORGED}, 2001:db8::17")) == "2001:db8::17"


@override_settings(PROXY_COUNT=1)
def test_lock_outs_and_the_audit_trail_read_the_address_through_the_same_function():
    request = _request(f"{FORGED}, {ALICE}")
    assert settings.AXES_CLIENT_IP_CALLABLE == "peersupport.client_address.client_address"
    assert get_client_ip_address(request) == ALICE
    assert AuditContextMiddleware._get_remote_addr(request) == ALICE


# Lock-outs per username and address, through a proxy.


def _guess(browser, username, address, password="wrong-password-123", forged=None):
    forwarded = f"{forged}, {address}" if forged else address
    return browser.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def _can_sign_in(username, address):
    response = _guess(Client(), username, address, password=TEST_PASSWORD)
    return response.status_code == 302 and response.url == reverse("home")


def _lock_out(username, address, **kwargs):
    browser = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _guess(browser, username, address, **kwargs)


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob")


@override_settings(PROXY_COUNT=1)
def test_two_clients_behind_the_same_proxy_are_locked_out_independently(alice, bob):
    _lock_out("alice", ALICE)
    assert not _can_sign_in("alice", ALICE)
    # Bob comes through the same nginx (same REMOTE_ADDR) from his own address.
    assert _can_sign_in("bob", BOB)
    attempts = AccessAttempt.objects.values_list("username", "ip_address")
    assert set(attempts) == {("alice", ALICE)}


@override_settings(PROXY_COUNT=1)
def test_wrong_guesses_from_one_address_do_not_lock_the_username_out_elsewhere(alice):
    _lock_out("alice", BOB)
    assert not _can_sign_in("alice", BOB)
    assert _can_sign_in("alice", ALICE)


@override_settings(PROXY_COUNT=1)
def test_a_forged_header_neither_spreads_nor_escapes_a_lock_out(alice):
    # Each guess claims a new address on the left; the proxy's entry still counts.
    browser = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        _guess(browser, "alice", BOB, forged=f"192.0.2.{n + 1}")
    assert not _can_sign_in("alice", BOB)
    # Claiming to be Alice's address does not unlock it either...
    response = _guess(Client(), "alice", BOB, password=TEST_PASSWORD, forged=ALICE)
    assert response.status_code != 302
    # ...nor does it lock Alice out where she really is.
    assert _can_sign_in("alice", ALICE)


@override_settings(PROXY_COUNT=1)
def test_the_audit_entry_records_the_real_client_address_behind_the_proxy(client, coordinator):
    target = UserFactory(username="target")
    client.force_login(coordinator)
    client.post(
        reverse("accounts:deactivate", args=[target.pk]),
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"{FORGED}, {ALICE}",
    )
    entry = account_history(target).first()
    assert entry.actor == coordinator
    assert entry.remote_addr == ALICE


# The settings: PROXY_COUNT from the environment, read by axes and the trail alike.

WIRING = """
import django; django.setup()
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.test import RequestFactory
from peersupport.middleware import AuditContextMiddleware
request = RequestFactory().get(
    "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.66, 198.51.100.7, 10.0.0.5"
)
print(settings.PROXY_COUNT, get_client_ip_address(request),
      AuditContextMiddleware._get_remote_addr(request))
"""


@pytest.mark.parametrize(
    ("proxy_count", "expected"),
    [
        (None, "0 127.0.0.1 127.0.0.1"),
        ("1", "1 10.0.0.5 10.0.0.5"),
        ("2", "2 198.51.100.7 198.51.100.7"),
    ],
)
def test_proxy_count_comes_from_the_environment_and_reaches_both_readers(proxy_count, expected):
    env = dict(PRODUCTION_ENV)
    if proxy_count is not None:
        env["PROXY_COUNT"] = proxy_count
    result = run_python(WIRING, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
