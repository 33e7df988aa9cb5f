"""On a phone: the clinician sees that a conversation with the care team has
something new, opens it, answers in it and lets the peer know; the peer is
told (by record number, never by name) and reads the answer in the thread."""

import re

from playwright.sync_api import expect

from interventions.models import Note, Notification
from tests.e2e.conftest import field, fits_the_screen, sign_in, sign_out, sticking_out

ANSWER = "Seen her this morning; I will call the drop-in about the form."


def test_a_clinician_answers_in_a_conversation_and_the_peer_reads_it(page, demo_accounts):
    sign_in(page, "clinician")
    page.get_by_role("button", name="Show or hide the menu").click()
    shared = page.locator("#main-nav").get_by_role("link", name=re.compile("^Shared notes"))
    expect(shared).to_contain_text("unread")  # the menu's badge, in words for screen readers
    shared.click()
    card = page.locator("article.conversation-card").filter(has=page.get_by_text("new", exact=True))
    expect(card.first).to_be_visible()
    assert fits_the_screen(page) and sticking_out(page) == []
    card.first.get_by_role("link", name=re.compile("^Open the conversation")).click()
    expect(page.get_by_role("heading", name=re.compile("^Conversation about"))).to_be_visible()
    start_pk = int(re.search(r"/shared/conversations/(\d+)/", page.url).group(1))
    assert fits_the_screen(page) and sticking_out(page) == []

    page.get_by_role("link", name="Answer", exact=True).click()
    expect(page.get_by_role("heading", name="The note you are answering")).to_be_visible()
    field(page, "Note").fill(ANSWER)
    expect(page.get_by_label("The whole care team (co-intervention)")).to_be_checked()
    page.get_by_text("Let teammates know (optional)").click()
    page.get_by_role("checkbox", name="Alex Tremblay").check()
    assert fits_the_screen(page) and sticking_out(page) == []
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Sign").click()
    expect(page.get_by_text("Note signed.")).to_be_visible()
    answer = Note.objects.latest("pk")
    assert answer.answers_note_id == start_pk and answer.is_signed
    sign_out(page)

    sign_in(page, "peer")
    page.get_by_role("button", name="Show or hide the menu").click()
    page.locator("#main-nav").get_by_role("link", name=re.compile("^Notifications")).click()
    told = page.get_by_role("link", name=re.compile("Nadia Côté mentioned you in a note"))
    expect(told).to_contain_text(f"record {answer.client_id}")
    expect(told).not_to_contain_text(answer.client.display_name)
    assert Notification.objects.filter(recipient__username="peer", kind="mentioned").exists()
    told.click()
    thread = page.locator(".conversation")
    expect(thread.get_by_text(ANSWER)).to_be_visible()
    expect(page.locator(f"#note-{answer.pk}").get_by_text("new", exact=True)).to_be_visible()
    assert fits_the_screen(page) and sticking_out(page) == []
