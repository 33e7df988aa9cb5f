"""A peer on a phone refers Noémie to a shelter: without her consent to share
with a partner the form says so and saves nothing; once the consent is
recorded the referral saves, and its status moves."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import field, fits_the_screen, sign_in, sticking_out

MISSING = "The person’s consent for “referral to a partner” is not in force"


def test_a_referral_without_consent_is_explained_and_blocked_then_saves(page, demo_accounts):
    sign_in(page, "peer")
    page.goto("/clients/?q=noemie")
    page.get_by_role("link", name="Noémie").click()
    page.get_by_role("link", name="New referral").click()
    expect(page.get_by_role("heading", name=re.compile("New referral"))).to_be_visible()

    # Choosing a community partner tells at once what is missing (htmx).
    field(page, "Refer to").select_option(label="Refuge du Plateau · Shelter")
    expect(page.locator("#referral-consent").get_by_text(MISSING)).to_be_visible()
    field(page, "Why").fill("A bed for the cold nights.")
    page.get_by_role("button", name="Save the referral").click()
    # Sent anyway, it is refused on the partner field, and nothing is saved.
    expect(page.locator("#id_partner.is-invalid")).to_be_visible()
    expect(page.locator(".invalid-feedback", has_text=MISSING)).to_be_visible()
    assert fits_the_screen(page), sticking_out(page)

    # The notice links to the consent form for that purpose.
    page.get_by_role("link", name="Record the consent: Referral to a partner").click()
    expect(page.get_by_label("Referral to a partner")).to_be_checked()
    page.get_by_label("Given").check()
    page.get_by_label("Verbal").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Consent decision recorded.")).to_be_visible()

    # Back on the referral's form, where the consent was found missing.
    expect(page.get_by_role("heading", name=re.compile("New referral"))).to_be_visible()
    field(page, "Refer to").select_option(label="Refuge du Plateau · Shelter")
    expect(
        page.get_by_text("The consents a referral to Refuge du Plateau needs are in force.")
    ).to_be_visible()
    field(page, "Why").fill("A bed for the cold nights.")
    page.get_by_role("button", name="Save the referral").click()
    expect(page.get_by_text("Referral to Refuge du Plateau saved as proposed.")).to_be_visible()
    expect(page.get_by_text("A bed for the cold nights.")).to_be_visible()
    assert fits_the_screen(page), sticking_out(page)

    page.get_by_role("link", name="Record a status change").click()
    page.get_by_label("Sent").check()
    page.get_by_role("button", name="Record the change").click()
    expect(page.get_by_text("Status recorded: Sent.")).to_be_visible()
    expect(page.locator("#referral-history ~ ol li")).to_have_count(2)
    assert fits_the_screen(page), sticking_out(page)

    # The person's page lists it with its status in words.
    page.get_by_role("link", name="Back to Noémie").click()
    referrals = page.locator(
        "section", has=page.get_by_role("heading", name="Referrals", exact=True)
    )
    expect(referrals.get_by_role("link", name="Refuge du Plateau", exact=True)).to_be_visible()
    expect(referrals.get_by_text("Sent", exact=True)).to_be_visible()
    assert fits_the_screen(page), sticking_out(page)
