"""Each person's own last sign-ins on their account page (/accounts/): when,
from where, with which browser, and the failures against their username since
their previous sign-in marked."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import SignInEvent
from audit.panels import OWN_SIGN_INS_SHOWN

pytestmark = pytest.mark.django_db

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def _event(kind, user, minutes_ago, address="198.51.100.7", username=None):
    return SignInEvent.objects.create(
        kind=kind,
        user=user,
        username=username or user.username,
        address=address,
        user_agent=IPHONE,
        at=timezone.now() - timedelta(minutes=minutes_ago),
    )


def _own_page(client, user):
    client.force_login(user)
    response = client.get(reverse("own_account"))
    assert response.status_code == 200
    return response


def test_my_last_sign_ins_show_when_where_and_which_browser(client, peer):
    _event("signed_in", peer, 60, address="203.0.113.20")
    page = _own_page(client, peer).content.decode()
    assert "My last sign-ins" in page
    assert "from 203.0.113.20" in page
    assert "Safari on iPhone" in page


def test_only_my_own_sign_ins_are_shown_even_to_a_coordinator(client, coordinator, peer):
    _event("signed_in", peer, 60, address="203.0.113.20")
    response = _own_page(client, coordinator)
    assert all(event.user == coordinator for event in response.context["own_sign_ins"])
    assert "203.0.113.20" not in response.content.decode()


def test_the_last_ten_are_shown_newest_first(client, peer):
    for minutes in range(30, 15, -1):
        _event("signed_out", peer, minutes)
    events = _own_page(client, peer).context["own_sign_ins"]
    assert len(events) == OWN_SIGN_INS_SHOWN == 10
    assert [e.at for e in events] == sorted((e.at for e in events), reverse=True)
    # The sign-in of this very page's session comes first.
    assert events[0].kind == "signed_in"


def test_failures_since_my_previous_sign_in_are_counted_and_marked(client, peer):
    old_failure = _event("failed", peer, 300)
    _event("signed_in", peer, 240)
    new_failures = [
        _event("failed", peer, 120, address="192.0.2.66"),
        _event("locked_out", peer, 119),
    ]
    response = _own_page(client, peer)  # signs in: the newest sign-in is this session
    assert response.context["own_sign_ins_failures"] == 2
    marked = {event.pk for event in response.context["own_sign_ins"] if event.is_new_failure}
    assert marked == {event.pk for event in new_failures}
    assert old_failure.pk not in marked
    page = response.content.decode()
    assert "2 failed sign-ins against your username since your previous sign-in" in page
    assert page.count("list-group-item-warning") == 2


def test_with_no_failure_nothing_is_marked(client, peer):
    _event("signed_in", peer, 240)
    response = _own_page(client, peer)
    assert response.context["own_sign_ins_failures"] == 0
    assert "failed sign-in" not in response.content.decode()


def test_the_panel_costs_the_same_with_one_or_many_events(client, peer):
    _own_page(client, peer)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("own_account"))
    for minutes in range(40):
        _event("failed" if minutes % 3 else "signed_in", peer, minutes + 1)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("own_account"))
    assert len(many.captured_queries) == len(few.captured_queries)
