"""A peer on a phone records a session of the group they facilitate: two of
their people ticked by name and three others counted; the session's page says
so in words, and one of the two finds it on their timeline."""

import re

from playwright.sync_api import expect

from groups.access import group_attendance_policy
from groups.models import GroupSession
from peersupport.models import User
from tests.e2e.conftest import field, fits_the_screen, sign_in, sticking_out


def test_a_peer_records_a_session_with_two_named_attendees_and_three_anonymous(page, demo_accounts):
    peer = User.objects.get(username="peer")
    first, second = group_attendance_policy.clients_for_record(peer).order_by("display_name")[:2]
    sign_in(page, "peer")

    # From the menu to the group the peer facilitates, listed first.
    page.get_by_role("button", name="Show or hide the menu").click()
    page.get_by_role("link", name="Groups", exact=True).click()
    expect(page.get_by_role("heading", name="Support groups")).to_be_visible()
    assert fits_the_screen(page) and sticking_out(page) == []
    page.get_by_role("link", name=re.compile("Entre pairs")).first.click()
    expect(page.get_by_role("heading", name="Entre pairs")).to_be_visible()
    assert fits_the_screen(page) and sticking_out(page) == []
    page.get_by_role("link", name="Record a session").click()

    # The form: today's date already there; the peer's people as boxes to tick.
    expect(page.get_by_role("heading", name="Record a session")).to_be_visible()
    field(page, "Topic").fill("Getting through the holidays")
    page.get_by_label(first.display_name, exact=True).check()
    page.get_by_label(second.display_name, exact=True).check()
    field(page, "How many others came").fill("3")
    field(page, "Note on the session").fill("Quiet start; it opened up after the break.")
    expect(page.get_by_text("Once saved, the note is never rewritten")).to_be_visible()
    assert fits_the_screen(page) and sticking_out(page) == []
    page.get_by_role("button", name="Save the session").click()

    # The session's page says who came, in words, and names the two.
    expect(page.get_by_text("Session saved.")).to_be_visible()
    expect(page.locator("#session-counts")).to_have_text(
        "5 came: 2 registered people you can see, 3 not registered"
    )
    came = page.get_by_role("region", name="Who came")
    expect(came.get_by_role("link", name=first.display_name)).to_be_visible()
    expect(came.get_by_role("link", name=second.display_name)).to_be_visible()
    expect(page.get_by_text("Quiet start; it opened up after the break.")).to_be_visible()
    assert fits_the_screen(page) and sticking_out(page) == []
    session = GroupSession.objects.get(topic="Getting through the holidays")
    assert session.anonymous_count == 3
    assert {a.client_id for a in session.attendances.all()} == {first.pk, second.pk}

    # One of them: the session is on their timeline, and leads back to it.
    came.get_by_role("link", name=first.display_name).click()
    expect(page.get_by_role("heading", name=first.display_name)).to_be_visible()
    card = page.locator("#timeline article", has_text="Getting through the holidays")
    expect(card).to_have_count(1)
    assert fits_the_screen(page) and sticking_out(page) == []
    card.get_by_role("link", name="Came to the group “Entre pairs”").click()
    expect(page.locator("#session-counts")).to_have_text(
        "5 came: 2 registered people you can see, 3 not registered"
    )
