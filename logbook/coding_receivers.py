"""An entry whose themes change has changed: its ``updated_at`` moves.

The theme matrix keeps its counts while the visible entries' number and
latest change stay the same (``selectors._matrix_counts``). Coding is a
many-to-many change, which does not save the entry, so this receiver touches
the entries whose themes were added, removed or cleared, however that was
done through the relation (the coding form, a theme merge, the admin, a
shell): the next matrix counts again."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed
from django.utils import timezone

from .models import Entry

CHANGES = {"post_add", "post_remove", "post_clear", "pre_clear"}


def entries_recoded(sender: Any, instance: Any, action: str, reverse: bool, pk_set, **_: Any):
    if action not in CHANGES or (action == "pre_clear" and not reverse):
        return
    if not reverse:
        touched = Entry.objects.filter(pk=instance.pk)
    elif action == "pre_clear":
        # A theme cleared of its entries: which ones is known only before.
        touched = Entry.objects.filter(themes=instance)
    else:
        touched = Entry.objects.filter(pk__in=pk_set or ())
    touched.update(updated_at=timezone.now())


def connect() -> None:
    m2m_changed.connect(
        entries_recoded, sender=Entry.themes.through, dispatch_uid="logbook.entries_recoded"
    )
