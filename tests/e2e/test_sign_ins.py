"""Sign-ins in a browser: a person sees the failures against their username on
their own page, a coordinator finds them in the audit trail, and pages deny
the camera and microphone."""

import re

import pytest
from playwright.sync_api import expect

from peersupport.roles import Role
from tests.e2e.conftest import ARTIFACTS, fits_the_screen, sign_in
from tests.factories import UserFactory

HOME = re.compile(r"://[^/]+/$")
PASSWORD = "a-quiet-walk-by-the-river-7"


@pytest.fixture
def people(transactional_db):
    accounts = {}
    for username, role in (("sam", Role.PEER), ("chief", Role.COORDINATOR)):
        user = UserFactory(username=username, first_name=username.title(), roles=[role])
        user.set_password(PASSWORD)
        user.save()
        accounts[username] = user
    return accounts


def _signed_in(page, username):
    sign_in(page, username, password=PASSWORD)
    page.wait_for_url(HOME)


def test_my_own_page_shows_the_failures_against_my_username(page, people):
    for _ in range(2):
        sign_in(page, "sam", password="somebody-guessing")
        expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()
    _signed_in(page, "sam")
    page.goto("/accounts/")
    panel = page.get_by_role("region", name="My last sign-ins")
    expect(panel.get_by_role("status")).to_contain_text("2 failed sign-ins against your username")
    expect(panel.get_by_text("Sign-in failed")).to_have_count(2)
    expect(panel.get_by_text("Chrome on Linux").first).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=ARTIFACTS / "own-sign-ins.png", full_page=True)


def test_a_coordinator_finds_the_failures_in_the_audit_trail(page, people):
    sign_in(page, "sam", password="somebody-guessing")
    expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()
    _signed_in(page, "chief")
    page.goto("/audit/")
    page.get_by_role("link", name="Sign-ins").click()
    page.get_by_label("User or username typed").fill("sam")
    page.get_by_label("What happened").select_option(label="Sign-in failed")
    page.get_by_role("button", name="Search").click()
    rows = page.get_by_role("row").filter(has_text="Sign-in failed")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("127.0.0.1")
    assert fits_the_screen(page)
    page.screenshot(path=ARTIFACTS / "audit-sign-ins.png", full_page=True)


def test_pages_deny_the_camera_microphone_and_location(page, people):
    page.goto("/accounts/login/")
    denied = page.evaluate(
        "['camera', 'microphone', 'geolocation', 'payment', 'usb']"
        ".filter((feature) => !document.featurePolicy.allowsFeature(feature))"
    )
    assert denied == ["camera", "microphone", "geolocation", "payment", "usb"]
