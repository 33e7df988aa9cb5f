"""Every change to the logbook, audited and attributed to ``acting_user``.

Each service asks the policy first and refuses (PermissionDenied) what the
acting user may not do, before anything is written."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peersupport.audit import acting_as
from staff.access import work_activity_policy

from . import selectors
from .access import Action, entry_policy, stage_policy, theme_policy
from .models import Entry, Stage, Theme

if TYPE_CHECKING:
    from partners.models import Partner
    from staff.models import WorkActivity

ENTRY_FIELDS = [
    "occurred_on",
    "kind",
    "source",
    "title",
    "narrative",
    "involved",
    "what_changed",
    "why_changed",
    "who_decided",
    "duration_minutes",
]


def _check_counts_once(acting_user: Any, work_activity: WorkActivity) -> None:
    """A meeting or a debriefing the user may turn into an entry, not counted yet."""
    work_activity_policy.check(acting_user, work_activity_policy.Action.TO_LOGBOOK, work_activity)
    # Locked: two taps at once write one entry.
    work_activity_policy.visible_to(acting_user).select_for_update().filter(
        pk=work_activity.pk
    ).first()
    if selectors.entry_counting(work_activity) is not None:
        raise ValidationError(_("This is already counted in the logbook: one entry is enough."))


@transaction.atomic
def entry_save(
    *,
    acting_user: Any,
    entry: Entry | None = None,
    data: dict[str, Any],
    themes: Iterable[Theme] | None = None,
    partners: Iterable[Partner] | None = None,
    work_activity: WorkActivity | None = None,
) -> Entry:
    """Write or change an entry. Only those who keep the logbook code it (themes).
    A new entry may count a meeting or a debriefing (``work_activity``), once."""
    if entry is None:
        entry_policy.check(acting_user, Action.CONTRIBUTE)
        entry = Entry(author=acting_user)
        if work_activity is not None:
            _check_counts_once(acting_user, work_activity)
            entry.work_activity = work_activity
            entry.duration_minutes = work_activity.duration_minutes
    else:
        entry_policy.check(acting_user, Action.EDIT, entry)
        if work_activity is not None:
            raise TypeError("An entry's work activity is set when it is written, not later")
    if themes is not None:
        entry_policy.check(acting_user, Action.CODE, entry)
    with acting_as(acting_user):
        for field in ENTRY_FIELDS:
            if field in data:
                setattr(entry, field, data[field])
        entry.full_clean()
        entry.save()
        if partners is not None:
            entry.partners.set(partners)
        if themes is not None:
            entry.themes.set(themes)
    return entry


@transaction.atomic
def entry_delete(*, acting_user: Any, entry: Entry) -> Entry:
    """Put an entry in the bin; the research team can take it out again."""
    entry_policy.check(acting_user, Action.DELETE, entry)
    with acting_as(acting_user):
        entry.deleted_at = timezone.now()
        entry.deleted_by = acting_user
        entry.save(update_fields=["deleted_at", "deleted_by"])
    return entry


@transaction.atomic
def entry_restore(*, acting_user: Any, entry: Entry) -> Entry:
    """Take an entry out of the bin."""
    entry_policy.check(acting_user, Action.RESTORE, entry)
    with acting_as(acting_user):
        entry.deleted_at = None
        entry.deleted_by = None
        entry.save(update_fields=["deleted_at", "deleted_by"])
    return entry


@transaction.atomic
def theme_save(*, acting_user: Any, theme: Theme) -> Theme:
    """Add a theme to the codebook or change one."""
    theme_policy.check(acting_user, theme_policy.Action.EDIT, theme)
    with acting_as(acting_user):
        theme.full_clean()
        theme.save()
    return theme


@transaction.atomic
def theme_merge(*, acting_user: Any, keep: Theme, merge_away: Theme) -> Theme:
    """Merge two themes: entries coded with either are coded with ``keep``;
    ``merge_away`` stays in the codebook's history, marked as merged."""
    theme_policy.check(acting_user, theme_policy.Action.EDIT, keep)
    theme_policy.check(acting_user, theme_policy.Action.EDIT, merge_away)
    if keep.pk == merge_away.pk or keep.merged_into_id or merge_away.merged_into_id:
        raise ValidationError({"other": _("Choose another theme that is still in use.")})
    ancestor = keep.parent
    while ancestor is not None:
        if ancestor.pk == merge_away.pk:
            raise ValidationError({"other": _("A theme cannot be merged into one below it.")})
        ancestor = ancestor.parent
    with acting_as(acting_user):
        for entry in merge_away.entries.all():
            entry.themes.add(keep)
            entry.themes.remove(merge_away)
        for child in merge_away.children.filter(merged_into__isnull=True):
            child.parent = keep
            child.save(update_fields=["parent"])
        merge_away.merged_into = keep
        merge_away.save(update_fields=["merged_into"])
    return keep


@transaction.atomic
def stage_save(*, acting_user: Any, stage: Stage) -> Stage:
    """Add or move a stage; entries follow their dates into it."""
    stage_policy.check(acting_user, stage_policy.Action.EDIT, stage)
    with acting_as(acting_user):
        stage.full_clean()
        stage.save()
    return stage
