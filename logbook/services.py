"""Every change to the logbook, audited and attributed to ``acting_user``."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peersupport.audit import acting_as

from . import access
from .models import Entry, Stage, Theme

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
]


@transaction.atomic
def entry_save(
    *, acting_user, entry: Entry | None = None, data: dict, themes=None, partners=None
) -> Entry:
    """Write or change an entry. Only those who keep the logbook code it (themes)."""
    if entry is None:
        if not access.may_contribute(acting_user):
            raise ValidationError(_("You cannot write in the logbook."))
        entry = Entry(author=acting_user)
    elif not access.can(acting_user, access.Action.EDIT, entry):
        raise ValidationError(_("You cannot change this entry."))
    with acting_as(acting_user):
        for field in ENTRY_FIELDS:
            if field in data:
                setattr(entry, field, data[field])
        entry.full_clean()
        entry.save()
        if partners is not None:
            entry.partners.set(partners)
        if themes is not None:
            if not access.can(acting_user, access.Action.CODE, entry):
                raise ValidationError({"themes": _("Only the research team codes entries.")})
            entry.themes.set(themes)
    return entry


@transaction.atomic
def entry_delete(*, acting_user, entry: Entry) -> Entry:
    """Put an entry in the bin; the research team can take it out again."""
    if not access.can(acting_user, access.Action.DELETE, entry):
        raise ValidationError(_("You cannot delete this entry."))
    with acting_as(acting_user):
        entry.deleted_at = timezone.now()
        entry.deleted_by = acting_user
        entry.save(update_fields=["deleted_at", "deleted_by"])
    return entry


@transaction.atomic
def entry_restore(*, acting_user, entry: Entry) -> Entry:
    if not access.can(acting_user, access.Action.RESTORE, entry):
        raise ValidationError(_("You cannot restore this entry."))
    with acting_as(acting_user):
        entry.deleted_at = None
        entry.deleted_by = None
        entry.save(update_fields=["deleted_at", "deleted_by"])
    return entry


def _keeper(user):
    if not access.keeps_logbook(user):
        raise ValidationError(_("Only the research team keeps the codebook and the stages."))


@transaction.atomic
def theme_save(*, acting_user, theme: Theme) -> Theme:
    _keeper(acting_user)
    with acting_as(acting_user):
        theme.full_clean()
        theme.save()
    return theme


@transaction.atomic
def theme_merge(*, acting_user, keep: Theme, merge_away: Theme) -> Theme:
    """Merge two themes: entries coded with either are coded with ``keep``;
    ``merge_away`` stays in the codebook's history, marked as merged."""
    _keeper(acting_user)
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
def stage_save(*, acting_user, stage: Stage) -> Stage:
    """Add or move a stage; entries follow their dates into it."""
    _keeper(acting_user)
    with acting_as(acting_user):
        stage.full_clean()
        stage.save()
    return stage
