"""Reads of the audit trail screen. They start from ``audit_entry_policy``,
and name people only through the register's own policy."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from clients.access import client_policy
from clients.models import Client
from peersupport.audit import audit_entry_policy
from peersupport.dates import start_of
from peersupport.models import User

from .access import sign_in_event_policy
from .forms import AuditFilterForm
from .models import SignInEvent


def entries_about_person(client_id: int) -> Q:
    """Audit entries concerning one person: their record, or anything that
    names them (notes, consents, encounters... through ``client_id``)."""
    client_type = ContentType.objects.get_for_model(Client)
    return Q(content_type=client_type, object_pk=str(client_id)) | Q(
        additional_data__client_id=client_id
    )


def trail_entries(*, viewer: Any, filters: dict[str, Any]) -> QuerySet[LogEntry]:
    """The entries ``viewer`` may read that match the search, newest first.
    ``filters`` are ``AuditFilterForm.values()``."""
    entries = (
        audit_entry_policy.visible_to(viewer)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )
    if filters.get("user"):
        entries = entries.filter(actor__username__iexact=filters["user"].strip())
    if filters.get("person"):
        entries = entries.filter(entries_about_person(filters["person"]))
    if filters.get("action"):
        entries = entries.filter(action=AuditFilterForm.ACTIONS[filters["action"]])
    if filters.get("since"):
        entries = entries.filter(timestamp__gte=start_of(filters["since"]))
    if filters.get("until"):
        entries = entries.filter(timestamp__lt=start_of(filters["until"] + timedelta(days=1)))
    return entries


def person_of(entry: LogEntry) -> int | None:
    """The number of the person an entry is about, if any."""
    if entry.content_type.app_label == "clients" and entry.content_type.model == "client":
        return int(entry.object_pk)
    return (entry.additional_data or {}).get("client_id")


def names_of_people(*, viewer: Any, ids: set[int]) -> dict[int, str]:
    """The names of the people ``viewer`` may see among ``ids``; the others
    stay numbers."""
    if not ids:
        return {}
    return dict(
        client_policy.visible_to(viewer).filter(pk__in=ids).values_list("pk", "display_name")
    )


# The record of sign-ins -------------------------------------------------------


def account_named(username: str) -> User | None:
    """The account whose username is exactly ``username`` (as sign-in matches it)."""
    if not username:
        return None
    return User.objects.filter(username=username).first()


def sign_in_events(*, viewer: Any, filters: dict[str, Any]) -> QuerySet[SignInEvent]:
    """The sign-in events ``viewer`` may read that match the search, newest
    first. ``filters`` are ``SignInFilterForm.values()``."""
    events = sign_in_event_policy.visible_to(viewer).select_related("user", "actor")
    if filters.get("user"):
        typed = filters["user"].strip()
        events = events.filter(Q(username__icontains=typed) | Q(user__username__icontains=typed))
    if filters.get("address"):
        events = events.filter(address__startswith=filters["address"])
    if filters.get("kind"):
        events = events.filter(kind=filters["kind"])
    if filters.get("since"):
        events = events.filter(at__gte=start_of(filters["since"]))
    if filters.get("until"):
        events = events.filter(at__lt=start_of(filters["until"] + timedelta(days=1)))
    return events.order_by("-at", "-pk")


def own_sign_ins(*, viewer: Any, account: Any, limit: int) -> dict[str, Any]:
    """``account``'s last ``limit`` sign-in events, as ``viewer`` may see them,
    with the failures since their previous sign-in: the newest success is the
    session they are in, so the one before it is where "since" starts."""
    events = sign_in_event_policy.visible_to(viewer).filter(user=account)
    sign_ins = list(
        events.filter(kind=SignInEvent.Kind.SIGNED_IN)
        .order_by("-at", "-pk")
        .values_list("at", flat=True)[:2]
    )
    previous = sign_ins[1] if len(sign_ins) > 1 else None
    failures = events.filter(kind__in=SignInEvent.FAILURES)
    if previous is not None:
        failures = failures.filter(at__gt=previous)
    return {
        "events": list(events.order_by("-at", "-pk")[:limit]),
        "previous_sign_in": previous,
        "failures_since": failures.count(),
    }
