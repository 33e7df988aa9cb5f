"""A person signs in on a phone and lands on the home of their role."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, field, fits_the_screen, sign_in, sign_out

# The home page itself, not the sign-in page that asks to come back to it (?next=/).
HOME = re.compile(r"://[^/]+/$")
DEMO_HOMES = [
    ("peer", "Peer support worker"),
    ("peer2", "Peer support worker"),
    ("clinician", "Clinician"),
    ("clinician2", "Clinician"),
    ("researcher", "Researcher"),
    ("coordinator", "Coordinator"),
]


def signed_in(page, username, password="peersupport-demo"):
    """Sign in and wait until the home page has loaded, so nothing races the sign-in."""
    sign_in(page, username, password=password)
    page.wait_for_url(HOME)


@pytest.mark.parametrize(("username", "role_heading"), DEMO_HOMES)
def test_each_demo_account_signs_in_and_lands_on_its_role_home(
    page, demo_accounts, username, role_heading
):
    signed_in(page, username)
    expect(page.get_by_role("heading", level=2, name=role_heading)).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=ARTIFACTS / f"home-{username}.png", full_page=True)


def test_the_menu_opens_on_a_phone_and_signs_out(page, demo_accounts):
    signed_in(page, "coordinator")
    page.get_by_role("button", name="Show or hide the menu").click()
    expect(page.get_by_role("link", name="Accounts", exact=True)).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_a_wrong_password_is_explained(page, demo_accounts):
    sign_in(page, "peer", password="not-the-password")
    expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()


def test_the_login_page_switches_to_french(page, demo_accounts):
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Français").click()
    expect(page.get_by_role("heading", name="Se connecter")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_label("Nom d’utilisateur").fill("researcher")
    page.get_by_label("Mot de passe").fill("peersupport-demo")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(HOME)
    expect(page.get_by_role("heading", name="Chercheur ou chercheuse")).to_be_visible()
    assert fits_the_screen(page)


def test_coordinator_opens_an_account_that_must_choose_its_password(page, demo_accounts):
    signed_in(page, "coordinator")
    page.goto("/staff/new/")
    page.get_by_label("Username").fill("newpeer")
    page.get_by_label("First name").fill("Léa")
    page.get_by_label("Peer support worker").check()
    field(page, "Temporary password").fill("temporary-pass-for-lea")
    page.get_by_label("Temporary password again").fill("temporary-pass-for-lea")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/staff/\d+/$"))
    expect(page.get_by_text("Account newpeer created.")).to_be_visible()
    expect(page.get_by_text("Role granted: Peer support worker")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=ARTIFACTS / "account-detail.png", full_page=True)

    sign_out(page)
    sign_in(page, "newpeer", password="temporary-pass-for-lea")
    page.wait_for_url(re.compile(r"/accounts/password/"))
    expect(page.get_by_text("You signed in with a temporary password")).to_be_visible()
    page.get_by_label("Old password").fill("temporary-pass-for-lea")
    field(page, "New password").fill("lea-chooses-her-own-password")
    page.get_by_label("New password confirmation").fill("lea-chooses-her-own-password")
    page.get_by_role("button", name="Change my password").click()
    page.wait_for_url(HOME)
    expect(page.get_by_role("heading", level=2, name="Peer support worker")).to_be_visible()


def test_every_account_page_fits_a_phone(page, demo_accounts):
    # Each page is measured once it has loaded (its styles applied), never
    # while the previous one is still on screen.
    signed_in(page, "coordinator")
    for path in ["/staff/", "/staff/new/", "/accounts/password/"]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert fits_the_screen(page), path
    page.goto("/staff/")
    page.get_by_role("link", name="peer2").click()
    page.wait_for_url(re.compile(r"/staff/\d+/$"))
    account = page.url
    for name, address in [
        ("Edit name and roles", r"/staff/\d+/edit/$"),
        ("Set a temporary password", r"/staff/\d+/password/$"),
    ]:
        page.get_by_role("link", name=name).click()
        page.wait_for_url(re.compile(address))
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert fits_the_screen(page), name
        page.goto(account)
