"""Forms of work that is not an encounter and of debriefings held. The kind
is chosen first; the form then asks only what that kind needs."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from partners.selectors import partners_to_pick
from peersupport.concurrency import VersionedFormMixin
from peersupport.form_tools import DateInput, submit_helper
from peersupport.query import QueryForm, RecordIdField
from peersupport.submissions import OnceFormMixin

from .access import backing_policy, supervisor_of, work_activity_policy
from .choices import PRIVATE_KINDS, WorkKind
from .models import WorkActivity
from .work_services import MOST_MINUTES


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


def _staff(queryset):
    return queryset.order_by("first_name", "last_name", "username")


PRIVATE_NOTE_HELP = _(
    "Only the peer and who led it read this note: no coordinator, no researcher, "
    "no safety exception. Once saved it is never rewritten; you may add to it later."
)
SHARED_NOTE_HELP = _(
    "Whoever was there reads it. Never name or describe a person served. Once saved "
    "it is never rewritten; you may add to it later."
)


class WorkForm(VersionedFormMixin, OnceFormMixin, forms.Form):
    """When, how long, who was there and a short note, for one kind of work.
    Editing (``activity``) adds to the note instead of rewriting it, and keeps
    the kind and, for a supervision or a debriefing, its two people."""

    occurred_on = forms.DateField(label=_("Date"), widget=DateInput())
    duration_minutes = forms.IntegerField(
        label=_("How long (minutes)"), min_value=1, max_value=MOST_MINUTES
    )
    peer = StaffChoiceField(label=_("Peer"), queryset=None)
    led_by = StaffChoiceField(label=_("Led by"), queryset=None)
    attendees = StaffMultipleChoiceField(
        label=_("Who else was there"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("You are counted among them."),
    )
    partner = forms.ModelChoiceField(label=_("Partner site"), queryset=None)
    contacts_count = forms.IntegerField(
        label=_("People met there"),
        min_value=0,
        max_value=999,
        help_text=_("How many people you met on the round; 0 if nobody."),
    )
    note = forms.CharField(
        label=_("Short note"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    add_to_note = forms.CharField(
        label=_("Add to the note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Added below what the note says, with today’s date."),
    )

    def __init__(self, *args, user, kind: str, activity: WorkActivity | None = None, **kwargs):
        super().__init__(*args, row=activity, **kwargs)
        self.kind = kind
        self.activity = activity
        private = kind in PRIVATE_KINDS
        staff = work_activity_policy.users_who_can(work_activity_policy.Action.ATTEND)
        if private and activity is None:
            self.fields["peer"].queryset = _staff(
                backing_policy.users_who_can(backing_policy.Action.BE_BACKED)
            )
            self.fields["led_by"].queryset = _staff(staff)
            self.fields["peer"].help_text = _("You are the peer, or you led it.")
            if backing_policy.can(user, backing_policy.Action.BE_BACKED):
                self.initial.setdefault("peer", user.pk)
                supervisor = supervisor_of(user)
                if supervisor is not None:
                    self.initial.setdefault("led_by", supervisor.pk)
            else:
                self.initial.setdefault("led_by", user.pk)
        else:
            del self.fields["peer"], self.fields["led_by"]
        if private:
            del self.fields["attendees"]
        else:
            self.fields["attendees"].queryset = _staff(staff.exclude(pk=user.pk))
        if kind == WorkKind.OUTREACH:
            partners = partners_to_pick(user)
            if activity is not None and activity.partner_id:
                partners = partners | type(activity.partner).objects.filter(pk=activity.partner_id)
            self.fields["partner"].queryset = partners.order_by("name")
        else:
            del self.fields["partner"], self.fields["contacts_count"]
        if activity is None:
            del self.fields["add_to_note"]
            self.fields["note"].help_text = PRIVATE_NOTE_HELP if private else SHARED_NOTE_HELP
        else:
            del self.fields["note"]
            # Editing: the token is for creating only.
            self.fields.pop("submission_token", None)
        today = timezone.localdate()
        self.fields["occurred_on"].widget.attrs["max"] = today.isoformat()
        self.initial.setdefault("occurred_on", today)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = ["occurred_on", "duration_minutes"] + [
            name
            for name in ("peer", "led_by", "attendees", "partner", "contacts_count")
            if name in self.fields
        ]
        names.append("note" if self.activity is None else "add_to_note")
        return {name: data[name] for name in names}


class HoldForm(forms.Form):
    """A debriefing held: one the supervisor logged already, or logged now."""

    activity = forms.ModelChoiceField(
        label=_("Already logged"),
        queryset=None,
        required=False,
        empty_label=_("No: log it now"),
        help_text=_("A debriefing you logged with this peer, if you did."),
    )
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput(), required=False)
    duration_minutes = forms.IntegerField(
        label=_("How long (minutes)"), min_value=1, max_value=MOST_MINUTES, required=False
    )
    note = forms.CharField(
        label=_("Short note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=PRIVATE_NOTE_HELP,
    )

    def __init__(self, *args, to_link, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = to_link
        self.fields["activity"].label_from_instance = lambda activity: (
            _("%(kind)s of %(date)s, %(minutes)d minutes")
            % {
                "kind": activity.get_kind_display(),
                "date": date_format(activity.occurred_on),
                "minutes": activity.duration_minutes,
            }
        )
        if not to_link.exists():
            del self.fields["activity"]
        self.initial.setdefault("occurred_on", timezone.localdate())
        self.fields["occurred_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.helper = submit_helper(_("The debriefing was held"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("activity") is None and not self.errors:
            if cleaned.get("duration_minutes") is None:
                self.add_error("duration_minutes", _("Write how long it lasted."))
            if cleaned.get("occurred_on") is None:
                self.add_error("occurred_on", _("Choose the day it was held."))
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        if data.get("activity") is not None:
            return {"activity": data["activity"]}
        return {
            "occurred_on": data["occurred_on"],
            "duration_minutes": data["duration_minutes"],
            "note": data["note"],
        }


class WorkQuery(QueryForm):
    """The kind of work a list shows or a new activity is, and the peer
    whose time a coordinator counts."""

    kind = forms.ChoiceField(choices=WorkKind.choices, required=False)
    peer = RecordIdField()


class DebriefingAskQuery(QueryForm):
    """The encounter a debriefing is asked about, if any."""

    encounter = RecordIdField()
