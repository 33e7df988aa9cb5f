"""The audit trail, kept by django-auditlog.

Each app registers its models with auditlog in its AppConfig.ready; services
wrap their writes in ``acting_as`` so an entry names its author even when no
request is involved (management commands, demo data).
"""

from contextlib import contextmanager

from auditlog.context import auditlog_value, set_actor
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet


def register_models():
    from .models import ExportRecord, RoleGrant, User

    auditlog.register(User, exclude_fields=["password", "last_login"])
    auditlog.register(RoleGrant)
    auditlog.register(ExportRecord)


@contextmanager
def acting_as(user):
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


def record_password_event(user, event: str) -> LogEntry:
    """An audit entry for a password change (auditlog never sees the hash)."""
    return LogEntry.objects.log_create(
        user,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={"password": ["", event]},
    )


def account_history(user) -> QuerySet[LogEntry]:
    """Changes made to an account and to the roles it holds, newest first."""
    from .models import RoleGrant, User

    user_type = ContentType.objects.get_for_model(User)
    grant_type = ContentType.objects.get_for_model(RoleGrant)
    return (
        LogEntry.objects.filter(
            Q(content_type=user_type, object_pk=str(user.pk))
            | Q(content_type=grant_type, additional_data__user_id=user.pk)
        )
        .select_related("actor")
        .order_by("-timestamp", "-pk")
    )


def describe_entry(entry: LogEntry) -> list[str]:
    """Plain-language lines for one audit entry, in the reader's language."""
    from django.utils.translation import gettext as _

    from .models import RoleGrant
    from .roles import Role

    model = entry.content_type.model_class()
    changes = entry.changes_dict
    if model is RoleGrant:
        old, new = changes.get("role", [None, None])
        role = Role(new if entry.action == LogEntry.Action.CREATE else old).label
        if entry.action == LogEntry.Action.CREATE:
            return [_("Role granted: %(role)s") % {"role": role}]
        return [_("Role removed: %(role)s") % {"role": role}]
    if entry.action == LogEntry.Action.CREATE:
        return [_("Account created")]
    if set(changes) == {"password"}:
        if changes["password"][1] == PASSWORD_SET_BY_COORDINATOR:
            return [_("Temporary password set")]
        return [_("Password changed by its owner")]
    if set(changes) == {"is_active"}:
        active = changes["is_active"][1] in {"True", True}
        return [_("Account reactivated") if active else _("Account deactivated")]
    return [
        f"{field}: {_shown(old)} → {_shown(new)}"
        for field, (old, new) in entry.changes_display_dict.items()
    ]


def _shown(value) -> str:
    from django.utils.translation import gettext as _

    if value in ("True", True):
        return _("yes")
    if value in ("False", False):
        return _("no")
    return str(value) if value not in ("", None, "None") else "—"


def record_view(instance) -> None:
    """An access entry: who opened this record, when and from where."""
    from auditlog.signals import accessed

    accessed.send(sender=instance.__class__, instance=instance)


def record_reads(instances, *, via: str) -> None:
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


def entries_about_person(client_id: int) -> Q:
    """Audit entries concerning one person: their record, or anything that
    names them (notes, consents, encounters... through ``client_id``)."""
    from clients.models import Client

    client_type = ContentType.objects.get_for_model(Client)
    return Q(content_type=client_type, object_pk=str(client_id)) | Q(
        additional_data__client_id=client_id
    )


def history_of(instance) -> QuerySet[LogEntry]:
    """Changes to one record, newest first (reads excluded)."""
    return (
        LogEntry.objects.get_for_object(instance)
        .exclude(action=LogEntry.Action.ACCESS)
        .select_related("actor")
        .order_by("-timestamp", "-pk")
    )


def record_export(*, user, dataset: str, format: str, filters: dict, row_count: int):
    """Write down an export (who, what, filters, rows) before its data leaves."""
    from .models import ExportRecord

    with acting_as(user):
        return ExportRecord.objects.create(
            user=user, dataset=dataset, format=format, filters=filters, row_count=row_count
        )
