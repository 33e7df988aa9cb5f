"""The menu says where you are, fits one line on a desktop in French, and
leads each role to what waits for it."""

import os
import re

from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, DESKTOP, PHONE, SCREENSHOTS, sign_in

ONE_LINE = """() => {
  const items = [...document.querySelectorAll(".app-navbar .navbar-brand, .app-navbar .nav-item, \
.app-navbar button")].filter((e) => e.offsetParent !== null);
  const tops = new Set(items.map((e) => Math.round(e.getBoundingClientRect().top / 8)));
  const signOut = document.querySelector(".app-navbar form[action*=logout]")
    .getBoundingClientRect();
  const last = [...document.querySelectorAll(".app-navbar .me-auto > .nav-item")]
    .filter((e) => e.offsetParent !== null).pop().getBoundingClientRect();
  return {lines: tops.size, height: document.querySelector(".app-navbar").offsetHeight,
          room: Math.round(signOut.left - last.right)};
}"""


def test_the_coordinators_french_menu_fits_one_line_on_a_desktop(page, demo_accounts):
    page.set_viewport_size(DESKTOP)
    sign_in(page, "coordinator")
    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    menu = page.evaluate(ONE_LINE)
    page.screenshot(path=ARTIFACTS / "menu-coordinator-fr-1280.png")
    assert menu["lines"] == 1, menu
    assert menu["height"] <= 64, menu
    # Room to spare for a count with one more digit.
    assert menu["room"] >= 20, menu


def test_the_menu_marks_the_section_you_are_in(page, demo_accounts):
    page.set_viewport_size(DESKTOP)
    sign_in(page, "researcher")
    menu = page.get_by_role("navigation", name="Main navigation")
    menu.get_by_role("link", name="Logbook", exact=True).click()
    current = page.locator('.app-navbar [aria-current="page"]')
    expect(current).to_have_count(1)
    expect(current).to_have_text("Logbook")
    expect(current).to_have_css("font-weight", "700")
    expect(menu.get_by_role("link", name="Home")).to_have_css("font-weight", "400")


def test_a_peer_sees_open_requests_in_the_menu_and_takes_one(page, demo_accounts):
    sign_in(page, "peer")
    page.get_by_role("button", name="Show or hide the menu").click()
    link = page.get_by_role("link", name=re.compile(r"^Peer requests \d+ open$"))
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", level=1, name="Requests for a peer")).to_be_visible()


def test_a_coordinator_reaches_the_safety_exception_reviews_from_the_menu(page, demo_accounts):
    page.set_viewport_size(DESKTOP)
    sign_in(page, "coordinator")
    page.locator(".app-navbar summary").click()
    menu = page.get_by_role("navigation", name="Main navigation")
    menu.get_by_role("link", name=re.compile("^Safety exceptions")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uses of the safety exception")
    expect(page.locator(".app-navbar summary")).to_have_css("font-weight", "700")


# The README's screenshots, taken by this journey: `UPDATE_SCREENSHOTS=1`
# writes them into docs/screenshots/, otherwise into test-artifacts/.
SCREENS = [
    ("peer", "peer-home", "/"),
    ("peer", "encounter-form", "/encounters/new/"),
    ("peer", "person", None),  # Hélène's page, found by search
    ("peer", "shared-notes", "/shared/"),
    ("researcher", "logbook-matrix", "/logbook/matrix/"),
    ("researcher", "programme-activity", "/research/activity/"),
]


def test_the_main_screens_on_a_phone_and_a_desktop(page, demo_accounts):
    target = SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") else ARTIFACTS
    target.mkdir(parents=True, exist_ok=True)
    signed_in = None
    for username, name, path in SCREENS:
        if username != signed_in:
            if signed_in:
                page.context.clear_cookies()
            page.set_viewport_size(PHONE)
            sign_in(page, username)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            signed_in = username
        for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(viewport)
            if path is None:
                page.goto("/clients/?q=helene")
                page.get_by_role("link", name="Hélène").click()
            else:
                page.goto(path)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            page.screenshot(path=target / f"{name}-{label}.png")
