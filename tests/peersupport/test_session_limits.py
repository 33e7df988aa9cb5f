"""The server ends a session that was idle too long or began too long ago, and
only what the person did counts as activity (peersupport/session_limits.py).

Time never passes here: each test moves the clocks stored in the session back.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse

from peersupport.session_limits import ACTIVITY_RESOLUTION, LAST_ACTIVITY, STARTED
from tests.subprocess_django import PRODUCTION_ENV, run_python

ROOT = Path(__file__).resolve().parents[2]
BACKGROUND = {"HTTP_X_BACKGROUND": "1"}
HTMX_POLL = {**BACKGROUND, "HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/"}


@pytest.fixture
def browser(client, peer):
    """The peer, signed in, after one page (which starts the session's clocks)."""
    client.force_login(peer)
    assert client.get(reverse("home")).status_code == 200
    return client


def _stored(browser, key):
    return browser.session[key]


def _move_back(browser, seconds, *keys):
    """Pretend ``keys`` (the clocks) were set ``seconds`` earlier."""
    session = browser.session
    for key in keys:
        session[key] = session[key] - seconds
    session.save()


def _is_signed_out(browser) -> bool:
    response = browser.get(reverse("home"))
    return response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_session_idle_just_under_the_limit_lives_on(browser):
    _move_back(browser, settings.SESSION_IDLE_SECONDS - 5, LAST_ACTIVITY)
    assert not _is_signed_out(browser)


def test_a_session_idle_past_the_limit_ends_and_says_why(browser):
    _move_back(browser, settings.SESSION_IDLE_SECONDS + 1, LAST_ACTIVITY)
    response = browser.get(reverse("clients:list"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "without activity" in response.content.decode()
    assert "_auth_user_id" not in browser.session
    # Signed out for good: the next request is anonymous as well.
    assert _is_signed_out(browser)


def test_a_session_ends_at_the_absolute_limit_whatever_the_activity(browser):
    _move_back(browser, settings.SESSION_ABSOLUTE_SECONDS + 1, STARTED)
    # The last activity is now: only the absolute limit ends it.
    response = browser.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "a session lasts at most 12 hours" in response.content.decode()


def test_a_request_the_person_makes_renews_the_session(browser):
    _move_back(browser, settings.SESSION_IDLE_SECONDS - 5, LAST_ACTIVITY)
    before = _stored(browser, LAST_ACTIVITY)
    browser.get(reverse("home"))
    assert _stored(browser, LAST_ACTIVITY) > before + settings.SESSION_IDLE_SECONDS - 10
    # Past the old deadline, the session lives on.
    _move_back(browser, 10, LAST_ACTIVITY)
    assert not _is_signed_out(browser)


def test_activity_is_recorded_to_the_minute_without_a_write_in_between(browser):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _move_back(browser, ACTIVITY_RESOLUTION - 5, LAST_ACTIVITY)
    before = _stored(browser, LAST_ACTIVITY)
    with CaptureQueriesContext(connection) as within_the_minute:
        response = browser.get(reverse("home"))
    # Less than a minute after the last recorded page: the clock stays, and
    # the session is not written again.
    assert _stored(browser, LAST_ACTIVITY) == before
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not [q for q in within_the_minute if "UPDATE" in q["sql"] and "session" in q["sql"]]
    # What the person sends ("Stay signed in") is recorded whatever the minute.
    browser.post(reverse("session"))
    assert _stored(browser, LAST_ACTIVITY) >= before + ACTIVITY_RESOLUTION - 5
    _move_back(browser, ACTIVITY_RESOLUTION - 5, LAST_ACTIVITY)
    _move_back(browser, 10, LAST_ACTIVITY)
    moved = _stored(browser, LAST_ACTIVITY)
    response = browser.get(reverse("home"))
    assert _stored(browser, LAST_ACTIVITY) >= moved + ACTIVITY_RESOLUTION
    assert settings.SESSION_COOKIE_NAME in response.cookies


def test_a_background_poll_does_not_renew_the_session(browser):
    _move_back(browser, settings.SESSION_IDLE_SECONDS - 5, LAST_ACTIVITY)
    before = _stored(browser, LAST_ACTIVITY)
    response = browser.get(reverse("home"), **HTMX_POLL)
    # The poll is answered...
    assert response.status_code == 200
    # ...but counts for nothing: the clock did not move, and the session
    # (cookie included) was not even saved.
    assert _stored(browser, LAST_ACTIVITY) == before
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_a_page_that_only_polls_is_signed_out_at_the_idle_limit(browser):
    for _ in range(3):
        browser.get(reverse("session"), **BACKGROUND)
    _move_back(browser, settings.SESSION_IDLE_SECONDS + 1, LAST_ACTIVITY)
    response = browser.get(reverse("home"), **HTMX_POLL)
    # 286 stops an htmx poll; HX-Redirect takes the page to the sign-in page,
    # which then says why.
    assert response.status_code == 286
    assert response["HX-Redirect"] == f"{reverse('login')}?next=%2F"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "You were signed out after a while without activity. Sign in again to continue."
    ]
    assert _is_signed_out(browser)


def test_the_pages_own_check_after_the_end_is_told_so_and_the_message_waits(browser):
    _move_back(browser, settings.SESSION_IDLE_SECONDS + 1, LAST_ACTIVITY)
    response = browser.get(reverse("session"), HTTP_ACCEPT="application/json", **BACKGROUND)
    assert response.json() == {"signed_out": True, "login_url": reverse("login")}
    # The sign-in page the script goes to next tells why.
    assert "without activity" in browser.get(reverse("login")).content.decode()


def test_the_status_tells_what_is_left_without_renewing(browser):
    _move_back(browser, 600, LAST_ACTIVITY, STARTED)
    before = _stored(browser, LAST_ACTIVITY)
    response = browser.get(reverse("session"), **BACKGROUND)
    left = response.json()
    assert left["idle_seconds_left"] >= settings.SESSION_IDLE_SECONDS - 602
    assert left["idle_seconds_left"] <= settings.SESSION_IDLE_SECONDS - 600
    assert left["absolute_seconds_left"] <= settings.SESSION_ABSOLUTE_SECONDS - 600
    assert left["warning_seconds"] == settings.SESSION_WARNING_SECONDS
    assert response["Cache-Control"].startswith("max-age=0")
    assert _stored(browser, LAST_ACTIVITY) == before


def test_stay_signed_in_renews_the_session(browser):
    _move_back(browser, settings.SESSION_IDLE_SECONDS - 60, LAST_ACTIVITY)
    response = browser.post(reverse("session"))
    assert response.status_code == 200
    assert response.json()["idle_seconds_left"] >= settings.SESSION_IDLE_SECONDS - 2
    _move_back(browser, 120, LAST_ACTIVITY)
    assert not _is_signed_out(browser)


def test_stay_signed_in_needs_the_csrf_token(peer):
    from django.test import Client

    careful = Client(enforce_csrf_checks=True)
    careful.force_login(peer)
    assert careful.post(reverse("session")).status_code == 403


def test_stay_signed_in_does_not_push_back_the_absolute_limit(browser):
    _move_back(browser, settings.SESSION_ABSOLUTE_SECONDS - 30, STARTED)
    assert browser.post(reverse("session")).json()["absolute_seconds_left"] <= 30


def test_stay_signed_in_cannot_revive_an_ended_session(browser):
    _move_back(browser, settings.SESSION_IDLE_SECONDS + 1, LAST_ACTIVITY)
    response = browser.post(reverse("session"), HTTP_ACCEPT="application/json")
    assert response.json()["signed_out"] is True
    assert _is_signed_out(browser)


def test_signing_in_starts_both_clocks_afresh(client, peer):
    peer.set_password("a-long-enough-password")
    peer.save()
    # Clocks an earlier sign-in left in the browser's session must not carry over.
    session = client.session
    session[STARTED] = session[LAST_ACTIVITY] = 1_000_000_000
    session.save()
    client.post(reverse("login"), {"username": "peer", "password": "a-long-enough-password"})
    started, last = client.session[STARTED], client.session[LAST_ACTIVITY]
    assert started == last > 1_000_000_000
    assert not _is_signed_out(client)


def test_every_page_of_a_signed_in_person_carries_the_warning_and_its_script(browser):
    page = browser.get(reverse("home")).content.decode()
    assert 'id="session-timeout"' in page
    assert "js/session.js" in page
    assert "You will be signed out in 2 minutes without activity." in page
    assert "Stay signed in" in page


def test_the_sign_in_page_carries_no_warning(client):
    assert 'id="session-timeout"' not in client.get(reverse("login")).content.decode()


# hx-trigger="every 30s" and "load, every 1m" alike.
POLLING = re.compile(r"hx-trigger=(['\"])[^'\"]*\bevery\b[^'\"]*\1")
BACKGROUND_MARK = re.compile(r"hx-headers=(['\"])[^'\"]*\"X-Background\":\s*\"1\"[^'\"]*\1")


def unmarked_polls(text: str) -> list[str]:
    """The elements of ``text`` that poll without the background mark."""
    return [
        tag
        for tag in re.findall(r"<[^>]+>", text)
        if POLLING.search(tag) and not BACKGROUND_MARK.search(tag)
    ]


def test_every_polling_element_of_the_templates_is_marked_as_background():
    found = {
        str(path.relative_to(ROOT)): unmarked_polls(path.read_text())
        for path in sorted((ROOT / "templates").rglob("*.html"))
    }
    assert {path: tags for path, tags in found.items() if tags} == {}


def test_the_poll_check_tells_a_marked_poll_from_an_unmarked_one():
    unmarked = '<div hx-get="/x" hx-trigger="every 30s">'
    marked = '<div hx-get="/x" hx-trigger="load, every 30s" hx-headers=\'{"X-Background": "1"}\'>'
    typed = '<input hx-post="/x" hx-trigger="input changed delay:400ms">'
    assert unmarked_polls(unmarked + marked + typed) == [unmarked]


@pytest.mark.parametrize("variable", ["SESSION_ABSOLUTE_HOURS", "SESSION_IDLE_MINUTES"])
def test_a_session_limit_of_zero_stops_start_up_naming_the_variable(variable):
    result = run_python("import django; django.setup()", {**PRODUCTION_ENV, variable: "0"})
    assert result.returncode != 0
    assert variable in result.stderr.strip().splitlines()[-1]
