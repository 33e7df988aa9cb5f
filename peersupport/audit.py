"""The audit trail, kept by django-auditlog: recording it, and who may read it.

Each app registers its models with auditlog in its AppConfig.ready; services
wrap their writes in ``acting_as`` so an entry names its author even when no
request is involved (management commands, demo data).

The trail is confidential too, so it has policies of the usual shape
(``peersupport.policy``): ``audit_entry_policy`` for its entries,
``export_record_policy`` for the record of every export, and
``HistoryPolicy`` for the changes to the rows another policy shows. This
module is the only place that reads ``LogEntry`` and ``ExportRecord`` rows
(with the audit app's selectors, which start from these policies).

The words that describe an entry live in ``peersupport.audit_words``; they
are importable from here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol, TypeVar, cast

from auditlog.context import auditlog_value, set_actor
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from .audit_words import Readable, describe_entry, readable_entries
from .models import ExportRecord, RoleGrant, StaffTeam, User
from .policy import Policy, has_ability, is_signed_in, users_with
from .roles import Ability

__all__ = [
    "PASSWORD_CHANGED_BY_OWNER",
    "PASSWORD_SET_BY_COORDINATOR",
    "RECOVERY_CODES_RENEWED",
    "SECOND_FACTOR_ENABLED",
    "HistoryPolicy",
    "Readable",
    "account_history",
    "acting_as",
    "audit_entry_policy",
    "count_recent_events",
    "creators_of",
    "describe_entry",
    "export_record_policy",
    "history_of",
    "readable_entries",
    "record_event",
    "record_export",
    "record_password_event",
    "record_reads",
    "record_streamed_file",
    "record_view",
    "register_models",
]

M = TypeVar("M", bound=Model)


def register_models() -> None:
    auditlog.register(User, exclude_fields=["password", "last_login"])
    auditlog.register(RoleGrant)
    auditlog.register(ExportRecord)
    auditlog.register(StaffTeam, m2m_fields={"members"})


# Recording -----------------------------------------------------------------


@contextmanager
def acting_as(user: User | None) -> Iterator[None]:
    """Attribute every audited change inside the block to ``user``.

    Keeps the address the request came from, and gives the request its own
    context back afterwards, so that later entries of the same request keep
    their actor.
    """
    try:
        outer = auditlog_value.get()
    except LookupError:
        outer = None
    remote_addr = outer.get("remote_addr") if outer else None
    with set_actor(user, remote_addr=remote_addr):
        yield
    if outer is not None:
        auditlog_value.set(outer)


# Password events carry no hash, only what happened.
PASSWORD_SET_BY_COORDINATOR = "set_by_coordinator"  # noqa: S105 (an event name)
PASSWORD_CHANGED_BY_OWNER = "changed_by_owner"  # noqa: S105 (an event name)
# Changes to one's own second factor (accounts.two_factor), named here so the
# account's history can put them in words.
SECOND_FACTOR_ENABLED = "second_factor_enabled"
RECOVERY_CODES_RENEWED = "recovery_codes_renewed"


def record_password_event(user: User, event: str) -> LogEntry:
    """An audit entry for a password change (auditlog never sees the hash)."""
    return LogEntry.objects.log_create(
        user,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={"password": ["", event]},
    )


def record_event(
    instance: Model, *, action: int, changes: dict | None = None, extra: dict | None = None
) -> LogEntry:
    """An audit entry for something auditlog cannot see by itself (a refused
    confirmation, a narrowing), attributed like every other entry."""
    return LogEntry.objects.log_create(
        instance,
        force_log=True,
        action=action,
        changes=changes or {},
        additional_data=extra or None,
    )


def count_recent_events(*, actor: User, event: str, since: datetime) -> int:
    """How many entries of ``event`` ``actor`` caused since ``since`` (rate limits)."""
    return LogEntry.objects.filter(
        actor=actor, additional_data__event=event, timestamp__gte=since
    ).count()


def record_view(instance: Model) -> None:
    """An access entry: who opened this record, when and from where."""
    from auditlog.signals import accessed

    accessed.send(sender=instance.__class__, instance=instance)


def record_reads(instances: Iterable[Model], *, via: str) -> None:
    """One access entry per record displayed, written in a single query.

    ``via`` says where it was shown (detail, timeline, feed, admin...). Actor
    and address come from the request's audit context.
    """
    instances = list(instances)
    if not instances:
        return
    try:
        context = auditlog_value.get()
    except LookupError:
        context = {}
    actor = context.get("actor")
    content_type = ContentType.objects.get_for_model(instances[0])
    entries = []
    for instance in instances:
        extra = instance.get_additional_data() if hasattr(instance, "get_additional_data") else {}
        entries.append(
            LogEntry(
                content_type=content_type,
                object_pk=str(instance.pk),
                object_id=instance.pk,
                object_repr=str(instance),
                action=LogEntry.Action.ACCESS,
                changes={},
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                remote_addr=context.get("remote_addr"),
                additional_data={**(extra or {}), "via": via},
            )
        )
    LogEntry.objects.bulk_create(entries)


def record_export(
    *, user: User, dataset: str, format: str, filters: dict, row_count: int
) -> ExportRecord:
    """Write down an export (who, what, filters, rows) before its data leaves."""
    with acting_as(user):
        return ExportRecord.objects.create(
            user=user, dataset=dataset, format=format, filters=filters, row_count=row_count
        )


class CountedFile(Protocol):
    """A file sent piece by piece that knows how many of its rows have left."""

    rows: int

    def __iter__(self) -> Iterator[bytes]: ...


def record_streamed_file(
    *, user: User, dataset: str, format: str, filters: dict, file: CountedFile
) -> Iterator[bytes]:
    """An export streamed as it is read, with no count first, from a file that
    writes and counts its own rows (``logbook.research.ExportFile``): written
    down now, before anything leaves (with no rows yet), and its row count
    (the rows of the pieces that left) written when the stream ends, however
    it ends: complete, the client gone, or an error."""
    record = record_export(user=user, dataset=dataset, format=format, filters=filters, row_count=0)
    pieces = iter(file)

    def stream() -> Iterator[bytes]:
        try:
            yield from pieces
        finally:
            # The file may be read in a transaction of its own: it ends
            # first, so that the count is not written inside it.
            close = getattr(pieces, "close", None)
            if close is not None:
                close()
            with acting_as(user):
                record.row_count = file.rows
                record.save(update_fields=["row_count"])

    return stream()


# Who may read the trail ------------------------------------------------------


class AuditTrailPolicy(Policy[M]):
    """Rows of the trail itself: coordinators who may read the audit trail
    see them all; nobody else sees any through this policy (a record's own
    history is read through ``HistoryPolicy``)."""

    class Action(StrEnum):
        VIEW = "view"

    def visible_to(self, user: Any) -> QuerySet[M]:
        rows = cast("QuerySet[M]", self.model._default_manager.all())
        return rows if self.can(user, self.Action.VIEW) else rows.none()

    def can(self, user: Any, action: StrEnum, obj: M | None = None) -> bool:
        return action == self.Action.VIEW and has_ability(user, Ability.VIEW_AUDIT_TRAIL)

    def users_who_can(self, action: StrEnum, obj: M | None = None) -> QuerySet[User]:
        if action != self.Action.VIEW:
            return User.objects.none()
        return users_with(Ability.VIEW_AUDIT_TRAIL)


class AuditEntryPolicy(AuditTrailPolicy[LogEntry]):
    model = LogEntry


class ExportRecordPolicy(AuditTrailPolicy[ExportRecord]):
    """The records of exports: those who read the trail see them all; everyone
    else sees the exports they made themselves (a researcher's home lists
    them), and nobody else's."""

    model = ExportRecord

    def visible_to(self, user: Any) -> QuerySet[ExportRecord]:
        rows = ExportRecord.objects.all()
        if has_ability(user, Ability.VIEW_AUDIT_TRAIL):
            return rows
        return rows.filter(user=user) if is_signed_in(user) else rows.none()

    def can(self, user: Any, action: StrEnum, obj: ExportRecord | None = None) -> bool:
        if action != self.Action.VIEW or not is_signed_in(user):
            return False
        if has_ability(user, Ability.VIEW_AUDIT_TRAIL):
            return True
        # Without a record: whether the user may see any (their own, if they export).
        return obj is None or obj.user_id == user.pk

    def users_who_can(self, action: StrEnum, obj: ExportRecord | None = None) -> QuerySet[User]:
        readers = super().users_who_can(action, obj)
        if obj is None or action != self.Action.VIEW:
            return readers
        return User.objects.filter(
            Q(pk__in=readers.values("pk")) | Q(pk=obj.user_id, is_active=True)
        )


audit_entry_policy = AuditEntryPolicy()
export_record_policy = ExportRecordPolicy()


def _changes() -> QuerySet[LogEntry]:
    """Entries that changed something: creations, changes, deletions (no reads)."""
    return LogEntry.objects.exclude(action=LogEntry.Action.ACCESS)


def _newest_first(entries: QuerySet[LogEntry]) -> QuerySet[LogEntry]:
    return entries.select_related("actor").order_by("-timestamp", "-pk")


class HistoryPolicy(Policy[LogEntry]):
    """The changes (never the reads) to the rows another policy shows a user:
    who may see a record may see how it came to be. ``HistoryPolicy(entry_policy)``
    gives the changes to the logbook entries a user may see, for instance."""

    model = LogEntry

    class Action(StrEnum):
        VIEW = "view"

    def __init__(self, record_policy: Policy[Any]) -> None:
        self.record_policy = record_policy

    def visible_to(self, user: Any) -> QuerySet[LogEntry]:
        record_type = ContentType.objects.get_for_model(self.record_policy.model)
        rows = self.record_policy.visible_to(user).order_by().values("pk")
        return _changes().filter(content_type=record_type, object_id__in=rows)

    def can(self, user: Any, action: StrEnum, obj: LogEntry | None = None) -> bool:
        if action != self.Action.VIEW:
            return False
        if obj is None:
            return self.record_policy.can(user, self.record_policy.Action("view"))
        return self.visible_to(user).filter(pk=obj.pk).exists()

    def of(self, user: Any, record: Model) -> QuerySet[LogEntry]:
        """The changes to one record, newest first, if ``user`` may open it
        (as its policy's ``get_for`` decides); none otherwise."""
        policy = self.record_policy
        view = policy.Action("view")
        opens = policy.lookup(user, view).filter(pk=record.pk).exists()
        if not (opens and policy.can(user, view, record)):
            return LogEntry.objects.none()
        return history_of(record)


# Histories of one record, for callers that got the record through its policy.


def history_of(instance: Model) -> QuerySet[LogEntry]:
    """Changes to one record, newest first (reads excluded). For a record the
    caller already opened through its policy's ``get_for``; otherwise ask
    ``HistoryPolicy(policy).of(user, instance)``."""
    return _newest_first(
        LogEntry.objects.get_for_object(instance).exclude(action=LogEntry.Action.ACCESS)
    )


def account_history(user: User) -> QuerySet[LogEntry]:
    """Changes made to an account and to the roles it holds, newest first.
    For an account the caller opened through ``accounts.access.account_policy``."""
    user_type = ContentType.objects.get_for_model(User)
    grant_type = ContentType.objects.get_for_model(RoleGrant)
    return _newest_first(
        LogEntry.objects.filter(
            Q(content_type=user_type, object_pk=str(user.pk))
            | Q(content_type=grant_type, additional_data__user_id=user.pk)
        )
    )


def creators_of(entries: Iterable[LogEntry]) -> dict[tuple[int, str], int]:
    """Who created each record the given entries are about, in one query:
    ``(content type id, object pk) -> actor id``. Used to name a record by its
    author ("note 153 by Alex Tremblay")."""
    by_type: dict[int, set[str]] = {}
    for entry in entries:
        by_type.setdefault(entry.content_type_id, set()).add(entry.object_pk)
    if not by_type:
        return {}
    condition = Q()
    for type_id, pks in by_type.items():
        condition |= Q(content_type_id=type_id, object_pk__in=pks)
    creators: dict[tuple[int, str], int] = {}
    for type_id, pk, actor_id in LogEntry.objects.filter(
        condition, action=LogEntry.Action.CREATE, actor__isnull=False
    ).values_list("content_type_id", "object_pk", "actor_id"):
        creators.setdefault((type_id, pk), actor_id)
    return creators
