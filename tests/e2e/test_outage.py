"""The database goes away while a peer types: the app answers its 503, and
what was typed is back once the records are.

The outage is the app's own (tests/database_outage.py makes every new cursor
fail, so the real middleware answers the real 503); the browser is never
told anything by the test."""

import re

import pytest
from playwright.sync_api import expect

from interventions.models import Encounter, Note
from tests.database_outage import database_down
from tests.e2e.conftest import field, sign_in

pytestmark = pytest.mark.takes_database_away

KEPT = "Object.keys(sessionStorage).filter(k => k.startsWith('peersupport:'))"


def open_helene(page):
    sign_in(page, "peer")
    page.goto("/clients/?q=helene")
    page.get_by_role("link", name="Hélène").click()


def test_a_note_typed_while_the_database_restarts_is_back_after_a_reload(page, demo_accounts):
    open_helene(page)
    page.get_by_role("button", name="Write a note").click()
    body = field(page, "Note")
    body.fill("Went with her to the housing office")
    expect(page.get_by_text(re.compile("Saved at"))).to_be_visible()
    editor_url = page.url

    with database_down():
        body.press_sequentially(", then to the bank.")
        # The autosave met the 503: the status line says so, nothing was swapped away.
        expect(page.get_by_text("The records are unavailable for a moment.")).to_be_visible()
        expect(body).to_have_value("Went with her to the housing office, then to the bank.")
        response = page.reload()
        assert response.status == 503
        assert response.headers["retry-after"] == "5"
        expect(
            page.get_by_role("heading", name="The records are unavailable for a moment")
        ).to_be_visible()

    page.goto(editor_url)
    expect(field(page, "Note")).to_have_value(
        "Went with her to the housing office, then to the bank."
    )
    expect(
        page.get_by_text("Restored what you typed before the connection was lost.")
    ).to_be_visible()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("then to the bank.").first).to_be_visible()
    # Bodies are encrypted at rest: read back through the model.
    bodies = [note.body for note in Note.objects.all() if "housing office" in note.body]
    assert bodies == ["Went with her to the housing office, then to the bank."]
    assert page.evaluate(KEPT) == []


def test_what_was_restored_can_be_discarded(page, demo_accounts):
    open_helene(page)
    page.get_by_role("button", name="Write a note").click()
    body = field(page, "Note")
    body.fill("Saved words")
    expect(page.get_by_text(re.compile("Saved at"))).to_be_visible()
    with database_down():
        body.press_sequentially(" and words the server never had")
        expect(page.get_by_text("The records are unavailable for a moment.")).to_be_visible()
    page.reload()
    expect(field(page, "Note")).to_have_value("Saved words and words the server never had")
    page.get_by_role("button", name="Discard what was restored").click()
    expect(field(page, "Note")).to_have_value("Saved words")
    expect(page.get_by_text("Discarded: the form shows what was saved.")).to_be_visible()
    assert page.evaluate(KEPT) == []
    page.reload()
    expect(field(page, "Note")).to_have_value("Saved words")
    expect(page.get_by_text("Restored what you typed")).to_be_hidden()


def test_an_encounter_sent_during_the_outage_is_waiting_in_its_form(page, demo_accounts):
    open_helene(page)
    page.get_by_role("link", name="Log an encounter").click()
    page.get_by_label("Court", exact=True).check()
    page.get_by_label("Accompaniment to court").check()
    page.get_by_text("Write a note").click()
    field(page, "Note").fill("Hearing moved to May, sent during the restart.")
    before = Encounter.objects.count()

    with database_down():
        page.get_by_role("button", name="Save, note as a draft only I see").click()
        expect(
            page.get_by_role("heading", name="The records are unavailable for a moment")
        ).to_be_visible()
        expect(page.get_by_text("Nothing you typed is lost.")).to_be_visible()

    page.get_by_role("link", name="Back to the form").click()
    expect(field(page, "Note")).to_have_value("Hearing moved to May, sent during the restart.")
    expect(page.get_by_label("Court", exact=True)).to_be_checked()
    expect(
        page.get_by_text("Restored what you typed before the connection was lost.")
    ).to_be_visible()
    page.get_by_role("button", name="Save, note as a draft only I see").click()
    expect(page.get_by_text("Encounter logged.")).to_be_visible()
    assert Encounter.objects.count() == before + 1
    assert page.evaluate(KEPT) == []
