"""The encrypted fields for what a person said or what was said about them
(django-fernet-encrypted-fields), keyed by NOTE_ENCRYPTION_KEYS instead of the
package's SECRET_KEY derivation, so that the key can be kept, rotated and
escrowed apart from the site's secret.

In the core so that every app with confidential free text (notes, follow-ups,
referrals, consents) encrypts it the same way without importing another
feature app, and so that the key check and the rotation find every encrypted
column from the models (``confidential_columns``).

Unlike the package, a value that does not decrypt is an error, never text:
the package hands the ciphertext back as if it were the note, and a form
saving it again would encrypt the ciphertext, so that the right key could not
read it either. Python only ever holds plain text, and the database only
ever receives ciphertext made with keys that passed the key check
(``peersupport.key_check``).
"""

from __future__ import annotations

import base64
import binascii
import functools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from encrypted_fields.fields import EncryptedCharField, EncryptedFieldMixin, EncryptedTextField

if TYPE_CHECKING:
    # The package has no types: to the type checker, text fields (str in Python).
    _TextField = models.TextField
    _CharField = models.CharField
else:
    _TextField = EncryptedTextField
    _CharField = EncryptedCharField


class UndecryptableText(Exception):
    """A stored value that none of NOTE_ENCRYPTION_KEYS decrypts: the keys are
    wrong or one is missing. Answered with a 503 page (``key_check``)."""

    def __init__(self, column: str):
        super().__init__(
            f"{column} holds a value that none of NOTE_ENCRYPTION_KEYS decrypts: "
            "the keys are wrong or one of them is missing."
        )
        self.column = column


class KeysUnusable(Exception):
    """NOTE_ENCRYPTION_KEYS do not decrypt the stored key check or rows: nothing
    is encrypted with them, or it could not be read once the right keys return."""


class CiphertextAsPlainText(ValueError):
    """A value to encrypt that is itself a Fernet token: ciphertext read around
    the field and written back, which would be encrypted twice."""


@functools.lru_cache(maxsize=8)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def current_fernet() -> MultiFernet:
    """The first key encrypts, every key decrypts (what rotation needs).

    Read from settings on each use, not cached on the field, so that a changed
    setting (a test's override, a restart with new keys) takes effect at once.
    """
    return _fernet_for(tuple(settings.NOTE_ENCRYPTION_KEYS))


def encrypt_text(text: str) -> str:
    return current_fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    """The plain text of ``token``; InvalidToken when no configured key opens it."""
    try:
        raw = token.encode("ascii")
    except UnicodeEncodeError:
        raise InvalidToken from None  # plain text with accents: not a token
    return current_fernet().decrypt(raw).decode("utf-8")


def is_fernet_token(value: str) -> bool:
    """Whether ``value`` has the shape of a Fernet token (version byte 0x80,
    timestamp, IV, whole AES blocks, HMAC). Typed text never has it."""
    if not value.startswith("gAAAA"):
        return False
    try:
        raw = base64.urlsafe_b64decode(value.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return False
    return raw[:1] == b"\x80" and len(raw) >= 73 and (len(raw) - 57) % 16 == 0


class ConfidentialFieldMixin:
    """What the confidential text fields share: plain text in Python, Fernet
    ciphertext in the database, an error rather than ciphertext on a bad key."""

    # The key check's own field writes before any check can pass.
    checks_keys_before_writing = True

    # Properties rather than the package's cached properties: never stale.
    @property
    def keys(self) -> list[bytes]:
        return [key.encode("ascii") for key in settings.NOTE_ENCRYPTION_KEYS]

    @property
    def f(self) -> MultiFernet:
        return current_fernet()

    def to_python(self, value: Any) -> Any:
        # Values in Python are plain text: never try to decrypt them (the
        # package does, and passes ciphertext through when it cannot).
        return super(EncryptedFieldMixin, self).to_python(value)  # type: ignore[misc]

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        try:
            return decrypt_text(value)
        except InvalidToken:
            raise UndecryptableText(self.column_label) from None

    def get_prep_value(self, value: Any) -> Any:
        value = super(EncryptedFieldMixin, self).get_prep_value(value)  # type: ignore[misc]
        if value is None:
            return None
        if value == "":
            # Emptiness is no secret; a column without NULL keeps its "".
            return None if self.null else ""  # type: ignore[attr-defined]
        if is_fernet_token(value):
            raise CiphertextAsPlainText(
                f"{self.column_label}: refusing to encrypt a value that is already ciphertext."
            )
        if self.checks_keys_before_writing:
            from .key_check import require_usable_keys

            require_usable_keys()
        return encrypt_text(value)

    @property
    def column_label(self) -> str:
        return f"{self.model._meta.label}.{self.name}"  # type: ignore[attr-defined]


class ConfidentialTextField(ConfidentialFieldMixin, _TextField):
    """A text area's worth of confidential text: ciphertext in the database."""


class ConfidentialCharField(ConfidentialFieldMixin, _CharField):
    """A line of confidential text: the form keeps a one-line input and its
    max_length (counted on the plain text), the column holds the longer ciphertext."""


class KeyCheckField(ConfidentialTextField):
    """The key check's own value, written before any check can pass."""

    checks_keys_before_writing = False


def hidden_in_audit_trail(value: str) -> str:
    """The audit trail's mask for an encrypted field it lists as changed
    (auditlog's mask_callable): whether there is a text, never the text."""
    return "" if value in ("", "None") else "***"


def is_confidential(field: Any) -> bool:
    return isinstance(field, ConfidentialFieldMixin)


def confidential_columns(
    get_models: Callable[[], Any] | None = None,
) -> Iterator[tuple[type[models.Model], models.Field]]:
    """(model, field) for every encrypted column of every installed model, each
    column once (on the model whose table holds it). ``get_models`` lets a
    migration pass its historical apps."""
    if get_models is None:
        from django.apps import apps

        get_models = apps.get_models
    for model in get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        for field in meta.local_concrete_fields:
            if is_confidential(field):
                yield model, field


def _forget_cached_status(*, setting: str, **kwargs: Any) -> None:
    if setting == "NOTE_ENCRYPTION_KEYS":
        from .key_check import forget_key_status

        forget_key_status()


setting_changed.connect(_forget_cached_status, dispatch_uid="peersupport.fields.keys")
