"""A page warns before its session ends for want of activity: "Stay signed in"
keeps it, and doing nothing ends it on the sign-in page, which says why.

The limits are made tiny (seconds) in the live server, which runs in this
process and reads the same settings; the journeys wait for what the page
shows, never for a fixed time.
"""

import re

import pytest
from playwright.sync_api import expect

from peersupport.roles import Role
from tests.e2e.conftest import sign_in
from tests.factories import UserFactory

HOME = re.compile(r"://[^/]+/$")
PASSWORD = "a-walk-in-the-park-42"
STATUS = """async () => {
  const response = await fetch("/session/", {headers: {"X-Background": "1",
                                                       Accept: "application/json"}});
  return {status: response.status, body: await response.json()};
}"""


@pytest.fixture
def walker(transactional_db):
    user = UserFactory(username="walker", roles=[Role.PEER])
    user.set_password(PASSWORD)
    user.save()
    return user


def _warning(page):
    return page.get_by_role("alertdialog")


def test_stay_signed_in_keeps_the_session_past_its_old_end(page, walker, settings):
    settings.SESSION_IDLE_SECONDS = 10
    settings.SESSION_WARNING_SECONDS = 5
    sign_in(page, "walker", password=PASSWORD)
    page.wait_for_url(HOME)
    warning = _warning(page)
    expect(warning).to_be_visible(timeout=15_000)
    expect(warning).to_contain_text("You will be signed out in 1 minute without activity.")
    stay = warning.get_by_role("button", name="Stay signed in")
    # The button has the focus: a keyboard or screen-reader user answers at once.
    expect(stay).to_be_focused()
    stay.click()
    expect(warning).to_be_hidden()
    # It comes back for the renewed session's end, which is past the first
    # one: the server still answers, so the session lived on.
    expect(warning).to_be_visible(timeout=15_000)
    status = page.evaluate(STATUS)
    assert status["status"] == 200
    assert status["body"]["idle_seconds_left"] > 0
    assert HOME.search(page.url)


def test_doing_nothing_ends_on_the_sign_in_page_saying_why(page, walker, settings):
    settings.SESSION_IDLE_SECONDS = 4
    settings.SESSION_WARNING_SECONDS = 2
    sign_in(page, "walker", password=PASSWORD)
    page.wait_for_url(HOME)
    expect(_warning(page)).to_be_visible(timeout=10_000)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=10_000)
    assert "/accounts/login/?next=%2F" in page.url
    expect(page.get_by_text("You were signed out after a while without activity.")).to_be_visible()
    # The session is over: the home page asks to sign in again.
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
