"""A peer on a phone registers someone, finds them again and keeps their record
up to date; another peer finds them and joins their team."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import field, fits_the_screen, sign_in


def test_a_peer_registers_finds_and_updates_a_person_on_a_phone(page, demo_accounts):
    sign_in(page, "peer")
    page.get_by_role("link", name="Register a person").click()
    field(page, "Name used").fill("Éloïse")
    page.get_by_label("Living situation").select_option("encampment")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("Éloïse is registered.")).to_be_visible()
    expect(page.get_by_text("Encampment", exact=True)).to_be_visible()
    assert fits_the_screen(page)

    page.goto("/clients/?q=eloise")
    page.get_by_role("link", name="Éloïse").click()
    page.get_by_role("link", name="Update the living situation").click()
    field(page, "Living situation").select_option("emergency_shelter")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Emergency shelter", exact=True)).to_be_visible()

    page.get_by_role("link", name="Record a decision").first.click()
    page.get_by_label("Given").check()
    page.get_by_label("Verbal").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Consent decision recorded.")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Withdraw").first.click()
    expect(page.get_by_text(re.compile("Consent withdrawn"))).to_be_visible()
    assert fits_the_screen(page)


def test_the_list_filters_as_you_type(page, demo_accounts):
    sign_in(page, "peer")
    page.goto("/clients/")
    page.get_by_label("Search by name").fill("helene")
    expect(page.locator("#people > li")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=helene"))
    expect(page.get_by_role("link", name="Hélène")).to_be_visible()


def test_another_peer_finds_the_person_and_joins_the_team(page, demo_accounts):
    sign_in(page, "peer2")
    page.goto("/clients/?q=helene")
    expect(page.get_by_role("heading", name="Registered, not on your teams")).to_be_visible()
    page.get_by_role("link", name="Join the care team").click()
    field(page, "Why you are joining").fill("Met her at the drop-in, will go with her to court.")
    page.get_by_role("button", name="Join the care team").click()
    expect(page.get_by_role("heading", name="Hélène")).to_be_visible()
    expect(page.get_by_text("Sam Gagnon", exact=True)).to_be_visible()
