"""A peer writes a logbook entry after a debriefing; the researcher codes it."""

from playwright.sync_api import expect

from tests.e2e.conftest import field, fits_the_screen, sign_in, sign_out


def test_a_peer_writes_and_the_researcher_codes(page, demo_accounts):
    sign_in(page, "peer")
    page.goto("/logbook/new/")
    field(page, "Date of the event").fill("2026-11-20")
    page.get_by_label("Kind").select_option("barrier")
    page.get_by_label("Source").select_option("debriefing")
    field(page, "Title").fill("Waiting room still hostile")
    field(page, "Narrative").fill("Security asked the peer to leave the waiting room again.")
    page.get_by_label("Managers and coordinators").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Entry saved.")).to_be_visible()
    assert fits_the_screen(page)
    sign_out(page)

    sign_in(page, "researcher")
    page.goto("/logbook/?q=waiting+room")
    page.get_by_role("link", name="Waiting room still hostile").click()
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Hostility or stigma from other staff (Barrier)").check()
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_text("Entry saved. The earlier version stays in its history.")
    ).to_be_visible()
    expect(page.locator(".badge", has_text="Hostility or stigma from other staff")).to_be_visible()
    assert fits_the_screen(page)


def test_research_pages_show_counts_and_charts_on_a_phone(page, demo_accounts):
    sign_in(page, "researcher")
    page.goto("/research/activity/")
    expect(
        page.get_by_role("img", name="Encounters per month; months under 5 have no bar")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="By stage")).to_be_visible()
    assert fits_the_screen(page)
    page.goto("/logbook/matrix/")
    expect(page.get_by_role("heading", name="Themes by stage")).to_be_visible()
    page.goto("/logbook/timeline/")
    expect(page.get_by_role("heading", name="Timeline of the implementation")).to_be_visible()
    assert fits_the_screen(page)
