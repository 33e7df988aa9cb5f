"""Forms of the partner directory, and how a partner reads in other apps'
pickers. Each field explains what is wrong on itself."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from peersupport.concurrency import VersionedFormMixin
from peersupport.form_tools import ServiceArgumentsMixin, submit_helper
from peersupport.query import FlagField, QueryForm, SearchField
from peersupport.submissions import OnceFormMixin

from .choices import PartnerKind, ServiceStatus
from .models import Partner, PartnerStatus
from .selectors import STALE


class PartnerListQuery(QueryForm):
    """The directory's search, read from the query string."""

    q = SearchField(label=_("Name or address"))
    kind = forms.ChoiceField(choices=PartnerKind.choices, required=False)
    status = forms.ChoiceField(choices=[*ServiceStatus.choices, (STALE, STALE)], required=False)
    inactive = FlagField()


class PartnerForm(VersionedFormMixin, OnceFormMixin, forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "kind", "is_internal", "address", "phone", "hours", "notes", "is_active"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Save"))


# A service status -------------------------------------------------------------

# Each status in a few words, as a worker on the phone with the partner says it.
STATUS_CHOICES = [
    (ServiceStatus.OPEN.value, _("Open: services as usual")),
    (ServiceStatus.REDUCED.value, _("Reduced: fewer places, hours or services than usual")),
    (ServiceStatus.CLOSED.value, _("Closed: not receiving anyone for now")),
    (ServiceStatus.UNKNOWN.value, _("Unknown: we could not find out")),
]


class PartnerStatusForm(ServiceArgumentsMixin, OnceFormMixin, forms.Form):
    """How a partner's services run today. Opened with the current status and
    capacity, so confirming that nothing changed is one tap on the button."""

    service_fields = ("status", "capacity_note")

    status = forms.ChoiceField(
        label=_("Service status"), choices=STATUS_CHOICES, widget=forms.RadioSelect
    )
    capacity_note = forms.CharField(
        label=_("Capacity"),
        required=False,
        max_length=PartnerStatus._meta.get_field("capacity_note").max_length,
        help_text=_(
            "In a few words, for example: half the beds, no new intakes, open until noon. "
            "Everyone who picks this partner on a form reads it."
        ),
    )

    def __init__(self, *args, partner: Partner, **kwargs):
        kwargs.setdefault(
            "initial", {"status": partner.service_status, "capacity_note": partner.capacity_note}
        )
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Save the status"))


# How a partner reads where it is picked ---------------------------------------


def status_age_days(partner: Partner, now: datetime | None = None) -> int | None:
    """Days since the partner's status was last said, counted on the calendar
    (0: today; None: never)."""
    if partner.status_updated_at is None:
        return None
    today = timezone.localdate(now or timezone.now())
    return (today - timezone.localdate(partner.status_updated_at)).days


def not_checked_words(partner: Partner, now: datetime | None = None) -> str:
    """ "Not checked for 20 days", or "Never checked"."""
    days = status_age_days(partner, now)
    if days is None:
        return gettext("Never checked")
    return ngettext("Not checked for %(days)s day", "Not checked for %(days)s days", days) % {
        "days": days
    }


def partner_status_words(partner: Partner, now: datetime | None = None) -> str:
    """What a picker says about a partner's status: nothing for an open partner
    checked recently, else "reduced: half the beds", "closed", "status
    unknown", "status not checked for 20 days", or both."""
    now = now or timezone.now()
    status = partner.service_status
    stale = partner.status_is_stale(now)
    if status == ServiceStatus.OPEN and not stale:
        return ""
    if status == ServiceStatus.REDUCED:
        said = gettext("reduced")
    elif status == ServiceStatus.CLOSED:
        said = gettext("closed")
    elif status == ServiceStatus.UNKNOWN:
        said = gettext("status unknown")
    else:
        said = ""
    if said and partner.capacity_note:
        said = gettext("%(status)s: %(capacity)s") % {
            "status": said,
            "capacity": partner.capacity_note,
        }
    days = status_age_days(partner, now)
    if not stale:
        return said
    if days is None:
        # Never said: "status unknown" says it all.
        return said or gettext("status never checked")
    if not said:
        return ngettext(
            "status not checked for %(days)s day", "status not checked for %(days)s days", days
        ) % {"days": days}
    return ngettext(
        "%(status)s, not checked for %(days)s day",
        "%(status)s, not checked for %(days)s days",
        days,
    ) % {"status": said, "days": days}


def partner_choice_label(partner: Partner, name: str | None = None) -> str:
    """A partner as it reads in a picker: its name (or ``name``), then its
    status when that matters: "Mission Bon Accueil — reduced: half the beds".
    Reads only the partner's own columns: no query per choice."""
    name = name if name is not None else partner.name
    words = partner_status_words(partner)
    if not words:
        return name
    return gettext("%(name)s — %(status)s") % {"name": name, "status": words}


class PartnerChoiceField(forms.ModelChoiceField):
    """A partner picker whose choices say when a partner is not open as usual,
    or was not checked lately. The forms of the apps above use it."""

    def label_from_instance(self, obj: Partner) -> str:
        return partner_choice_label(obj)
