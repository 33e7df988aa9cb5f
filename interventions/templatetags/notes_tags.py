"""Template helpers for encounters, notes and notifications."""

from django import template
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..choices import NotificationKind

register = template.Library()


@register.filter
def notification_text(notification):
    """A notification's message, in the reader's language."""
    params = notification.params
    if notification.kind == NotificationKind.EMERGENCY_ACCESS:
        return _("%(user)s used the safety exception to open the notes of record %(client)s.") % {
            "user": params.get("user"),
            "client": params.get("client_id"),
        }
    if notification.kind == NotificationKind.PEER_REQUESTED:
        return _("%(user)s asked for a peer for record %(client)s.") % {
            "user": params.get("user"),
            "client": params.get("client_id"),
        }
    if notification.kind == NotificationKind.MENTIONED:
        return _("%(user)s mentioned you in a note about record %(client)s.") % {
            "user": params.get("user"),
            "client": params.get("client_id"),
        }
    if notification.kind == NotificationKind.FOLLOW_UP_ASSIGNED:
        due_on = parse_date(params.get("due_on") or "")
        return _("%(user)s gave you a follow-up about record %(client)s, due %(date)s.") % {
            "user": params.get("user"),
            "client": params.get("client_id"),
            "date": date_format(due_on) if due_on else "—",
        }
    if notification.kind == NotificationKind.DEBRIEFING_REQUESTED:
        # A request's number, never who asked nor who the encounter was with.
        return _("Debriefing asked for: request #%(number)s") % {
            "number": params.get("request_id"),
        }
    return notification.get_kind_display()
