"""A valid but wrong NOTE_ENCRYPTION_KEYS cannot silently corrupt data
(peersupport/key_check.py, peersupport/fields.py): pages refuse with a 503
naming the setting, nothing is written, and the right key reads everything."""

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection, transaction
from django.test import override_settings
from django.urls import reverse

from interventions import services as note_services
from interventions.models import Note
from peersupport.checks import check_note_encryption_keys
from peersupport.fields import (
    CiphertextAsPlainText,
    KeysUnusable,
    UndecryptableText,
    encrypt_text,
)
from peersupport.key_check import KNOWN_TEXT, check_keys, forget_key_status, key_status
from peersupport.models import KeyCheck
from tests.factories import ClientFactory, put_on_team
from tests.form_versions import with_version

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_key_status():
    """A failing answer cached by one test must not close the pages of the next."""
    yield
    forget_key_status()


WRONG_KEY = Fernet.generate_key().decode()
wrong_keys = override_settings(NOTE_ENCRYPTION_KEYS=[WRONG_KEY])


@pytest.fixture
def person(peer):
    person = ClientFactory(display_name="Hélène")
    put_on_team(person, peer)
    return person


@pytest.fixture
def draft(person, peer):
    return note_services.note_start(acting_user=peer, client=person, body="Met at the drop-in.")


def raw_body(note):
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM interventions_note WHERE id = %s", [note.pk])
        return cursor.fetchone()[0]


def test_the_key_check_is_stored_at_migrate_time_and_read_by_the_configured_keys():
    assert KeyCheck.objects.get().value == KNOWN_TEXT
    assert check_keys().is_usable


def test_with_a_wrong_key_a_note_page_answers_503_naming_the_setting(client, peer, draft):
    client.force_login(peer)
    with wrong_keys:
        response = client.get(reverse("notes:detail", args=[draft.pk]))
    assert response.status_code == 503
    page = response.content.decode()
    assert "NOTE_ENCRYPTION_KEYS" in page
    assert "Met at the drop-in" not in page
    assert "gAAAA" not in page  # and never the ciphertext
    assert "no-store" in response["Cache-Control"]


def test_the_refusal_is_in_the_users_language(client, peer, draft):
    client.force_login(peer)
    with wrong_keys:
        response = client.get(
            reverse("notes:detail", args=[draft.pk]), headers={"accept-language": "fr"}
        )
    assert response.status_code == 503
    assert '<html lang="fr">' in response.content.decode()
    assert "NOTE_ENCRYPTION_KEYS" in response.content.decode()


def test_with_a_wrong_key_every_signed_in_page_refuses_but_sign_in_still_answers(client, peer):
    client.force_login(peer)
    with wrong_keys:
        assert client.get(reverse("home")).status_code == 503
        client.logout()
        assert client.get(reverse("login")).status_code == 200


def test_with_a_wrong_key_saving_a_draft_is_refused_and_nothing_is_rewritten(client, peer, draft):
    client.force_login(peer)
    stored = raw_body(draft)
    with wrong_keys:
        response = client.post(
            reverse("notes:save", args=[draft.pk]),
            {"body": stored, "audience": "peer_team"},  # what a corrupting form sent back
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 503
    assert raw_body(draft) == stored
    # The right key back: the note reads as it was written, and saves again.
    assert client.get(reverse("notes:detail", args=[draft.pk])).status_code == 200
    assert Note.objects.get(pk=draft.pk).body == "Met at the drop-in."
    response = client.post(
        reverse("notes:save", args=[draft.pk]),
        with_version(
            client,
            reverse("notes:save", args=[draft.pk]),
            {"body": "Met at the drop-in, then lunch.", "audience": "peer_team"},
            page_url=reverse("notes:detail", args=[draft.pk]),
        ),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert Note.objects.get(pk=draft.pk).body == "Met at the drop-in, then lunch."


def test_a_value_no_key_decrypts_raises_instead_of_showing_ciphertext(draft):
    with wrong_keys, pytest.raises(UndecryptableText, match=r"interventions\.Note\.body"):
        Note.objects.get(pk=draft.pk)
    assert Note.objects.get(pk=draft.pk).body == "Met at the drop-in."


def test_with_a_wrong_key_nothing_new_is_encrypted(person, peer):
    with wrong_keys, pytest.raises(KeysUnusable):
        note_services.note_start(acting_user=peer, client=person, body="Would be lost")
    assert not Note.objects.filter(client=person).exists()


def test_ciphertext_is_never_encrypted_again_as_if_it_were_text(draft):
    draft.body = encrypt_text("Met at the drop-in.")
    with pytest.raises(CiphertextAsPlainText), transaction.atomic():
        draft.save()
    assert Note.objects.get(pk=draft.pk).body == "Met at the drop-in."


def test_without_a_stored_key_check_the_rows_themselves_are_checked(draft):
    KeyCheck.objects.all().delete()
    with wrong_keys:
        status = check_keys(thorough=False)
    assert not status.is_usable
    assert status.unreadable == ("interventions.Note.body",)
    assert not KeyCheck.objects.exists()  # wrong keys never become the reference
    assert check_keys(thorough=False).is_usable
    assert KeyCheck.objects.get().value == KNOWN_TEXT


def test_a_new_key_not_configured_everywhere_is_found_from_the_newest_rows(person, peer, draft):
    new_key = Fernet.generate_key().decode()
    with override_settings(NOTE_ENCRYPTION_KEYS=[new_key, *settings.NOTE_ENCRYPTION_KEYS]):
        newer = note_services.note_start(acting_user=peer, client=person, body="Newer")
    # A server still on the old key alone: the key check (old key) passes,
    # the newest note (new key) does not.
    assert key_status().is_usable
    status = check_keys(thorough=True)
    assert not status.is_usable and "interventions.Note.body" in status.unreadable
    assert key_status() == status  # and the pages now refuse
    with override_settings(NOTE_ENCRYPTION_KEYS=[new_key, *settings.NOTE_ENCRYPTION_KEYS]):
        assert check_keys().is_usable
        assert Note.objects.get(pk=newer.pk).body == "Newer"


def test_manage_py_check_with_the_database_reports_wrong_keys(draft):
    assert check_note_encryption_keys(databases=["default"]) == []
    with wrong_keys:
        errors = check_note_encryption_keys(databases=["default"])
        assert [(type(e), e.id) for e in errors] == [(Error, "peersupport.E001")]
        assert "NOTE_ENCRYPTION_KEYS" in errors[0].msg
        with pytest.raises(SystemCheckError, match="NOTE_ENCRYPTION_KEYS"):
            call_command("check", "--database", "default")


def test_manage_py_check_without_the_database_does_not_ask_it():
    assert check_note_encryption_keys(databases=None) == []


def test_a_page_meeting_a_value_no_key_decrypts_answers_503_not_ciphertext(client, person, peer):
    new_key = Fernet.generate_key().decode()
    with override_settings(NOTE_ENCRYPTION_KEYS=[new_key, *settings.NOTE_ENCRYPTION_KEYS]):
        newer = note_services.note_start(acting_user=peer, client=person, body="Newer")
    client.force_login(peer)
    # The key check passes (it was written with the old key): the page itself
    # meets the note no configured key opens.
    response = client.get(reverse("notes:detail", args=[newer.pk]))
    assert response.status_code == 503
    assert "NOTE_ENCRYPTION_KEYS" in response.content.decode()
