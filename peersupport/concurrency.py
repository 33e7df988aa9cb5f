"""Two people editing the same thing: the second save is refused, never lost.

Every form that changes a saved row carries a hidden ``version``: for each of
the row's fields the form shows, a keyed digest of the value it had when the
page was drawn (``VersionedFormMixin``). Per-field digests, not a counter: no
migration, and the refusal can name exactly what the other person changed.
The digests are HMACs under the project's secret key, computed on decrypted
values, so the page's HTML says nothing about a confidential field's content.

The check runs twice:

- when the form is checked, against the row the view just read (no query):
  the common case, someone saved minutes ago;
- when the row is written (a ``pre_save`` receiver, so no service and no view
  can forget it), against the row read again under ``SELECT ... FOR UPDATE``
  inside the service's transaction: two saves that both passed the first
  check cannot both pass this one, as the second waits for the first's lock
  and then reads what it committed. SQLite serialises writes.

A refusal names the fields that changed, their values now (fields of the
same form, which the user sees anyway) and, when the audit trail has it, who
saved and when. The form keeps what the user typed and now carries the new
version, so sending it again applies the user's values on purpose.

A form drawn without a version (the page is older than this check, or a
script) is refused when the row exists: it cannot say what it is based on.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import formats
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FIELD = "version"
_SALT = "peersupport.concurrency"
_DIGEST_LENGTH = 16  # hex characters: 64 bits, per field
SHOWN_VALUE_LENGTH = 80


# Digests --------------------------------------------------------------------


def _model_field(row: models.Model, name: str) -> models.Field | None:
    try:
        field = row._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if field.many_to_many and not field.auto_created:
        return field  # type: ignore[return-value]
    if getattr(field, "concrete", False) and not field.auto_created:
        return field  # type: ignore[return-value]
    return None


def _raw_value(row: models.Model, field: models.Field) -> Any:
    if field.many_to_many:
        return sorted(related.pk for related in getattr(row, field.name).all())
    return field.value_from_object(row)


def _digest(row: models.Model, name: str, value: Any) -> str:
    message = f"{row._meta.label}:{name}:" + json.dumps(value, default=str, sort_keys=True)
    return salted_hmac(_SALT, message, algorithm="sha256").hexdigest()[:_DIGEST_LENGTH]


def digests(row: models.Model, names: Iterable[str]) -> dict[str, str]:
    """The digest of each named field of ``row`` (names that are no field are skipped)."""
    found = {}
    for name in names:
        field = _model_field(row, name)
        if field is not None:
            found[name] = _digest(row, name, _raw_value(row, field))
    return found


def encode(version: dict[str, str]) -> str:
    return ".".join(f"{name}:{digest}" for name, digest in sorted(version.items()))


def decode(text: str) -> dict[str, str] | None:
    """The version a form sent, or None when it is not one."""
    version = {}
    for part in (text or "").split("."):
        name, _sep, digest = part.partition(":")
        if not (name and digest and name.replace("_", "a").isalnum() and digest.isalnum()):
            return None
        version[name] = digest
    return version or None


def version_of(row: models.Model, names: Iterable[str]) -> str:
    """The version of ``row`` a form of these fields carries once it is saved
    (an autosave hands it back to the page that keeps typing)."""
    return encode(digests(row, names))


def changed_fields(sent: dict[str, str], now: dict[str, str]) -> list[str]:
    return [
        name
        for name, digest in now.items()
        if not constant_time_compare(sent.get(name, ""), digest)
    ]


# The refusal ------------------------------------------------------------------


def shown_value(row: models.Model, name: str) -> str:
    """A field's value now, as its form would show it (the user sees that form)."""
    field = row._meta.get_field(name)
    if field.many_to_many:
        value = ", ".join(str(related) for related in getattr(row, name).all())
    elif field.is_relation:
        value = str(getattr(row, name) or "")
    elif getattr(field, "choices", None):
        value = str(getattr(row, f"get_{name}_display")())
    else:
        raw = getattr(row, name)
        if isinstance(raw, bool):
            value = _("yes") if raw else _("no")
        elif raw is None:
            value = ""
        else:
            value = str(formats.localize(raw))
    if not value.strip():
        return _("(empty)")
    return Truncator(" ".join(value.split())).chars(SHOWN_VALUE_LENGTH)


class ConcurrentEdit(ValidationError):
    """A save refused because the row changed since the form was drawn.
    ``version`` is the row's version now, for the form shown again."""

    def __init__(self, errors: dict[str, list[str]], version: dict[str, str]):
        super().__init__(errors)
        self.version = version


def _who_and_when(row: models.Model) -> tuple[str, str] | None:
    # The audit trail is the only reader of its entries; asked only on a refusal.
    from .audit import history_of

    entry = history_of(row).first()
    if entry is None or entry.actor is None:
        return None
    actor = entry.actor
    name = (actor.get_full_name() or actor.get_username()).strip()
    when = formats.date_format(entry.timestamp.astimezone(), "SHORT_DATETIME_FORMAT", use_l10n=True)
    return name, when


def refusal(
    row: models.Model, changed: list[str], labels: dict[str, str], version: dict[str, str]
) -> ConcurrentEdit:
    """The error naming what changed: above the form, and on each field changed."""
    names = ", ".join(str(labels.get(name, name)) for name in changed)
    who = _who_and_when(row)
    if who is None:
        summary = _(
            "Someone else saved this while you were editing. Their changes: %(fields)s. "
            "What you typed is kept below: check it and save again."
        ) % {"fields": names}
    else:
        summary = _(
            "Someone else saved this while you were editing (%(who)s, %(when)s). "
            "Their changes: %(fields)s. What you typed is kept below: check it and save again."
        ) % {"who": who[0], "when": who[1], "fields": names}
    errors: dict[str, list[str]] = {NON_FIELD_ERRORS: [summary]}
    for name in changed:
        errors[name] = [_("Changed meanwhile to: %(value)s") % {"value": shown_value(row, name)}]
    return ConcurrentEdit(errors, version)


# The check when the row is written ------------------------------------------


@dataclass(frozen=True)
class Expected:
    version: dict[str, str]
    labels: dict[str, str]


# What the forms checked in this request expect of each row they change, by
# (model label, pk): a service may save a copy of the row it read again.
_expected: ContextVar[dict[tuple[str, Any], Expected] | None] = ContextVar(
    "peersupport_concurrency_expected", default=None
)


def _key(row: models.Model) -> tuple[str, Any]:
    return (row._meta.concrete_model._meta.label, row.pk)


def expect(row: models.Model, expected: Expected) -> None:
    table = dict(_expected.get() or {})
    table[_key(row)] = expected
    _expected.set(table)


def forget_expectations(**_kwargs: Any) -> None:
    """Between requests (a ``request_started`` receiver) and tests."""
    _expected.set(None)


def check_before_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """``pre_save``: a row a form expected in a given state is read again under
    a lock; changed since, the save is refused (and the service's transaction
    rolled back)."""
    table = _expected.get()
    if not table or instance.pk is None or kwargs.get("raw"):
        return
    expected = table.get(_key(instance))
    if expected is None:
        return
    del table[_key(instance)]  # once per row and request: the service's own later saves pass
    using = kwargs.get("using") or "default"
    stored = type(instance)._base_manager.using(using).select_for_update().get(pk=instance.pk)
    now = digests(stored, expected.version)
    changed = changed_fields(expected.version, now)
    if changed:
        raise refusal(stored, changed, expected.labels, now)


# The forms ----------------------------------------------------------------------


class VersionedFormMixin:
    """For a form that changes a saved row: a ModelForm's ``instance``, or the
    row a plain form is given as ``row=``. The version covers the form's fields
    that are fields of the row (``version_fields`` narrows them)."""

    version_fields: tuple[str, ...] | None = None
    fields: dict[str, forms.Field]
    data: Any
    is_bound: bool

    def __init__(self, *args: Any, row: models.Model | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        if row is None:
            instance = getattr(self, "instance", None)
            row = instance if instance is not None and not instance._state.adding else None
        if row is None:
            self.version_row = None
            return
        # A copy: a ModelForm writes what was typed on its instance while it
        # checks, and a refusal shows the values as they are saved.
        self.version_row = copy.copy(row)
        names = self.version_fields if self.version_fields is not None else tuple(self.fields)
        # Read now, before a ModelForm writes what was typed on its instance.
        self._version_now = digests(row, names)
        self.fields[FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)
        self.fields[FIELD].initial = self._drawn_version

    def _drawn_version(self) -> str:
        return encode(self._versioned(self._version_now))

    def _versioned(self, version: dict[str, str]) -> dict[str, str]:
        # A subclass may have removed fields after this mixin's __init__.
        return {name: digest for name, digest in version.items() if name in self.fields}

    def take_version(self, version: dict[str, str]) -> None:
        """Shown again after a refusal: the form now carries the row's version,
        and keeps everything else the user typed."""
        self._version_now = {**self._version_now, **version}
        if self.is_bound:
            self.data = self.data.copy()
            self.data[self.add_prefix(FIELD)] = self._drawn_version()  # type: ignore[attr-defined]

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        row = self.version_row
        if row is None or not self.is_bound:
            return
        now = self._versioned(self._version_now)
        sent = decode(self.data.get(self.add_prefix(FIELD), ""))  # type: ignore[attr-defined]
        if sent is None:
            self.add_error(None, _OUT_OF_DATE)  # type: ignore[attr-defined]
            self.take_version(now)
            return
        labels = {name: str(self.fields[name].label or name) for name in now}
        changed = changed_fields(sent, now)
        # Changed meanwhile to exactly what this form sends (the same form sent
        # twice: a double tap, a retry after a lost answer): nothing is lost,
        # so it is no conflict, and the write expects the row as it is now.
        same = {name for name in changed if self._sends_what_is_saved(row, name, now[name])}
        changed = [name for name in changed if name not in same]
        if changed:
            error = refusal(row, changed, labels, now)
            for field, messages in error.error_dict.items():
                for message in messages:
                    self.add_error(None if field == NON_FIELD_ERRORS else field, message)  # type: ignore[attr-defined]
            self.take_version(now)
            return
        expected = {name: now[name] if name in same else sent[name] for name in now}
        expect(row, Expected(version=expected, labels=labels))

    def _sends_what_is_saved(self, row: models.Model, name: str, digest_now: str) -> bool:
        field = _model_field(row, name)
        if field is None or field.many_to_many or name in self.errors:  # type: ignore[attr-defined]
            return False  # unsure: a conflict, as before
        instance = getattr(self, "instance", None)
        if instance is not None and not instance._state.adding:
            value = field.value_from_object(instance)  # a ModelForm wrote what was typed on it
        elif name in self.cleaned_data:  # type: ignore[attr-defined]
            value = self.cleaned_data[name]  # type: ignore[attr-defined]
            value = getattr(value, "pk", value)
        else:
            return False
        return constant_time_compare(_digest(row, name, value), digest_now)


_OUT_OF_DATE = gettext_lazy(
    "This page is out of date: open it again to see what is saved now, then make your change."
)
