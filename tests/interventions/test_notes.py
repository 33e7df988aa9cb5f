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
from peersupport.submissions import FIELD, new_token

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


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
        {"body": "   ", "audience": "peer_team", FIELD: new_token()},
        **HTMX,
    )
    assert response.status_code == 200 and not Note.objects.exists()


def test_the_first_autosave_with_words_creates_the_draft_and_the_next_fill_it(client, peer, person):
    client.force_login(peer)
    url = reverse("notes:new", args=[person.pk])
    first = client.post(
        url, {"body": "Went with", "audience": "peer_team", FIELD: new_token()}, **HTMX
    )
    note = Note.objects.get()
    assert (note.body, note.is_signed, note.author) == ("Went with", False, peer)
    page = first.content.decode()
    assert f'<input type="hidden" name="draft" value="{note.pk}">' in page
    assert first["X-Draft-Key"] == f"note-{note.pk}"
    assert first["HX-Replace-Url"].endswith(f"draft={note.pk}")
    client.post(url, {"body": "Went with her", "audience": "peer_team", "draft": note.pk}, **HTMX)
    note.refresh_from_db()
    assert note.body == "Went with her" and Note.objects.count() == 1


def test_the_plain_submit_without_javascript_creates_and_signs(client, peer, person):
    client.force_login(peer)
    response = client.post(
        reverse("notes:new", args=[person.pk]),
        {"body": "Went to court.", "audience": "peer_team", "sign": "1", FIELD: new_token()},
    )
    note = Note.objects.get()
    assert response.url == reverse("notes:detail", args=[note.pk]) and note.is_signed
    assert "peersupport_drafts_saved" in response.cookies


def test_the_plain_submit_with_no_text_asks_for_it(client, peer, person):
    client.force_login(peer)
    response = client.post(
        reverse("notes:new", args=[person.pk]),
        {"body": "", "audience": "peer_team", FIELD: new_token()},
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
