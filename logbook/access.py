"""Who may read or change what in the implementation logbook: the one policy.

Researchers keep the logbook: they read every entry, code them, keep the
codebook and the stages, and restore deleted entries. Peers and clinicians
contribute entries and see their own. Coordinators read it (and, later,
export it). An entry someone may not see answers 404.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from peersupport.roles import Ability

from .models import Entry, Stage, Theme


class Action(StrEnum):
    VIEW = "view"
    EDIT = "edit"
    CODE = "code"
    DELETE = "delete"
    RESTORE = "restore"


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def may_use_logbook(user) -> bool:
    return _signed_in(user) and (
        user.can(Ability.CONTRIBUTE_LOGBOOK) or user.can(Ability.READ_LOGBOOK)
    )


def may_contribute(user) -> bool:
    """Researchers, peers and clinicians write entries; coordinators read them."""
    return _signed_in(user) and user.can(Ability.CONTRIBUTE_LOGBOOK)


def may_export(user) -> bool:
    """Researchers and coordinators take the logbook out to analyse it."""
    return _signed_in(user) and user.can(Ability.READ_LOGBOOK)


def keeps_logbook(user) -> bool:
    return _signed_in(user) and user.can(Ability.KEEP_LOGBOOK)


def entries_visible_to(user, *, deleted: bool = False) -> QuerySet[Entry]:
    """The only source of entry lists. ``deleted=True``: the bin, for keepers."""
    if not may_use_logbook(user):
        return Entry.objects.none()
    entries = Entry.objects.filter(deleted_at__isnull=not deleted)
    if deleted and not keeps_logbook(user):
        return Entry.objects.none()
    if user.can(Ability.READ_LOGBOOK):
        return entries
    return entries.filter(author=user)


def can(user, action: Action, entry: Entry) -> bool:
    if not may_use_logbook(user):
        return False
    keeper = keeps_logbook(user)
    author = entry.author_id == user.pk and may_contribute(user)
    match action:
        case Action.VIEW:
            if entry.is_deleted:
                return keeper  # the bin is the research team's
            return user.can(Ability.READ_LOGBOOK) or author
        case Action.EDIT | Action.DELETE:
            return not entry.is_deleted and (keeper or author)
        case Action.CODE:
            return not entry.is_deleted and keeper
        case Action.RESTORE:
            return entry.is_deleted and keeper
    return False


def get_entry_for(user, pk, action: Action = Action.VIEW) -> Entry:
    """The entry ``pk`` if ``user`` may see it (else 404) and do ``action`` (else 403)."""
    if action == Action.RESTORE:
        candidates = entries_visible_to(user, deleted=True)
    elif action == Action.VIEW:
        # Those who keep the logbook also open deleted entries, to restore them.
        candidates = entries_visible_to(user) | entries_visible_to(user, deleted=True)
    else:
        candidates = entries_visible_to(user)
    entry = get_object_or_404(candidates, pk=pk)
    if not can(user, action, entry):
        raise PermissionDenied
    return entry


def codebook_for(user) -> QuerySet[Theme]:
    """The themes in use (merged ones are history)."""
    if not may_use_logbook(user):
        return Theme.objects.none()
    return Theme.objects.filter(merged_into__isnull=True)


def stages_for(user) -> QuerySet[Stage]:
    if not may_use_logbook(user):
        return Stage.objects.none()
    return Stage.objects.all()


def authors_for(user):
    """Who wrote the entries ``user`` may see, for the author filter."""
    from peersupport.models import User

    return User.objects.filter(pk__in=entries_visible_to(user).values("author")).order_by(
        "first_name", "last_name", "username"
    )
