"""The calendar feed's settings page (/calendar/), the services behind it and
its policy: turning the feed on shows its address once, resetting replaces it
at once, turning it off ends it; only a hash of the secret is ever stored."""

import hashlib
import re

import pytest
from auditlog.models import LogEntry
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client as BrowserClient
from django.urls import reverse

from agenda.access import calendar_feed_policy, calendar_secret_hash
from agenda.models import CalendarFeed
from agenda.services import calendar_feed_reset, calendar_feed_turn_off, calendar_feed_turn_on
from tests.agenda.test_calendar import feed_path, fetch, make_follow_up, turn_on
from tests.db_snapshot import snapshot
from tests.factories import ClientFactory, put_on_team

SETTINGS = reverse("calendar:settings")
TURN_ON = reverse("calendar:turn_on")
RESET = reverse("calendar:reset")
TURN_OFF = reverse("calendar:turn_off")
ADDRESS = re.compile(r"http://testserver/calendar/([\w-]+)\.ics\?lang=(\w+)")


def shown_address(response) -> tuple[str, str]:
    """The secret and language of the address a page shows (exactly one)."""
    found = ADDRESS.findall(response.content.decode())
    assert len(set(found)) == 1, found
    return found[0]


# The policy.


@pytest.mark.parametrize(
    ("persona", "may_have_a_feed"),
    [
        ("peer", True),
        ("clinician", True),
        ("researcher", False),
        ("coordinator", False),
        ("outsider", False),
    ],
)
def test_those_who_may_list_follow_ups_may_have_a_feed(request, persona, may_have_a_feed):
    user = request.getfixturevalue(persona)
    for action in calendar_feed_policy.Action:
        assert calendar_feed_policy.can(user, action) is may_have_a_feed


def test_a_feed_is_its_owners_alone_even_for_a_superuser(peer, clinician):
    turn_on(peer)
    clinician.is_superuser = True
    clinician.save(update_fields=["is_superuser"])
    feed = calendar_feed_policy.of(peer)

    assert list(calendar_feed_policy.visible_to(peer)) == [feed]
    assert list(calendar_feed_policy.visible_to(clinician)) == []
    assert not calendar_feed_policy.can(clinician, calendar_feed_policy.Action.VIEW, feed)


def test_by_secret_finds_the_feed_only_with_its_current_secret(peer):
    secret = turn_on(peer)

    assert calendar_feed_policy.by_secret(secret).user == peer
    assert calendar_feed_policy.by_secret(secret[:-1]) is None
    assert calendar_feed_policy.by_secret(calendar_secret_hash(secret)) is None


# The services.


def test_turning_on_stores_only_the_hash_of_the_secret(peer):
    secret = calendar_feed_turn_on(acting_user=peer)

    feed = CalendarFeed.objects.get(user=peer)
    assert feed.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert len(secret) >= 43  # 256 bits
    assert secret not in str(CalendarFeed.objects.values().get())


def test_turning_on_twice_keeps_one_feed_and_only_the_last_address_works(client, peer):
    first = calendar_feed_turn_on(acting_user=peer)
    second = calendar_feed_turn_on(acting_user=peer)

    assert CalendarFeed.objects.filter(user=peer).count() == 1
    assert fetch(client, first).status_code == 404
    assert fetch(client, second).status_code == 200


def test_reset_gives_a_new_secret_and_a_new_date(peer):
    calendar_feed_turn_on(acting_user=peer)
    before = CalendarFeed.objects.get(user=peer)

    secret = calendar_feed_reset(acting_user=peer)

    after = CalendarFeed.objects.get(user=peer)
    assert after.pk == before.pk
    assert after.secret_hash == calendar_secret_hash(secret) != before.secret_hash
    assert after.issued_at > before.issued_at


def test_reset_of_a_feed_that_is_off_is_refused_and_changes_nothing(peer):
    before = snapshot()

    with pytest.raises(ValidationError):
        calendar_feed_reset(acting_user=peer)

    assert snapshot() == before


def test_turning_off_deletes_the_feed_and_is_harmless_twice(peer):
    calendar_feed_turn_on(acting_user=peer)

    calendar_feed_turn_off(acting_user=peer)
    calendar_feed_turn_off(acting_user=peer)

    assert not CalendarFeed.objects.filter(user=peer).exists()


@pytest.mark.parametrize("persona", ["researcher", "coordinator", "outsider"])
@pytest.mark.parametrize(
    "service", [calendar_feed_turn_on, calendar_feed_reset, calendar_feed_turn_off]
)
def test_the_services_refuse_those_who_may_not_have_a_feed(request, persona, service):
    user = request.getfixturevalue(persona)
    before = snapshot()

    with pytest.raises(PermissionDenied):
        service(acting_user=user)

    assert snapshot() == before


def test_turning_on_resetting_and_off_are_in_the_audit_trail_without_the_hash(peer):
    secret = calendar_feed_turn_on(acting_user=peer)
    calendar_feed_reset(acting_user=peer)
    calendar_feed_turn_off(acting_user=peer)

    entries = LogEntry.objects.filter(content_type__model="calendarfeed").order_by("pk")
    assert [e.action for e in entries] == [
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,
        LogEntry.Action.DELETE,
    ]
    assert all(e.actor == peer for e in entries)
    assert all("secret_hash" not in (e.changes_dict or {}) for e in entries)
    assert all(secret not in str(e.changes) for e in entries)


# The settings page.


def test_the_page_explains_what_the_feed_holds_and_offers_to_turn_it_on(client, peer):
    client.force_login(peer)

    response = client.get(SETTINGS)

    assert response.status_code == 200
    page = response.content.decode()
    assert "What it never holds" in page
    assert "Anyone who has the address sees these events" in page
    assert TURN_ON in page and RESET not in page
    assert ADDRESS.search(page) is None


@pytest.mark.parametrize("persona", ["researcher", "coordinator", "outsider"])
def test_the_page_and_its_actions_do_not_exist_for_those_who_may_not_have_a_feed(
    client, request, persona
):
    client.force_login(request.getfixturevalue(persona))
    before = snapshot()

    assert client.get(SETTINGS).status_code == 404
    for action in (TURN_ON, RESET, TURN_OFF):
        assert client.post(action).status_code == 404
    assert snapshot() == before


def test_turning_on_shows_the_address_once_in_the_page_language(client, peer):
    client.force_login(peer)

    response = client.post(TURN_ON)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret, language = shown_address(response)
    assert language == "en"
    assert calendar_feed_policy.by_secret(secret).user == peer
    assert "webcal:" not in response.content.decode()  # it may travel over plain HTTP
    # Never again: not on the page, not in the session.
    again = client.get(SETTINGS).content.decode()
    assert secret not in again and RESET in again and TURN_OFF in again
    assert all(secret not in str(s.get_decoded()) for s in Session.objects.all())


def test_an_address_given_in_french_writes_the_feed_in_french(client, peer):
    client.force_login(peer)
    client.post(reverse("set_language"), {"language": "fr", "next": SETTINGS})

    _secret, language = shown_address(client.post(TURN_ON))

    assert language == "fr"


def test_reset_shows_a_new_address_and_the_old_one_stops_answering(client, peer):
    old = turn_on(peer)
    client.force_login(peer)

    new, _language = shown_address(client.post(RESET))

    assert new != old
    assert fetch(client, old).status_code == 404
    assert fetch(client, new).status_code == 200


def test_reset_when_the_feed_is_off_says_so_on_the_page(client, peer):
    client.force_login(peer)

    response = client.post(RESET, follow=True)

    assert "Your calendar feed is off" in response.content.decode()
    assert not CalendarFeed.objects.exists()


def test_turning_off_ends_the_address_and_says_so(client, peer):
    secret = turn_on(peer)
    client.force_login(peer)

    response = client.post(TURN_OFF, follow=True)

    assert "Your calendar feed is off" in response.content.decode()
    assert TURN_ON in response.content.decode()
    assert fetch(client, secret).status_code == 404


@pytest.mark.parametrize("action", [TURN_ON, RESET, TURN_OFF])
def test_the_actions_take_only_a_post_with_its_csrf_token(peer, action):
    turn_on(peer)
    browser = BrowserClient(enforce_csrf_checks=True)
    browser.force_login(peer)
    before = snapshot()

    assert browser.get(action).status_code == 405
    assert browser.post(action).status_code == 403
    assert snapshot() == before


def test_a_random_feed_address_answers_404_to_an_anonymous_visitor_not_a_sign_in_page(client, db):
    # The one page open without signing in: a wrong secret is simply not there.
    response = client.get(feed_path("x" * 43))

    assert response.status_code == 404


# The home page.


def test_the_home_page_offers_the_calendar_feed_to_those_who_may_have_one(client, peer, researcher):
    client.force_login(peer)
    assert SETTINGS in client.get("/").content.decode()
    turn_on(peer)
    assert "On:" in client.get("/").content.decode()

    client.force_login(researcher)
    assert SETTINGS not in client.get("/").content.decode()


def test_the_settings_page_costs_no_more_with_a_feed_and_its_events(
    client, peer, clinician, django_assert_max_num_queries
):
    person = ClientFactory(display_name="Someone")
    put_on_team(person, peer)
    for day in range(50):
        make_follow_up(person, peer, days=day)
    client.force_login(peer)
    with django_assert_max_num_queries(12) as off:
        client.get(SETTINGS)
    turn_on(peer)
    with django_assert_max_num_queries(len(off.captured_queries)) as on:
        client.get(SETTINGS)
    assert len(on.captured_queries) == len(off.captured_queries)
