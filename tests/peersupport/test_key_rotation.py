"""``manage.py rotate_note_keys`` (peersupport/management/commands/rotate_note_keys.py)
re-encrypts every encrypted column, found from the models: after it, the old
key can be dropped and every text still reads. Runs on SQLite and PostgreSQL."""

import re
from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from peersupport.key_check import KNOWN_TEXT, forget_key_status
from peersupport.models import KeyCheck
from tests.peersupport.encrypted_rows import (
    column_id,
    encrypted_columns,
    make_row,
    models_with_encrypted_columns,
    raw_value,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_key_status():
    """A failing answer cached by one test must not close the pages of the next."""
    yield
    forget_key_status()


NEW_KEY = Fernet.generate_key().decode()


@pytest.fixture
def rows():
    """Two rows of each model with encrypted columns, a known text in every one."""
    made = []
    for model, names in models_with_encrypted_columns().items():
        if model is KeyCheck:
            made.append((model, {"value": KNOWN_TEXT}, KeyCheck.objects.get().pk))
            continue
        for copy in (1, 2):
            texts = {name: f"{model._meta.label}.{name} #{copy}" for name in names}
            made.append((model, texts, make_row(model, texts).pk))
    return made


def rotate(*options):
    out = StringIO()
    call_command("rotate_note_keys", *options, stdout=out)
    return out.getvalue()


def test_rotation_covers_every_encrypted_column_and_the_old_key_can_go(rows):
    old_keys = list(settings.NOTE_ENCRYPTION_KEYS)
    with override_settings(NOTE_ENCRYPTION_KEYS=[NEW_KEY, *old_keys]):
        report = rotate("--batch-size", "1")
    # A line for every column found from the models, each having rotated rows.
    counts = dict(re.findall(r"^(\S+): (\d+) re-encrypted", report, flags=re.MULTILINE))
    assert set(counts) == {column_id(pair) for pair in encrypted_columns()}
    assert all(int(count) >= 1 for count in counts.values()), counts
    with override_settings(NOTE_ENCRYPTION_KEYS=[NEW_KEY]):
        for model, texts, pk in rows:
            row = model._base_manager.get(pk=pk)
            for name, text in texts.items():
                assert getattr(row, name) == text, f"{model._meta.label}.{name}"
                # The raw value opens with the new key alone, not the old one.
                raw = raw_value(model, name, pk).encode()
                assert Fernet(NEW_KEY).decrypt(raw).decode() == text
                with pytest.raises(InvalidToken):
                    Fernet(old_keys[0]).decrypt(raw)


def test_a_second_rotation_re_encrypts_nothing(rows):
    with override_settings(NOTE_ENCRYPTION_KEYS=[NEW_KEY, *settings.NOTE_ENCRYPTION_KEYS]):
        rotate()
        before = {(m, pk): [raw_value(m, n, pk) for n in texts] for m, texts, pk in rows}
        report = rotate()
        after = {(m, pk): [raw_value(m, n, pk) for n in texts] for m, texts, pk in rows}
    assert after == before
    assert set(re.findall(r": (\d+) re-encrypted", report)) == {"0"}


def test_rotation_refuses_when_the_keys_do_not_read_the_data_and_changes_nothing(rows):
    model, texts, pk = rows[-1]
    name = next(iter(texts))
    before = raw_value(model, name, pk)
    with (
        override_settings(NOTE_ENCRYPTION_KEYS=[NEW_KEY]),
        pytest.raises(CommandError, match="NOTE_ENCRYPTION_KEYS"),
    ):
        rotate()
    assert raw_value(model, name, pk) == before
