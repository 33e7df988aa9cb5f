"""The encounter form on a phone: tiles that are tapped anywhere and show
what is chosen, a routine contact within a screen and a half, the whole form
usable with the keyboard alone, and an offline copy that survives a reload."""

import re

import pytest
from playwright.sync_api import expect

from interventions.models import Encounter, Note
from tests.e2e.conftest import PHONE, field, fits_the_screen, sign_in, sign_out

SCREEN_AND_A_HALF = PHONE["height"] * 1.5


def open_form_for_helene(page):
    sign_in(page, "peer")
    page.goto("/clients/?q=helene")
    page.get_by_role("link", name="Hélène").click()
    page.get_by_role("link", name="Log an encounter").click()
    expect(page.get_by_label("Person met")).to_have_value(re.compile(r"\d+"))


def tile(page, label):
    return page.locator(".choice-grid .form-check").filter(has=page.get_by_label(label))


def bottom_of(locator) -> float:
    """Where the element ends, from the top of the document, in CSS pixels."""
    return locator.evaluate("el => el.getBoundingClientRect().bottom + window.scrollY")


def test_a_tile_is_chosen_by_a_tap_anywhere_on_it_and_shows_it(page, demo_accounts):
    open_form_for_helene(page)
    street = tile(page, "Street or outreach")
    box = street.bounding_box()
    # The far right edge of the tile, away from the radio and its text.
    street.click(position={"x": box["width"] - 4, "y": box["height"] - 4})
    expect(page.get_by_label("Street or outreach")).to_be_checked()
    chosen = street.locator("label").evaluate("el => getComputedStyle(el).backgroundColor")
    other = (
        tile(page, "Shelter")
        .locator("label")
        .evaluate("el => getComputedStyle(el).backgroundColor")
    )
    assert chosen != other
    # The radio sits on the text line, not below it.
    radio = page.get_by_label("Street or outreach").bounding_box()
    text = street.locator("label").bounding_box()
    assert text["y"] <= radio["y"] and radio["y"] + radio["height"] <= text["y"] + text["height"]


def test_tiles_sit_two_by_two_on_a_phone_and_wider_on_a_desktop(page, demo_accounts):
    open_form_for_helene(page)
    first, second = (
        tile(page, label).bounding_box() for label in ("Street or outreach", "Shelter")
    )
    assert first["y"] == second["y"] and second["x"] > first["x"]
    page.set_viewport_size({"width": 1280, "height": 800})
    tops = {
        tile(page, label).bounding_box()["y"]
        for label in ("Street or outreach", "Shelter", "Community partner")
    }
    assert len(tops) == 1
    page.set_viewport_size(PHONE)


def test_a_routine_contact_fits_in_a_screen_and_a_half(page, demo_accounts):
    open_form_for_helene(page)
    save = page.get_by_role("button", name="Save encounter")
    height = bottom_of(save)
    print(f"\nSave encounter ends {height:.0f} px down at 360x740")
    assert height <= SCREEN_AND_A_HALF
    assert fits_the_screen(page)


def test_when_shows_its_whole_value_on_a_phone(page, demo_accounts):
    open_form_for_helene(page)
    page.get_by_text("More: when (now)").click()
    when = field(page, "When")
    assert when.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert when.bounding_box()["width"] >= 300


def test_the_buttons_say_where_the_note_goes(page, demo_accounts):
    open_form_for_helene(page)
    expect(page.get_by_role("button", name="Save encounter")).to_be_visible()
    expect(page.get_by_role("button", name="Save and sign the note")).to_be_hidden()
    page.get_by_label("Phone", exact=True).check()
    page.get_by_label("Listening and emotional support").check()
    page.get_by_text("Write a note").click()
    field(page, "Note").fill("Called about the appointment.")
    expect(page.get_by_role("button", name="Save encounter")).to_be_hidden()
    page.get_by_role("button", name="Save, note as a draft only I see").click()
    expect(
        page.get_by_text("Its note is a draft that only you can see; sign it to share it.")
    ).to_be_visible()
    note = Note.objects.latest("pk")
    assert note.body == "Called about the appointment." and not note.is_signed


def test_an_encounter_is_logged_with_the_keyboard_alone(page, demo_accounts):
    """Tab, Space and Enter only, at 360 px: no click after the form is open."""
    open_form_for_helene(page)
    before = Encounter.objects.count()
    page.locator("body").focus()

    def tab_to(name):
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate(
                "(name) => document.activeElement && "
                "document.activeElement.labels && "
                "[...document.activeElement.labels].some(l => l.textContent.trim() === name)",
                name,
            ):
                return page.locator(":focus")
        raise AssertionError(f"Tab never reached {name!r}")

    focused = tab_to("Street or outreach")
    # What has the keyboard's focus is visible on its tile.
    outline = focused.evaluate(
        "el => getComputedStyle(el.closest('.form-check').querySelector('label')).outlineStyle"
    )
    assert outline != "none"
    page.keyboard.press("Space")
    tab_to("Listening and emotional support")
    page.keyboard.press("Space")
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim() === 'Save encounter'"):
            break
    page.keyboard.press("Enter")
    expect(page.get_by_text("Encounter logged.")).to_be_visible()
    assert Encounter.objects.count() == before + 1
    encounter = Encounter.objects.latest("pk")
    assert encounter.setting == "street"
    assert [a.name_en for a in encounter.activities.all()] == ["Listening and emotional support"]


def test_the_encounter_form_comes_back_after_a_reload(page, demo_accounts):
    open_form_for_helene(page)
    page.get_by_label("Court", exact=True).check()
    page.get_by_label("Accompaniment to court").check()
    page.get_by_text("More: when (now)").click()
    field(page, "Next steps").fill("Call the legal aid office")
    page.reload()
    expect(page.get_by_label("Court", exact=True)).to_be_checked()
    expect(page.get_by_label("Accompaniment to court")).to_be_checked()
    expect(field(page, "Next steps")).to_have_value("Call the legal aid office")
    expect(page.get_by_text("What you had entered was put back.")).to_be_visible()


@pytest.mark.cuts_network
def test_a_failed_submit_keeps_the_encounter_and_a_success_forgets_it(page, demo_accounts):
    open_form_for_helene(page)
    before = Encounter.objects.filter(setting="court").count()
    page.get_by_label("Court", exact=True).check()
    page.get_by_label("Accompaniment to court").check()
    page.get_by_text("Write a note").click()
    field(page, "Note").fill("Hearing moved to May.")
    form_url = page.url
    page.context.set_offline(True)
    page.get_by_role("button", name="Save, note as a draft only I see").click()
    page.wait_for_load_state()
    page.context.set_offline(False)
    page.goto(form_url)
    expect(field(page, "Note")).to_have_value("Hearing moved to May.")
    expect(page.get_by_label("Court", exact=True)).to_be_checked()
    page.get_by_role("button", name="Save, note as a draft only I see").click()
    expect(page.get_by_text("Encounter logged.")).to_be_visible()
    assert Encounter.objects.filter(setting="court").count() == before + 1
    kept = page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('peersupport:'))")
    assert kept == []
    page.goto(form_url)
    expect(page.get_by_label("Court", exact=True)).not_to_be_checked()


def test_what_one_user_typed_is_gone_when_another_signs_in_on_the_same_phone(page, demo_accounts):
    """A shared phone: a peer types, does not save, signs out; the next person
    signing in on the same tab finds an empty form, and nothing of the first
    user's is left in the tab."""
    sign_in(page, "peer")
    page.goto("/encounters/new/")
    page.get_by_label("Court", exact=True).check()
    page.get_by_text("Write a note").click()
    field(page, "Note").fill("She told me about the custody hearing.")
    page.get_by_text("More: when (now)").click()
    field(page, "Next steps").fill("Call the legal aid office")
    sign_out(page)
    assert (
        page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('peersupport:'))") == []
    )
    sign_in(page, "peer2")
    page.goto("/encounters/new/")
    expect(page.get_by_label("Court", exact=True)).not_to_be_checked()
    expect(field(page, "Note")).to_have_value("")
    expect(page.get_by_text("What you had entered was put back.")).to_be_hidden()


def test_a_copy_left_by_another_user_is_dropped_when_the_form_opens(page, demo_accounts):
    """Even without a sign-out (a session that ended on its own), a copy kept
    under another user's key is never put back, and is removed."""
    sign_in(page, "peer2")
    page.goto("/encounters/new/")
    page.evaluate(
        """() => {
          sessionStorage.setItem("peersupport:u999999:encounter-new",
            JSON.stringify({next_steps: "Someone else's words"}));
          sessionStorage.setItem("peersupport:encounter-new",
            JSON.stringify({next_steps: "Someone else's words"}));
        }"""
    )
    page.reload()
    page.get_by_text("More: when (now)").click()
    expect(field(page, "Next steps")).to_have_value("")
    kept = page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('peersupport:'))")
    assert kept == []
