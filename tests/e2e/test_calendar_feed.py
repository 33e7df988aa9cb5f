"""A peer turns on their calendar feed on a phone, copies its address, and a
calendar app (a browser context with no session) fetches it: it parses as
iCalendar and holds their accompaniment and follow-up without any name.
Resetting the address ends the old one at once. Without JavaScript, the
address is still there to select and copy by hand."""

from datetime import time
from urllib.parse import urljoin

from icalendar import Calendar
from playwright.sync_api import expect

from agenda.models import AccompanimentKind
from clients.models import CareTeamMembership
from peersupport.models import User
from tests.agenda.test_calendar import leaks, make_follow_up
from tests.e2e.conftest import ARTIFACTS, PHONE, fits_the_screen, sign_in, sticking_out


def _calendar_app_fetches(browser, address):
    """What a calendar app gets: a plain GET, no cookie, no session."""
    app = browser.new_context()
    try:
        response = app.request.get(address)
        return response.status, response.body()
    finally:
        app.close()


def test_a_peer_turns_on_the_calendar_feed_and_it_holds_no_names(page, browser, demo_accounts):
    peer = User.objects.get(username="peer")
    person = CareTeamMembership.objects.filter(member=peer, left_on__isnull=True).first().client
    kind = AccompanimentKind.objects.filter(is_active=True).first()
    make_follow_up(
        person,
        peer,
        kind=kind,
        due_time=time(9, 30),
        duration_minutes=90,
        place_text="Palais de justice, salle 3.08",
        what=f"Go with {person.display_name} to the hearing",
    )
    make_follow_up(person, peer, days=3, what=f"Bring {person.display_name} the lease form")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])

    sign_in(page, "peer")
    page.get_by_role("link", name="Calendar feed").click()
    expect(page.get_by_role("heading", name="Calendar feed", level=1)).to_be_visible()
    expect(page.get_by_text("What it never holds")).to_be_visible()
    page.get_by_role("button", name="Turn on the calendar feed").click()

    shown = page.get_by_label("Address of your calendar feed")
    expect(shown).to_be_visible()
    address = shown.input_value()
    assert "/calendar/" in address and ".ics?lang=en" in address
    page.get_by_role("button", name="Copy the address").click()
    expect(page.get_by_text("Copied: paste it in your calendar app.")).to_be_visible()
    assert _read_clipboard(page) == address
    assert fits_the_screen(page)
    assert sticking_out(page) == []
    page.screenshot(path=str(ARTIFACTS / "calendar-feed-phone.png"), full_page=True)

    status, body = _calendar_app_fetches(browser, address)
    assert status == 200
    events = Calendar.from_ical(body).walk("VEVENT")
    summaries = sorted(str(event["SUMMARY"]) for event in events)
    assert f"Accompaniment: {kind.label} · record {person.pk}" in summaries
    assert f"Follow-up · record {person.pk}" in summaries
    assert leaks(body) == []

    # Someone else may have seen it: reset, and the old address is dead at once.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Reset the address").click()
    expect(page.get_by_label("Address of your calendar feed")).not_to_have_value(address)
    new_address = page.get_by_label("Address of your calendar feed").input_value()
    assert _calendar_app_fetches(browser, address)[0] == 404
    assert _calendar_app_fetches(browser, new_address)[0] == 200

    # Going back to the page shows the feed on, never the address again.
    page.goto("/calendar/")
    expect(page.get_by_text("On. Its address was given on")).to_be_visible()
    expect(page.get_by_label("Address of your calendar feed")).to_have_count(0)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Turn off").click()
    expect(page.get_by_text("Your calendar feed is off")).to_be_visible()
    assert _calendar_app_fetches(browser, new_address)[0] == 404


def test_without_javascript_the_address_is_a_selectable_field_and_no_dead_button(
    browser, live_server, demo_accounts
):
    context = browser.new_context(
        viewport=PHONE, base_url=live_server.url, java_script_enabled=False
    )
    try:
        page = context.new_page()
        sign_in(page, "clinician")
        page.goto("/calendar/")
        page.get_by_role("button", name="Turn on the calendar feed").click()

        shown = page.get_by_label("Address of your calendar feed")
        expect(shown).to_be_visible()
        expect(shown).to_have_attribute("readonly", "")
        expect(page.get_by_role("button", name="Copy the address")).to_be_hidden()
        assert _calendar_app_fetches(browser, shown.input_value())[0] == 200
        assert fits_the_screen(page)
    finally:
        context.close()


def _read_clipboard(page):
    """What the clipboard holds, read as the calendar app would paste it: from
    a document outside the app's pages, whose Permissions-Policy denies
    reading the clipboard (the app only writes to it). A static file of the
    same server is such a document."""
    reader = page.context.new_page()
    try:
        reader.goto(urljoin(page.url, "/static/css/app.css"))
        return reader.evaluate("navigator.clipboard.readText()")
    finally:
        reader.close()
