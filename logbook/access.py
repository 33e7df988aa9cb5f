"""Who may read or change what in the implementation logbook.

One policy per model, with the verbs of ``peersupport.policy``, and the bin
of deleted entries as a view of its own:

- ``entry_policy``: peers and clinicians write entries and see, change and
  delete their own. Researchers keep the logbook: they read, change, code and
  delete every entry, and they alone open the bin of deleted entries and
  restore them. Coordinators read and export every entry but change none.
  An entry someone may not see answers 404, like one that does not exist.
- ``entry_bin_policy``: the bin of deleted entries, as a view of its own.
- ``theme_policy`` and ``stage_policy``: the codebook and the stages are read
  by everyone who uses the logbook and kept by the research team.

Asked with no entry, ``entry_policy.can`` answers for the logbook as a whole:
``VIEW`` opens it, ``CONTRIBUTE`` writes entries, ``EXPORT`` takes them out,
``KEEP`` keeps the codebook and the stages, and ``RESTORE`` opens the bin.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

from django.db.models import QuerySet

from peersupport.policy import Policy, is_signed_in, users_with
from peersupport.roles import Ability

from .models import Entry, Stage, Theme

if TYPE_CHECKING:
    from peersupport.models import User


class EntryPolicy(Policy[Entry]):
    model = Entry

    class Action(StrEnum):
        VIEW = "view"
        EDIT = "edit"
        CODE = "code"
        DELETE = "delete"
        RESTORE = "restore"
        # Asked of the logbook as a whole, never of one entry.
        CONTRIBUTE = "contribute"
        EXPORT = "export"
        KEEP = "keep"

    # What each question about the whole logbook asks of the user's roles;
    # ``None``: any reader or contributor.
    WHOLE_LOGBOOK: ClassVar[dict[str, Ability | None]] = {
        Action.VIEW: None,
        Action.EDIT: Ability.CONTRIBUTE_LOGBOOK,
        Action.DELETE: Ability.CONTRIBUTE_LOGBOOK,
        Action.CONTRIBUTE: Ability.CONTRIBUTE_LOGBOOK,
        Action.EXPORT: Ability.READ_LOGBOOK,
        Action.CODE: Ability.KEEP_LOGBOOK,
        Action.RESTORE: Ability.KEEP_LOGBOOK,
        Action.KEEP: Ability.KEEP_LOGBOOK,
    }

    def _uses_logbook(self, user: Any) -> bool:
        return is_signed_in(user) and (
            user.can(Ability.CONTRIBUTE_LOGBOOK) or user.can(Ability.READ_LOGBOOK)
        )

    def visible_to(self, user: Any) -> QuerySet[Entry]:
        """The only source of entry lists: entries not in the bin."""
        if not self._uses_logbook(user):
            return Entry.objects.none()
        entries = Entry.objects.filter(deleted_at__isnull=True)
        if user.can(Ability.READ_LOGBOOK):
            return entries
        return entries.filter(author=user)

    def deleted_visible_to(self, user: Any) -> QuerySet[Entry]:
        """The bin: deleted entries, for those who keep the logbook only."""
        if not self.can(user, self.Action.RESTORE):
            return Entry.objects.none()
        return Entry.objects.filter(deleted_at__isnull=False)

    def lookup(self, user: Any, action: StrEnum) -> QuerySet[Entry]:
        if action == self.Action.RESTORE:
            return self.deleted_visible_to(user)
        if action == self.Action.VIEW:
            # Those who keep the logbook also open deleted entries, to restore them.
            return self.visible_to(user) | self.deleted_visible_to(user)
        return self.visible_to(user)

    def can(self, user: Any, action: StrEnum, obj: Entry | None = None) -> bool:
        if not self._uses_logbook(user):
            return False
        if obj is None:
            needed = self.WHOLE_LOGBOOK.get(action)
            return action in self.WHOLE_LOGBOOK and (needed is None or user.can(needed))
        keeper = user.can(Ability.KEEP_LOGBOOK)
        author = obj.author_id == user.pk and user.can(Ability.CONTRIBUTE_LOGBOOK)
        match action:
            case self.Action.VIEW:
                if obj.is_deleted:
                    return keeper  # the bin is the research team's
                return user.can(Ability.READ_LOGBOOK) or author
            case self.Action.EDIT | self.Action.DELETE:
                return not obj.is_deleted and (keeper or author)
            case self.Action.CODE:
                return not obj.is_deleted and keeper
            case self.Action.RESTORE:
                return obj.is_deleted and keeper
        # CONTRIBUTE, EXPORT and KEEP are asked of the logbook, not of one entry.
        return False

    def users_who_can(self, action: StrEnum, obj: Entry | None = None) -> QuerySet[User]:
        """The active accounts that may do ``action``, to one entry or to the logbook."""
        if obj is None:
            needed = self.WHOLE_LOGBOOK[action]
            if needed is None:
                return users_with(Ability.CONTRIBUTE_LOGBOOK) | users_with(Ability.READ_LOGBOOK)
            return users_with(needed)
        keepers = users_with(Ability.KEEP_LOGBOOK)
        author = users_with(Ability.CONTRIBUTE_LOGBOOK).filter(pk=obj.author_id)
        match action:
            case self.Action.VIEW if obj.is_deleted:
                return keepers
            case self.Action.VIEW:
                return users_with(Ability.READ_LOGBOOK) | author
            case self.Action.EDIT | self.Action.DELETE if not obj.is_deleted:
                return keepers | author
            case self.Action.CODE if not obj.is_deleted:
                return keepers
            case self.Action.RESTORE if obj.is_deleted:
                return keepers
        return users_with(Ability.KEEP_LOGBOOK).none()


entry_policy = EntryPolicy()
Action = EntryPolicy.Action


class EntryBinPolicy(Policy[Entry]):
    """The bin as a view of its own: the deleted entries, which only the
    research team sees (to restore them), while ``entry_policy.visible_to``
    lists none. What reads "the entries a user may open", bin included, asks
    both (the QDPX export's coders do, through their history)."""

    model = Entry

    class Action(StrEnum):
        VIEW = "view"
        RESTORE = "restore"

    def visible_to(self, user: Any) -> QuerySet[Entry]:
        return entry_policy.deleted_visible_to(user)

    def can(self, user: Any, action: StrEnum, obj: Entry | None = None) -> bool:
        if action not in tuple(self.Action):
            return False
        if obj is not None and not obj.is_deleted:
            return False
        return entry_policy.can(user, EntryPolicy.Action.RESTORE, obj)

    def users_who_can(self, action: StrEnum, obj: Entry | None = None) -> QuerySet[User]:
        if action not in tuple(self.Action) or (obj is not None and not obj.is_deleted):
            return users_with(Ability.KEEP_LOGBOOK).none()
        return entry_policy.users_who_can(EntryPolicy.Action.RESTORE, obj)


entry_bin_policy = EntryBinPolicy()


class _KeptByTheResearchTeam(Policy[Any]):
    """Read by everyone who uses the logbook, changed by those who keep it."""

    class Action(StrEnum):
        VIEW = "view"
        EDIT = "edit"  # add, change, and for themes merge

    def can(self, user: Any, action: StrEnum, obj: Any = None) -> bool:
        if action == self.Action.VIEW:
            return entry_policy.can(user, EntryPolicy.Action.VIEW)
        return action == self.Action.EDIT and entry_policy.can(user, EntryPolicy.Action.KEEP)

    def users_who_can(self, action: StrEnum, obj: Any = None) -> QuerySet[User]:
        if action == self.Action.VIEW:
            return entry_policy.users_who_can(EntryPolicy.Action.VIEW)
        return entry_policy.users_who_can(EntryPolicy.Action.KEEP)


class ThemePolicy(_KeptByTheResearchTeam):
    model = Theme

    def visible_to(self, user: Any) -> QuerySet[Theme]:
        """The codebook: the themes in use (merged ones are history)."""
        if not self.can(user, self.Action.VIEW):
            return Theme.objects.none()
        return Theme.objects.filter(merged_into__isnull=True)


class StagePolicy(_KeptByTheResearchTeam):
    model = Stage

    def visible_to(self, user: Any) -> QuerySet[Stage]:
        if not self.can(user, self.Action.VIEW):
            return Stage.objects.none()
        return Stage.objects.all()


theme_policy = ThemePolicy()
stage_policy = StagePolicy()
