"""Template helpers for encounters, notes and notifications."""

from django import template
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
    return notification.get_kind_display()
