"""A cold night on a phone: the coordinator hears the shelter is down to
half its beds and says so from the directory in one tap and a short form; a
peer logging an encounter then reads "reduced: half the beds" next to the
shelter's name, before sending anyone there."""

import re

from playwright.sync_api import expect

from partners.models import Partner
from tests.e2e.conftest import field, fits_the_screen, sign_in, sign_out, sticking_out

SHELTER = "Refuge du Plateau"
REDUCED = f"{SHELTER} — reduced: half the beds"


def test_a_coordinator_marks_the_shelter_reduced_and_a_peer_reads_it_on_the_encounter_form(
    page, demo_accounts
):
    sign_in(page, "coordinator")
    page.goto("/partners/")
    expect(page.get_by_role("heading", name="Community partners")).to_be_visible()
    # The demo has one partner nobody checked for three weeks: the directory says so.
    expect(page.get_by_text("Not checked for 21 days")).to_be_visible()
    assert fits_the_screen(page) and sticking_out(page) == []

    # One tap on the shelter's row opens its status, as it is now.
    page.get_by_role("link", name=f"Update the status · {SHELTER}").click()
    expect(page.get_by_role("heading", name=f"Service status of {SHELTER}")).to_be_visible()
    expect(page.get_by_label(re.compile(r"^\s*Open:"))).to_be_checked()
    assert fits_the_screen(page) and sticking_out(page) == []
    page.get_by_label(re.compile(r"^\s*Reduced:")).check()
    field(page, "Capacity").fill("half the beds")
    page.get_by_role("button", name="Save the status").click()

    # Back on the shelter's page: the status in words, who said it, the history.
    expect(page.get_by_text(f"{SHELTER}: Reduced, saved.")).to_be_visible()
    expect(page.get_by_role("heading", name=SHELTER)).to_be_visible()
    status = page.locator("section", has=page.get_by_role("heading", name="Service status"))
    expect(status.get_by_text("Reduced", exact=True)).to_be_visible()
    expect(status.get_by_text("half the beds")).to_be_visible()
    expect(status.get_by_text(re.compile(r"^Updated today by "))).to_be_visible()
    history = page.locator("section", has=page.get_by_role("heading", name="Status history"))
    expect(history.locator("li")).to_have_count(3)  # the demo's two, and this one
    expect(history.locator("li").first).to_contain_text("Reduced: half the beds")
    assert fits_the_screen(page) and sticking_out(page) == []
    shelter = Partner.objects.get(name=SHELTER)
    assert (shelter.service_status, shelter.capacity_note) == ("reduced", "half the beds")
    sign_out(page)

    # A peer logs an encounter: the shelter's choice says it is reduced.
    sign_in(page, "peer")
    page.goto("/encounters/new/")
    page.get_by_text(re.compile(r"^More: ")).click()
    partner = field(page, "Partner organisation")
    expect(partner.locator("option", has_text=REDUCED)).to_have_count(1)
    partner.select_option(label=REDUCED)
    expect(partner).to_have_value(str(shelter.pk))
    assert fits_the_screen(page) and sticking_out(page) == []
