"""A partner's service status as a badge: the word, a colour that only
repeats it, and "not checked for 20 days" when it is stale."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from partners.choices import ServiceStatus
from partners.forms import not_checked_words, status_age_days
from partners.models import Partner

register = template.Library()

BADGE_CLASS: dict[str, str] = {
    ServiceStatus.OPEN: "text-bg-success",
    ServiceStatus.REDUCED: "text-bg-warning",
    ServiceStatus.CLOSED: "text-bg-danger",
    ServiceStatus.UNKNOWN: "text-bg-secondary",
}


@register.inclusion_tag("partners/includes/status_badge.html")
def partner_status_badge(partner: Partner) -> dict:
    now = timezone.now()
    stale = partner.status_is_stale(now)
    return {
        "status": partner.get_service_status_display(),
        "badge_class": BADGE_CLASS.get(partner.service_status, "text-bg-secondary"),
        "capacity": partner.capacity_note,
        "stale": stale,
        "not_checked": not_checked_words(partner, now) if stale else "",
    }


@register.simple_tag
def partner_status_updated(partner: Partner) -> str:
    """The sentence "Updated 3 days ago by Name.", in words."""
    days = status_age_days(partner)
    if days is None:
        return gettext("Nobody has said yet how its services run.")
    if partner.status_updated_by is None:  # only ever both, through the service
        return ""
    name = str(partner.status_updated_by)
    if days == 0:
        return gettext("Updated today by %(name)s.") % {"name": name}
    return ngettext(
        "Updated %(days)s day ago by %(name)s.", "Updated %(days)s days ago by %(name)s.", days
    ) % {"days": days, "name": name}
