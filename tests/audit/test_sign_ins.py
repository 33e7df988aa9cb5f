"""The record of sign-ins on /audit/sign-ins/: for coordinators only, in words
and dates, searchable by user, address, what happened and dates, paginated,
at a cost that does not grow with the rows."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import SignInEvent
from audit.views import PAGE_SIZE
from tests.db_snapshot import snapshot

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


def _event(kind, user=None, username=None, address="198.51.100.7", at=None, **fields):
    return SignInEvent.objects.create(
        kind=kind,
        user=user,
        username=username if username is not None else (user.username if user else ""),
        address=address,
        user_agent=FIREFOX,
        at=at or timezone.now(),
        **fields,
    )


def _page(client, **params):
    response = client.get(reverse("audit_sign_ins"), params)
    assert response.status_code == 200
    return response


def _usernames(response):
    return [event.username for event in response.context["rows"]]


@pytest.mark.parametrize("persona", ["peer", "clinician", "researcher", "outsider"])
def test_only_those_who_read_the_audit_trail_open_it(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    before = snapshot()
    assert client.get(reverse("audit_sign_ins")).status_code == 404
    assert snapshot() == before


def test_events_read_as_words_and_dates_never_codes(client, coordinator, peer):
    _event("signed_in", peer)
    _event("failed", username="nobody")
    _event("locked_out", peer)
    client.force_login(coordinator)
    page = _page(client).content.decode()
    table = page[page.index("<table") :]
    for words in (
        "Signed in",
        "Sign-in failed",
        "Locked out: too many failures",
        "no account has this username",
        "Firefox on Windows",
        "198.51.100.7",
    ):
        assert words in table
    assert "signed_in" not in table and "locked_out" not in table


def test_a_reset_says_who_did_it(client, coordinator, peer):
    coordinator.first_name, coordinator.last_name = "Camille", "Roy"
    coordinator.save()
    _event("second_factor_reset", peer, actor=coordinator)
    client.force_login(coordinator)
    assert "by Camille Roy" in _page(client).content.decode()


def test_the_search_finds_by_user_or_username_typed(client, coordinator, peer, clinician):
    _event("signed_in", peer)
    _event("failed", username="peer.typo")
    _event("signed_in", clinician)
    client.force_login(coordinator)
    assert sorted(_usernames(_page(client, user="peer"))) == ["peer", "peer.typo"]


def test_the_search_finds_by_address_or_its_beginning(client, coordinator, peer):
    _event("signed_in", peer, address="203.0.113.20")
    _event("failed", peer, address="198.51.100.7")
    client.force_login(coordinator)
    rows = _page(client, address="203.0.113.").context["rows"]
    assert [event.address for event in rows] == ["203.0.113.20"]
    assert len(_page(client, address="198.51.100.7").context["rows"]) == 1


def test_an_address_that_cannot_be_one_is_explained_on_its_field(client, coordinator, peer):
    _event("signed_in", peer)
    client.force_login(coordinator)
    response = _page(client, address="<script>")
    assert "address" in response.context["form"].errors
    assert "digits, dots and colons" in response.content.decode()
    # The rest of the search still answers, as if no address had been typed.
    assert response.context["rows"] == _page(client).context["rows"]


def test_the_search_finds_by_what_happened(client, coordinator, peer):
    _event("signed_in", peer)
    _event("locked_out", peer)
    client.force_login(coordinator)
    rows = _page(client, kind="locked_out").context["rows"]
    assert [event.kind for event in rows] == ["locked_out"]


def test_the_search_finds_by_dates(client, coordinator, peer):
    today = timezone.localdate()
    long_ago = timezone.make_aware(datetime(today.year - 1, 3, 10, 9, 30))
    _event("signed_in", peer, username="then", at=long_ago)
    _event("signed_in", peer, username="now")
    client.force_login(coordinator)
    day = long_ago.date().isoformat()
    assert _usernames(_page(client, since=day, until=day)) == ["then"]
    recent = _usernames(_page(client, since=today.isoformat()))
    assert "now" in recent and "then" not in recent
    assert "then" in _usernames(_page(client, until=day))
    assert "now" not in _usernames(_page(client, until=day))


def test_newest_first_and_paginated(client, coordinator, peer):
    start = timezone.now() - timedelta(days=1)
    for n in range(PAGE_SIZE + 1):
        _event("failed", peer, username=f"u{n}", at=start + timedelta(minutes=n))
    client.force_login(coordinator)
    first = _page(client, kind="failed")
    assert _usernames(first)[0] == f"u{PAGE_SIZE}"
    assert len(first.context["rows"]) == PAGE_SIZE
    assert _usernames(_page(client, kind="failed", page=2)) == ["u0"]


def test_the_trail_and_the_sign_ins_link_to_each_other(client, coordinator):
    client.force_login(coordinator)
    assert f'href="{reverse("audit_sign_ins")}"' in client.get(reverse("audit")).content.decode()
    assert f'href="{reverse("audit")}"' in _page(client).content.decode()


def test_the_list_makes_the_same_queries_for_one_and_fifty_events(
    client, coordinator, peer, clinician
):
    client.force_login(coordinator)
    _event("signed_in", peer)
    with CaptureQueriesContext(connection) as one:
        _page(client)
    for n in range(49):
        _event("failed", clinician if n % 2 else None, username=f"u{n}", actor=coordinator)
    with CaptureQueriesContext(connection) as fifty:
        assert len(_page(client).context["rows"]) == 50
    assert len(fifty.captured_queries) == len(one.captured_queries)
