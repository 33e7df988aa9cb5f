"""Writing a note: nothing is created until something is typed; an answer
shows the note it answers; the save status reads as a sentence."""

from datetime import datetime

import pytest
from auditlog.models import LogEntry
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from interventions.choices import Audience
from interventions.models import Note
from interventions.views.notes import DRAFT_FIELD
from peersupport import submissions
from peersupport.submissions import Submission, new_token
from tests.form_versions import version_on

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
# Measured: session, user and roles, person, draft, the save and its audit
# entries; the menu's counts added three more before they became lazy.
AUTOSAVE_QUERIES = 18


def test_opening_write_a_note_and_leaving_creates_no_draft(client, peer, person):
    client.force_login(peer)
    opened = client.get(reverse("notes:new", args=[person.pk]))
    assert opened.status_code == 200
    # The "Write a note" button of the person's page posts no text: it opens the form.
    button = client.post(reverse("notes:new", args=[person.pk]))
    assert button.status_code == 302
    assert not Note.objects.exists()


def test_an_autosave_with_nothing_typed_creates_no_draft(client, peer, person):
    client.force_login(peer)
    response = client.post(
        reverse("notes:new", args=[person.pk]),
        {"body": "   ", "audience": "peer_team", DRAFT_FIELD: new_token()},
        **HTMX,
    )
    assert response.status_code == 200 and not Note.objects.exists()


def test_the_first_autosave_with_words_creates_the_draft_and_the_next_fill_it(client, peer, person):
    client.force_login(peer)
    url = reverse("notes:new", args=[person.pk])
    first = client.post(
        url, {"body": "Went with", "audience": "peer_team", DRAFT_FIELD: new_token()}, **HTMX
    )
    note = Note.objects.get()
    assert (note.body, note.is_signed, note.author) == ("Went with", False, peer)
    page = first.content.decode()
    assert f'<input type="hidden" name="draft" value="{note.pk}">' in page
    assert first["X-Draft-Key"] == f"u{peer.pk}:note-{note.pk}"
    assert first["HX-Replace-Url"].endswith(f"draft={note.pk}")
    # The first answer hands the page the draft's version, which the next carries.
    version = version_on(page)
    client.post(
        url,
        {"body": "Went with her", "audience": "peer_team", "draft": note.pk, "version": version},
        **HTMX,
    )
    note.refresh_from_db()
    assert note.body == "Went with her" and Note.objects.count() == 1


def test_the_plain_submit_without_javascript_creates_and_signs(client, peer, person):
    client.force_login(peer)
    response = client.post(
        reverse("notes:new", args=[person.pk]),
        {"body": "Went to court.", "audience": "peer_team", "sign": "1", DRAFT_FIELD: new_token()},
    )
    note = Note.objects.get()
    assert response.url == reverse("notes:detail", args=[note.pk]) and note.is_signed
    assert "peersupport_drafts_saved" in response.cookies


def test_the_plain_submit_with_no_text_asks_for_it(client, peer, person):
    client.force_login(peer)
    response = client.post(
        reverse("notes:new", args=[person.pk]),
        {"body": "", "audience": "peer_team", DRAFT_FIELD: new_token()},
    )
    assert response.status_code == 200 and response.context["form"].errors["body"]
    assert not Note.objects.exists()


def test_someone_else_cannot_write_into_a_draft_by_its_number(
    client, peer, peer_b, person, make_note
):
    draft = make_note(person, peer, Audience.PEER_TEAM, signed=False, body="Mine")
    client.force_login(peer_b)
    response = client.post(
        reverse("notes:new", args=[person.pk]),
        {"body": "Not yours", "audience": "peer_team", "draft": draft.pk},
        **HTMX,
    )
    assert response.status_code in (403, 404)
    draft.refresh_from_db()
    assert draft.body == "Mine"


def test_the_answer_page_shows_the_note_being_answered_and_records_the_read(
    client, clinician, peer, person, make_note
):
    shared = make_note(person, peer, Audience.CARE_TEAM, body="She starts the job on Monday.")
    client.force_login(clinician)
    response = client.get(
        reverse("notes:new", args=[person.pk]) + f"?audience=care_team&answer={shared.pk}"
    )
    page = response.content.decode()
    assert "The note you are answering" in page and "She starts the job on Monday." in page
    read = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, object_id=shared.pk, actor=clinician
    ).latest("pk")
    assert read.additional_data["via"] == "answer"
    assert not Note.objects.exclude(pk=shared.pk).exists()


def test_answering_a_note_one_may_not_read_is_a_404(client, clinician, peer, person, make_note):
    peers_only = make_note(person, peer, Audience.PEER_TEAM, body="For peers only.")
    client.force_login(clinician)
    response = client.get(reverse("notes:new", args=[person.pk]) + f"?answer={peers_only.pk}")
    assert response.status_code == 404


def test_the_save_status_ends_with_one_full_stop_at_most():
    at = timezone.make_aware(datetime(2025, 3, 2, 19, 40))
    with translation.override("en"), timezone.override("UTC"):
        text = render_to_string(
            "interventions/fragments/save_status.html", {"saved": True, "at": at}
        )
    assert "Saved at" in text and ".." not in text


# A compose page's one-time token names the draft it creates: whatever arrives
# with it after the first autosave (the Sign click sent while that autosave is
# in flight, an autosave whose answer was lost) goes into that draft.


def test_signing_with_the_token_of_the_first_autosave_signs_the_draft_with_the_latest_text(
    client, peer, person
):
    client.force_login(peer)
    url = reverse("notes:new", args=[person.pk])
    token = new_token()
    client.post(url, {"body": "Went with", "audience": "peer_team", DRAFT_FIELD: token}, **HTMX)
    response = client.post(
        url,
        {
            "body": "Went with her to court.",
            "audience": "peer_team",
            "sign": "1",
            DRAFT_FIELD: token,
        },
        follow=True,
    )
    note = Note.objects.get()
    assert (note.body, note.is_signed) == ("Went with her to court.", True)
    assert response.redirect_chain == [(reverse("notes:detail", args=[note.pk]), 302)]
    page = response.content.decode()
    assert "Note signed." in page and "saved once" not in page


def test_an_autosave_after_a_lost_answer_keeps_writing_into_the_draft(client, peer, person):
    client.force_login(peer)
    url = reverse("notes:new", args=[person.pk])
    token = new_token()
    client.post(url, {"body": "Went with", "audience": "peer_team", DRAFT_FIELD: token}, **HTMX)
    # The answer never reached the phone: the form still has the token, not the draft.
    again = client.post(
        url, {"body": "Went with her", "audience": "peer_team", DRAFT_FIELD: token}, **HTMX
    )
    note = Note.objects.get()
    assert again.status_code == 200 and "HX-Redirect" not in again
    assert note.body == "Went with her"
    assert f'<input type="hidden" name="draft" value="{note.pk}">' in again.content.decode()


def test_a_sign_click_waits_for_the_autosave_still_creating_the_draft(
    client, peer, person, make_note, monkeypatch
):
    client.force_login(peer)
    token = new_token()
    Submission.objects.create(user=peer, token=token)  # the first autosave, still running
    draft = make_note(person, peer, Audience.PEER_TEAM, signed=False, body="Went")

    def first_autosave_finishes(seconds):
        Submission.objects.filter(token=token).update(
            result_url=reverse("notes:detail", args=[draft.pk]),
            created_id=draft.pk,
            done_at=timezone.now(),
        )

    monkeypatch.setattr(submissions.time, "sleep", first_autosave_finishes)
    client.post(
        reverse("notes:new", args=[person.pk]),
        {"body": "Went to court.", "audience": "peer_team", "sign": "1", DRAFT_FIELD: token},
    )
    draft.refresh_from_db()
    assert (draft.body, draft.is_signed) == ("Went to court.", True)
    assert Note.objects.count() == 1


def test_a_repeat_of_a_signed_note_is_sent_to_it_and_changes_nothing(client, peer, person):
    client.force_login(peer)
    url = reverse("notes:new", args=[person.pk])
    token = new_token()
    data = {"body": "Went to court.", "audience": "peer_team", "sign": "1", DRAFT_FIELD: token}
    client.post(url, data)
    repeat = client.post(url, {**data, "body": "Changed?"})
    note = Note.objects.get()
    assert repeat.url == reverse("notes:detail", args=[note.pk])
    assert note.body == "Went to court."


def test_the_saved_cookie_names_both_copies_in_a_value_read_as_written(client, peer, person):
    client.force_login(peer)
    response = client.post(
        reverse("notes:new", args=[person.pk]),
        {"body": "Went to court.", "audience": "peer_team", DRAFT_FIELD: new_token()},
    )
    note = Note.objects.get()
    header = response.cookies["peersupport_drafts_saved"].OutputString()
    value = header.split(";")[0].split("=", 1)[1]
    assert value == f"u{peer.pk}:note-new-{person.pk}-0|u{peer.pk}:note-{note.pk}"


def test_offline_copy_keys_belong_to_the_signed_in_user(client, peer, person):
    client.force_login(peer)
    page = client.get(reverse("notes:new", args=[person.pk])).content.decode()
    assert f'data-draft-key="u{peer.pk}:note-new-{person.pk}-0"' in page


def test_an_autosave_counts_nothing_for_the_menu(
    client, peer, person, make_note, django_assert_max_num_queries
):
    draft = make_note(person, peer, Audience.PEER_TEAM, signed=False, body="Went")
    client.force_login(peer)
    url = reverse("notes:new", args=[person.pk])
    data = {"body": "Went with her", "audience": "peer_team", "draft": draft.pk}
    with django_assert_max_num_queries(AUTOSAVE_QUERIES) as counted:
        client.post(url, data, **HTMX)
    assert not [q for q in counted.captured_queries if "COUNT(" in q["sql"].upper()]


def test_the_audit_says_a_note_was_read_on_the_answer_page(
    client, clinician, peer, person, make_note
):
    from peersupport.audit import readable_entries

    shared = make_note(person, peer, Audience.CARE_TEAM, body="She starts the job on Monday.")
    client.force_login(clinician)
    client.get(reverse("notes:new", args=[person.pk]) + f"?audience=care_team&answer={shared.pk}")
    read = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, object_id=shared.pk, actor=clinician
    ).latest("pk")
    with translation.override("en"):
        (readable,) = readable_entries([read])
    assert readable.action == "Viewed on the answer page"
