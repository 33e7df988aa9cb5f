"""Whether NOTE_ENCRYPTION_KEYS can read what is stored, and what happens when not.

A valid but wrong key would otherwise let the site run: every encrypted text
unreadable, every new one written under a key that will be thrown away. So:

- ``KeyCheck`` holds a known text encrypted with the first key (written the
  first time the check runs on a database whose rows the keys do read).
- ``key_status`` (cached per process and per key list, one query the first
  time) tells the middleware and the fields whether the keys read it.
- ``check_keys(thorough=True)`` (``/healthz``, ``manage.py check --database``)
  also decrypts the oldest and the newest row of every encrypted column, which
  catches a new key not configured everywhere or an old one dropped too soon.
- ``KeyCheckMiddleware`` refuses every signed-in page with a 503 that names
  the setting while the keys fail, and turns an undecryptable value met on
  any page into the same 503.
- The fields refuse to write (``require_usable_keys``), so nothing is ever
  stored under keys that cannot read the rest.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext
from dataclasses import dataclass

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.template.loader import render_to_string

from .fields import (
    KeysUnusable,
    UndecryptableText,
    confidential_columns,
    decrypt_text,
    is_fernet_token,
)

logger = logging.getLogger("peersupport.keys")

KNOWN_TEXT = "peersupport: the note encryption keys read this"
KEY_CHECK_COLUMN = "peersupport.KeyCheck.value"


@dataclass(frozen=True)
class KeyStatus:
    is_usable: bool
    # Columns (app.Model.field) holding a sampled value the keys do not decrypt.
    unreadable: tuple[str, ...] = ()
    # False when the database could not be asked (down, or not migrated yet).
    is_known: bool = True


_statuses: dict[tuple[str, ...], KeyStatus] = {}


def forget_key_status() -> None:
    """Drop the cached answers (the keys changed, or the rotation rewrote the rows)."""
    _statuses.clear()


def key_status() -> KeyStatus:
    """The cached answer for the configured keys; asked of the database once."""
    status = _statuses.get(tuple(settings.NOTE_ENCRYPTION_KEYS))
    return status if status is not None else check_keys(thorough=False)


def require_usable_keys() -> None:
    """Raise KeysUnusable when the configured keys fail the check."""
    status = key_status()
    if not status.is_usable:
        raise KeysUnusable(
            "NOTE_ENCRYPTION_KEYS do not decrypt the stored data "
            f"({', '.join(status.unreadable)}): nothing is written with them."
        )


def _decrypts(token: str, expected: str | None = None) -> bool:
    try:
        text = decrypt_text(token)
    except InvalidToken:
        return False
    return expected is None or text == expected


def _sampled_values(model, field) -> list[str]:
    """The oldest and the newest non-empty value of one column, raw."""
    quote = connection.ops.quote_name
    table, pk, column = model._meta.db_table, model._meta.pk.column, field.column
    values = []
    with connection.cursor() as cursor:
        for direction in ("ASC", "DESC"):
            cursor.execute(
                f"SELECT {quote(column)} FROM {quote(table)} "  # noqa: S608 (names from the models)
                f"WHERE {quote(column)} IS NOT NULL AND {quote(column)} <> '' "
                f"ORDER BY {quote(pk)} {direction} LIMIT 1"
            )
            row = cursor.fetchone()
            if row:
                values.append(row[0])
    return values


def _unreadable_columns() -> list[str]:
    # Only ciphertext tells about the keys: plain text in an encrypted column
    # means a conversion migration was reversed, which no key would change.
    return [
        f"{model._meta.label}.{field.name}"
        for model, field in confidential_columns()
        if not all(
            _decrypts(value) for value in _sampled_values(model, field) if is_fernet_token(value)
        )
    ]


def _stored_key_check() -> str | None:
    from .models import KeyCheck

    quote = connection.ops.quote_name
    meta = KeyCheck._meta
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(meta.get_field('value').column)} FROM {quote(meta.db_table)} "  # noqa: S608
            f"ORDER BY {quote(meta.pk.column)} LIMIT 1"
        )
        row = cursor.fetchone()
    return row[0] if row else None


def check_keys(*, thorough: bool = True) -> KeyStatus:
    """Ask the database whether the configured keys read what it holds, and
    cache the answer. Without ``thorough``, only the key check is read (when
    it exists)."""
    from .models import KeyCheck

    keys = tuple(settings.NOTE_ENCRYPTION_KEYS)
    # Inside a transaction, a failed query (a table not migrated yet) must not
    # spoil the caller's transaction: a savepoint takes the failure.
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with guard:
            stored = _stored_key_check()
            unreadable = []
            if stored is not None and not _decrypts(stored, KNOWN_TEXT):
                unreadable.append(KEY_CHECK_COLUMN)
            if stored is None or thorough:
                unreadable += [c for c in _unreadable_columns() if c != KEY_CHECK_COLUMN]
            if stored is None and not unreadable:
                # First start on this database (or the row was lost): the keys
                # read everything there is, so they are the ones to check for.
                KeyCheck.objects.create(value=KNOWN_TEXT)
    except DatabaseError:
        return KeyStatus(is_usable=True, is_known=False)
    status = KeyStatus(is_usable=not unreadable, unreadable=tuple(unreadable))
    if not status.is_usable:
        logger.error(
            "NOTE_ENCRYPTION_KEYS do not decrypt %s: confidential pages answer 503 and "
            "nothing is written until the right keys are configured.",
            ", ".join(unreadable),
        )
    _statuses[keys] = status
    return status


def after_migrate(*, using: str = "default", **kwargs) -> None:
    """Write the key check if it is missing and the keys read the rows."""
    if using == connection.alias:
        check_keys(thorough=False)


def keys_unavailable_response() -> HttpResponse:
    """The page shown instead of a confidential one, in the active language.

    Rendered without the request's context processors: they could read the
    very rows that cannot be decrypted."""
    response = HttpResponse(render_to_string("keys_unavailable.html"), status=503)
    response["Cache-Control"] = "no-store"
    return response


class KeyCheckMiddleware:
    """Refuses signed-in pages while the keys fail the check (public pages such
    as sign-in and /healthz still answer), and answers 503 rather than 500 for
    a value no key decrypts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        if key_status().is_usable:
            return None
        return keys_unavailable_response()

    def process_exception(self, request, exception):
        if isinstance(exception, (UndecryptableText, KeysUnusable)):
            logger.error("%s (%s)", exception, request.path)
            return keys_unavailable_response()
        return None
