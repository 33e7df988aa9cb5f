"""The audit trail, kept by django-auditlog.

Models are registered here so that one file says what is audited; services
wrap their writes in ``acting_as`` so an entry names its author even when no
request is involved (management commands, demo data).
"""

from auditlog.context import set_actor
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet


def register_models():
    from .models import RoleGrant, User

    auditlog.register(User, exclude_fields=["password", "last_login"])
    auditlog.register(RoleGrant)


def acting_as(user):
    """Attribute every audited change inside the block to ``user``."""
    return set_actor(user)


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
    if set(changes) == {"is_active"}:
        active = changes["is_active"][1] in {"True", True}
        return [_("Account reactivated") if active else _("Account deactivated")]
    return [
        f"{field}: {old or '—'} → {new or '—'}"
        for field, (old, new) in entry.changes_display_dict.items()
    ]
