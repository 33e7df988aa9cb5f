"""Audit entries in words: what was done, to what, and what changed, in the
reader's language. Used by the audit trail, an account's history, a logbook
entry's history and a note's page.

It queries no entries itself: callers hand it entries they read through a
policy (``peersupport.audit``); the names it needs (authors, the objects a
change points to) are fetched in bulk. Records about a person are named by
their number, never by what was written about them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import ExportRecord, RoleGrant, User
from .query import record_id
from .roles import Role


def describe_entry(entry: LogEntry) -> list[str]:
    """Plain-language lines for one audit entry, in the reader's language."""
    return readable_entries([entry], subjects=False)[0].lines


# Fields that change as a side effect of others and mean nothing to a reader.
TECHNICAL_FIELDS = {"session_generation", "search_text", "last_contact_on", "deleted_by"}
# Where a record was shown when its reading was recorded (``record_reads(via=...)``).
VIA = {
    "timeline": gettext_lazy("on the person’s timeline"),
    "shared_feed": gettext_lazy("in the shared feed"),
    "conversation": gettext_lazy("in a conversation"),
    "follow_ups": gettext_lazy("in the list of follow-ups"),
    "home": gettext_lazy("on the home page"),
    "person_page": gettext_lazy("on the person’s page"),
    "note": gettext_lazy("on the note’s page"),
    "answer": gettext_lazy("on the answer page"),
    "encounter": gettext_lazy("on the encounter’s page"),
    "admin": gettext_lazy("in the administration"),
    "wellness_history": gettext_lazy("in the earlier versions of a wellness plan"),
    "declarations": gettext_lazy("in the list of declarations"),
    "declaration_link": gettext_lazy("on the page to link a declaration"),
}
DATASETS = {
    "logbook": gettext_lazy("the implementation logbook"),
    "research_encounters": gettext_lazy("the research extract of encounters"),
}
TRUNCATE_AT = 140


@dataclass
class Readable:
    """An audit entry in words: what was done, to what, and what changed."""

    action: str
    subject: str
    lines: list[str]

    @property
    def details(self) -> list[str]:
        """The lines that say more than the action itself."""
        return [] if self.lines == [self.action] else self.lines


def readable_entries(entries: Iterable[LogEntry], *, subjects: bool = True) -> list[Readable]:
    """Each entry in words, in the reader's language. Names are fetched in bulk
    (the authors of the records, the people and objects that changes point
    to), so the number of queries does not grow with the entries. Nothing is
    read from the records themselves: confidential bodies stay where they are."""
    entries = list(entries)
    names = _Names(entries, subjects=subjects)
    return [_readable(entry, names) for entry in entries]


class _Names:
    """The names behind the ids a page of entries mentions, fetched in bulk."""

    def __init__(self, entries: list[LogEntry], *, subjects: bool) -> None:
        wanted: dict = {}  # related model -> ids
        self.creators: dict = {}
        if subjects and entries:
            # Not at the top: peersupport.audit hands these words on to its importers.
            from .audit import creators_of

            self.creators = creators_of(entries)
            wanted.setdefault(User, set()).update(self.creators.values())
        for entry in entries:
            model = entry.content_type.model_class()
            if model is None:
                continue
            if subjects and (entry.additional_data or {}).get("user_id"):
                wanted.setdefault(User, set()).add(entry.additional_data["user_id"])
            for name, values in (entry.changes_dict or {}).items():
                field = _field(model, name)
                if field is None or not field.many_to_one or not isinstance(values, list):
                    continue
                target = field.related_model
                if target._meta.label == "clients.Client":
                    continue  # named by its record number, never read
                wanted.setdefault(target, set()).update(
                    pk for v in values if (pk := record_id(v)) is not None
                )
        self.objects: dict = {}
        for target, pks in wanted.items():
            if not pks:
                continue
            # Long texts (note bodies and the like) are never loaded to name a record.
            texts = [
                f.name for f in target._meta.concrete_fields if f.get_internal_type() == "TextField"
            ]
            for obj in target._default_manager.filter(pk__in=pks).defer(*texts):
                self.objects[(target, obj.pk)] = str(obj)

    def user(self, pk) -> str:
        return self.objects.get((User, pk), "")

    def of(self, model, pk) -> str | None:
        number = record_id(pk)
        return self.objects.get((model, number)) if number is not None else None


def _field(model, name):
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not getattr(field, "concrete", False) or field.primary_key:
        return None
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return None
    return field


def _empty(value) -> bool:
    return value in (None, "", "None", "[]", "{}", [], {})


def _readable(entry: LogEntry, names: _Names) -> Readable:
    model = entry.content_type.model_class()
    action = _action(entry)
    subject = _subject(entry, model, names)
    lines = _special_lines(entry, model)
    if lines is None:
        lines = _change_lines(entry, model, names) if entry.action == LogEntry.Action.UPDATE else []
    if not lines:
        lines = [action]
    return Readable(action=action, subject=subject, lines=lines or [_("Changed")])


def _action(entry: LogEntry) -> str:
    if entry.action == LogEntry.Action.CREATE:
        return _("Created")
    if entry.action == LogEntry.Action.UPDATE:
        return _("Changed")
    if entry.action == LogEntry.Action.DELETE:
        return _("Deleted")
    extra = entry.additional_data or {}
    if extra.get("event") == "emergency_password_failed":
        return _("Emergency access refused: wrong password")
    where = VIA.get(str(extra.get("via", "")))
    return _("Viewed %(where)s") % {"where": where} if where else _("Viewed")


def _subject(entry: LogEntry, model, names: _Names) -> str:
    """What the entry is about: "note 153 by Alex Tremblay about record 21"."""
    if model is None:
        return entry.object_repr
    extra = entry.additional_data or {}
    if model is User:
        return _("the account of %(name)s") % {
            "name": names.user(entry.object_id) or entry.object_repr
        }
    if model is RoleGrant:
        return _("a role of %(name)s") % {"name": names.user(extra.get("user_id")) or "?"}
    if model._meta.label == "clients.Client":
        return _("record %(number)s") % {"number": entry.object_pk}
    words = f"{model._meta.verbose_name} {entry.object_pk}"
    if not extra.get("client_id") and entry.object_repr.casefold() != words.casefold():
        # Catalogue objects (themes, stages, activities...) are known by their name.
        words = f"{words} “{entry.object_repr}”"
    creator = names.user(names.creators.get((entry.content_type_id, entry.object_pk)))
    if creator:
        words = _("%(object)s by %(name)s") % {"object": words, "name": creator}
    if extra.get("client_id"):
        words = _("%(object)s about record %(number)s") % {
            "object": words,
            "number": extra["client_id"],
        }
    return words


def _special_lines(entry: LogEntry, model) -> list[str] | None:
    """Events that are not a list of field changes; None for the others."""
    # Not at the top: peersupport.audit hands these words on to its importers.
    from .audit import PASSWORD_SET_BY_COORDINATOR, RECOVERY_CODES_RENEWED, SECOND_FACTOR_ENABLED

    event = (entry.additional_data or {}).get("event")
    if model is User and event == SECOND_FACTOR_ENABLED:
        return [_("Two-factor sign-in set up")]
    if model is User and event == RECOVERY_CODES_RENEWED:
        return [_("New recovery codes made (the old ones no longer work)")]
    changes = entry.changes_dict or {}
    if model is RoleGrant and entry.action in (LogEntry.Action.CREATE, LogEntry.Action.DELETE):
        old, new = changes.get("role", [None, None])
        code = new if entry.action == LogEntry.Action.CREATE else old
        role = Role(code).label if code in Role.values else entry.object_repr
        if entry.action == LogEntry.Action.CREATE:
            return [_("Role granted: %(role)s") % {"role": role}]
        return [_("Role removed: %(role)s") % {"role": role}]
    if model is User and entry.action == LogEntry.Action.CREATE:
        return [_("Account created")]
    if model is ExportRecord and entry.action == LogEntry.Action.CREATE:
        dataset = changes.get("dataset", [None, ""])[1]
        return [
            _("Exported %(dataset)s as %(format)s: %(rows)s rows")
            % {
                "dataset": DATASETS.get(dataset, dataset),
                "format": str(changes.get("format", [None, ""])[1]).upper(),
                "rows": changes.get("row_count", [None, "0"])[1],
            }
        ]
    technical = TECHNICAL_FIELDS | {"id", model._meta.pk.name if model else "id"}
    meaningful = {name: values for name, values in changes.items() if name not in technical}
    if model is User and set(meaningful) == {"password"}:
        if meaningful["password"][1] == PASSWORD_SET_BY_COORDINATOR:
            return [_("Temporary password set")]
        return [_("Password changed by its owner")]
    if model is User and set(meaningful) == {"is_active"}:
        active = meaningful["is_active"][1] in {"True", True}
        return [_("Account reactivated") if active else _("Account deactivated")]
    if changes.get("audience", [None, None])[-1] == "narrowed":
        return [_("Readers narrowed: some may already have read it")]
    return None


def _change_lines(entry: LogEntry, model, names: _Names) -> list[str]:
    lines = []
    about_a_person = bool((entry.additional_data or {}).get("client_id")) or (
        model is not None and model._meta.label == "clients.Client"
    )
    for name, values in (entry.changes_dict or {}).items():
        if name in TECHNICAL_FIELDS or model is None:
            continue
        if name == "deleted_at" and isinstance(values, list):
            old, new = values
            if _empty(old) and not _empty(new):
                lines.append(_("Moved to the bin"))
            elif not _empty(old) and _empty(new):
                lines.append(_("Restored"))
            continue
        field = _field(model, name)
        if field is None:
            continue
        label = str(field.verbose_name)
        label = label[:1].upper() + label[1:]
        if isinstance(values, dict) and values.get("type") == "m2m":
            items = ", ".join(str(item) for item in values.get("objects", []))
            if values.get("operation") == "add":
                lines.append(_("%(field)s: added %(items)s") % {"field": label, "items": items})
            else:
                lines.append(_("%(field)s: removed %(items)s") % {"field": label, "items": items})
            continue
        if not isinstance(values, list) or len(values) != 2:
            continue
        if about_a_person and field.get_internal_type() == "TextField":
            # What was written about a person stays on their record, not in the trail.
            lines.append(_("%(field)s: changed") % {"field": label})
            continue
        old, new = (_shown_value(model, field, value, names) for value in values)
        if old != new:
            lines.append(f"{label}: {old} → {new}")
    return lines


def _shown_value(model, field, value, names: _Names) -> str:
    """One stored value as a reader understands it, in their language."""
    if _empty(value):
        return _("empty")
    text = str(value)
    choices = dict(field.flatchoices) if field.choices else None
    labels = getattr(model, "audit_choices", {}).get(field.name)
    if field.many_to_one:
        if field.related_model._meta.label == "clients.Client":
            return _("record %(number)s") % {"number": text}
        return names.of(field.related_model, text) or _("number %(number)s") % {"number": text}
    if choices is not None:
        return str(choices.get(text, text))
    if field.get_internal_type() == "BooleanField":
        return _("yes") if text in ("True", "true", "1") else _("no")
    if field.get_internal_type() == "DateField" and (day := parse_date(text[:10])):
        return formats.date_format(day, "DATE_FORMAT")
    if field.get_internal_type() == "DateTimeField" and (moment := parse_datetime(text)):
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=UTC)  # auditlog stores UTC
        return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    if field.get_internal_type() == "JSONField":
        try:
            data = json.loads(text) if isinstance(value, str) else value
        except ValueError:
            data = text
        if isinstance(data, list):
            mapping = dict(labels or [])
            return ", ".join(str(mapping.get(item, item)) for item in data) or _("empty")
        if isinstance(data, dict):
            return ", ".join(f"{k}: {v}" for k, v in data.items()) or _("empty")
        return str(data)
    if len(text) > TRUNCATE_AT:
        return text[:TRUNCATE_AT] + "…"
    return text
