"""Rows for every encrypted column, built from the models rather than a list,
so that the encryption tests cover a column added later without being told.

``make_row`` fills the fields a row needs with plain values (related rows made
the same way), puts the given texts in the encrypted fields, and saves it the
way a service would (``save()``, which the audit trail listens to).
"""

import itertools
from datetime import time

from django.db import connection, models
from django.utils import timezone

from peersupport.fields import confidential_columns
from peersupport.models import User
from tests.factories import ClientFactory, UserFactory

_numbers = itertools.count(1)


def encrypted_columns():
    """(model, field) of every encrypted column; sorted for stable test ids."""
    return sorted(confidential_columns(), key=lambda pair: (pair[0]._meta.label, pair[1].name))


def column_id(pair):
    model, field = pair
    return f"{model._meta.label}.{field.name}"


def models_with_encrypted_columns():
    """Each model with its encrypted fields' names."""
    found = {}
    for model, field in encrypted_columns():
        found.setdefault(model, []).append(field.name)
    return found


def _plain_value(field):
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return timezone.localdate()
    if isinstance(field, models.TimeField):
        return time(10, 0)
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.IntegerField | models.DecimalField | models.FloatField):
        return 1
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.CharField | models.TextField):
        return f"filler {next(_numbers)}"[: field.max_length or None]
    raise TypeError(f"no plain value for {field!r}")


def _related_row(model):
    if model is User:
        return UserFactory()
    if model._meta.label == "clients.Client":
        return ClientFactory()
    return make_row(model)


def make_row(model, texts=None):
    """Save and return a row of ``model`` with ``texts`` ({field name: text})."""
    texts = texts or {}
    values = {}
    for field in model._meta.concrete_fields:
        if field.name in texts:
            values[field.name] = texts[field.name]
        elif (
            field.primary_key
            or field.null
            or field.has_default()
            or (field.blank and field.empty_strings_allowed and not field.is_relation)
            or getattr(field, "auto_now", False)
            or getattr(field, "auto_now_add", False)
        ):
            continue
        elif field.is_relation:
            values[field.name] = _related_row(field.related_model)
        else:
            values[field.name] = _plain_value(field)
    row = model(**values)
    row.save()
    return row


def raw_value(model, field_name, pk):
    """The column as stored, read past the field (what a database dump holds)."""
    meta = model._meta
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(meta.get_field(field_name).column)} FROM {quote(meta.db_table)} "  # noqa: S608 (names from the models)
            f"WHERE {quote(meta.pk.column)} = %s",
            [pk],
        )
        return cursor.fetchone()[0]
