"""Badges and labels for the register's templates."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..choices import ConsentState, Purpose, Situation, Status
from ..consent import states_of

register = template.Library()

STATUS_STYLES = {
    Status.ACTIVE: "text-bg-success",
    Status.INACTIVE: "text-bg-secondary",
    Status.CLOSED: "text-bg-dark",
}
CONSENT_STYLES = {
    ConsentState.ACTIVE: "text-bg-success",
    ConsentState.EXPIRING_SOON: "text-bg-warning",
    ConsentState.EXPIRED: "text-bg-secondary",
    ConsentState.REFUSED: "text-bg-dark",
    ConsentState.WITHDRAWN: "text-bg-danger",
    ConsentState.NOT_ASKED: "text-bg-light border",
}


# Badges are simple tags, not inclusion tags: a list of people shows five on
# each of its rows, and a template rendered per badge cost more than the rest
# of the row (a third of the register's page).


def _badge(label, style, prefix=None):
    if prefix:
        return format_html('<span class="badge {}">{}: {}</span>', style, prefix, label)
    return format_html('<span class="badge {}">{}</span>', style, label)


@register.simple_tag
def status_badge(value):
    status = Status(value)
    return _badge(status.label, STATUS_STYLES[status])


@register.simple_tag
def consent_badge(state, purpose=None):
    state = ConsentState(state)
    return _badge(state.label, CONSENT_STYLES[state], purpose)


@register.filter
def situation_label(value):
    return Situation(value).label if value else ""


SHORT_PURPOSES = {
    Purpose.PEER_SUPPORT: _("Support"),
    Purpose.CARE_TEAM_SHARING: _("Sharing"),
    Purpose.RESEARCH: _("Research"),
    Purpose.PARTNER_REFERRAL: _("Referral"),
}


@register.filter
def short_purpose(purpose):
    return SHORT_PURPOSES[Purpose(purpose)]


@register.filter
def consent_states(client):
    """Today's consent state per purpose of a list row (annotated by the selector)."""
    return states_of(client).items()
