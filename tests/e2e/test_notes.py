"""A peer logs a contact on a phone and writes a note; the draft survives a
lost connection; the clinician reads the shared note and answers; the safety
exception opens a note and the coordinator reviews it."""

import re

import pytest
from playwright.sync_api import expect

from interventions.models import Note
from tests.e2e.conftest import field, fits_the_screen, sign_in, sign_out


def test_a_peer_logs_a_routine_contact_in_three_taps(page, demo_accounts):
    sign_in(page, "peer")
    page.goto("/clients/?q=helene")
    page.get_by_role("link", name="Hélène").click()
    page.get_by_role("link", name="Log an encounter").click()
    expect(page.get_by_label("Person met")).to_have_value(re.compile(r"\d+"))
    page.get_by_label("Street or outreach").check()
    page.get_by_label("Listening and emotional support").check()
    page.get_by_role("button", name="Save encounter").click()
    expect(page.get_by_text("Encounter logged.")).to_be_visible()
    expect(page.get_by_role("heading", name="Hélène")).to_be_visible()
    assert fits_the_screen(page)


@pytest.mark.cuts_network
def test_a_draft_comes_back_after_a_lost_connection(page, demo_accounts):
    sign_in(page, "peer")
    page.goto("/clients/?q=helene")
    page.get_by_role("link", name="Hélène").click()
    page.get_by_role("button", name="Write a note").click()
    body = field(page, "Note")
    body.fill("Went with her to the housing office")
    expect(page.get_by_text(re.compile("Saved at"))).to_be_visible()
    page.context.set_offline(True)
    body.press_sequentially(", then to the bank.")
    expect(page.get_by_text("Not saved: no connection")).to_be_visible()
    page.context.set_offline(False)
    page.reload()
    expect(field(page, "Note")).to_have_value(
        "Went with her to the housing office, then to the bank."
    )
    expect(page.get_by_text("Text you had typed was restored")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_label("The whole care team (co-intervention)").check()
    page.get_by_role("button", name="Sign").click()
    expect(page.get_by_text("Note signed.")).to_be_visible()
    expect(page.get_by_text("then to the bank.")).to_be_visible()
    assert fits_the_screen(page)


def test_the_clinician_reads_the_shared_note_and_answers(page, demo_accounts):
    sign_in(page, "clinician")
    page.get_by_role("button", name="Show or hide the menu").click()
    page.locator("#main-nav").get_by_role("link", name=re.compile("^Shared notes")).click()
    first = page.locator("article.conversation-card").first
    expect(first.get_by_text("new", exact=True).first).to_be_visible()
    first.get_by_role("link", name=re.compile("^Answer")).click()
    expect(page.get_by_role("heading", name="The note you are answering")).to_be_visible()
    expect(page.locator(".answered-note .note-body")).not_to_be_empty()
    field(page, "Note").fill("Thanks, I will see her on Thursday.")
    expect(page.get_by_label("The whole care team (co-intervention)")).to_be_checked()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Sign").click()
    expect(page.get_by_text("Note signed.")).to_be_visible()
    assert fits_the_screen(page)


def test_the_safety_exception_is_used_then_reviewed(page, demo_accounts):
    sign_in(page, "clinician")
    page.goto("/clients/?q=jean")
    page.get_by_role("link", name="Jean-François").click()
    page.get_by_role("link", name="Safety exception").click()
    page.get_by_label("Risk to the person’s own safety").check()
    field(page, "What is happening, and why the notes are needed").fill(
        "Said he would not be alive tomorrow; need the peer's recent notes."
    )
    field(page, "Your password, to confirm it is you").fill("peersupport-demo")
    page.get_by_role("button", name="Open the notes").click()
    expect(
        page.get_by_role("alert").filter(has_text="Safety exception in force until")
    ).to_be_visible()
    sign_out(page)

    sign_in(page, "coordinator")
    page.goto("/audit/emergency/?status=pending")
    expect(page.get_by_text("Said he would not be alive tomorrow")).to_be_visible()
    page.get_by_label("Comment").fill("Justified, followed up with the team.")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Review recorded.")).to_be_visible()
    assert fits_the_screen(page)


def test_signing_asks_first_and_cancelling_leaves_the_draft_unsigned(page, demo_accounts):
    sign_in(page, "peer")
    page.goto("/clients/?q=helene")
    page.get_by_role("link", name="Hélène").click()
    page.get_by_role("button", name="Write a note").click()
    field(page, "Note").fill("Not ready to sign this yet.")
    expect(page.get_by_text(re.compile("Saved at"))).to_be_visible()
    questions = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Sign").click()
    assert questions == ["Sign this note? It can no longer be changed, only added to."]
    expect(field(page, "Note")).to_have_value("Not ready to sign this yet.")
    note = Note.objects.latest("pk")
    assert note.body == "Not ready to sign this yet." and not note.is_signed


def test_a_signed_note_leaves_no_copy_and_the_next_note_starts_empty(page, demo_accounts):
    """The plain submit (no autosave yet) signs the note; the tab forgets both
    copies the server named, so the next "Write a note" for the same person
    is empty and carries a new one-time token."""
    sign_in(page, "peer")
    page.goto("/clients/?q=helene")
    page.get_by_role("link", name="Hélène").click()
    page.get_by_role("button", name="Write a note").click()
    compose_url = page.url
    first_token = page.locator("input[name=draft_token]").input_value()
    # Typed faster than the autosave's pause, then signed at once.
    page.evaluate(
        """() => { const body = document.querySelector('#id_body');
          body.value = 'Signed before any autosave.';
          body.dispatchEvent(new Event('input', {bubbles: true})); }"""
    )
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Sign").click()
    expect(page.get_by_text("Note signed.")).to_be_visible()
    kept = page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('peersupport:'))")
    assert kept == []
    page.goto(compose_url)
    expect(field(page, "Note")).to_have_value("")
    assert page.locator("input[name=draft_token]").input_value() != first_token
