"""Forms of support groups and their sessions. Every choice they offer comes
from a policy: facilitators among those who may run groups, people among the
viewer's own open files, partners among the active ones."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.access import partner_policy
from partners.selectors import partners_to_pick
from peersupport.concurrency import VersionedFormMixin
from peersupport.form_tools import DateInput
from peersupport.submissions import OnceFormMixin

from .access import group_attendance_policy, support_group_policy
from .choices import Recurrence, SessionNoteAudience
from .models import GroupSession, SupportGroup
from .services import MOST_DAYS_AHEAD, MOST_DAYS_PAST, held_on_error


class TimeInput(forms.TimeInput):
    """The browser's own time picker."""

    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class FacilitatorsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


class GroupForm(VersionedFormMixin, OnceFormMixin, forms.Form):
    """A group's name, place, rhythm and facilitators. Editing it also says
    whether it still meets (retiring keeps its sessions)."""

    name = forms.CharField(label=_("Name of the group"), max_length=120)
    description = forms.CharField(
        label=_("What the group is for"),
        max_length=300,
        required=False,
        help_text=_("Shown to every worker: never a person’s name."),
    )
    recurrence = forms.ChoiceField(label=_("How often"), choices=Recurrence.choices)
    schedule = forms.CharField(
        label=_("When"),
        max_length=120,
        required=False,
        help_text=_("In words, for example: Tuesdays from 2 to 4 pm."),
    )
    place_partner = forms.ModelChoiceField(
        label=_("Place: a partner"), queryset=None, required=False
    )
    place_text = forms.CharField(label=_("Or the place in words"), max_length=200, required=False)
    facilitators = FacilitatorsField(
        label=_("Facilitators"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They record its sessions and read the notes written for them."),
    )
    is_active = forms.BooleanField(
        label=_("The group still meets"),
        required=False,
        help_text=_("Untick to retire the group: its sessions stay, no new one is recorded."),
    )

    def __init__(self, *args, user, group: SupportGroup | None = None, **kwargs):
        super().__init__(*args, row=group, **kwargs)
        self.user = user
        partners = partners_to_pick(user)
        if group is not None and group.place_partner_id:
            # A partner closed since keeps showing on the group it was chosen for.
            partners = partners | partner_policy.visible_to(user).filter(pk=group.place_partner_id)
        self.fields["place_partner"].queryset = partners.order_by("name")
        facilitators = support_group_policy.users_who_can(support_group_policy.Action.FACILITATE)
        self.fields["facilitators"].queryset = facilitators.order_by(
            "first_name", "last_name", "username"
        )
        if group is None:
            del self.fields["is_active"]
            self.initial.setdefault("facilitators", [user.pk])
        else:
            self.fields.pop("submission_token", None)
        self.helper = _helper()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("place_partner") and (cleaned.get("place_text") or "").strip():
            self.add_error("place_text", _("Choose a partner or write the place, not both."))
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        names = ["name", "description", "recurrence", "schedule", "place_partner", "place_text"]
        names += ["facilitators"] + (["is_active"] if "is_active" in self.fields else [])
        return {name: self.cleaned_data[name] for name in names}


NOTE_RULE = _(
    "Once saved, the note is never rewritten: you and the other facilitators who "
    "may read it can only add to it, after what it says."
)


class SessionForm(VersionedFormMixin, OnceFormMixin, forms.Form):
    """A session: when, on what, the viewer's people who came (ticked), how
    many others came, and the note. A new note is written with its audience;
    a written one is only added to."""

    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    starts_at = forms.TimeField(label=_("At"), required=False, widget=TimeInput())
    duration_minutes = forms.IntegerField(
        label=_("How long (minutes)"), required=False, min_value=5, max_value=24 * 60
    )
    topic = forms.CharField(
        label=_("Topic"),
        max_length=200,
        required=False,
        help_text=_("Shown to every worker and on the timeline of each person who came."),
    )
    attendees = PeopleField(
        label=_("People who came, among yours"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "People with an open file on your care teams. Others who came are counted below."
        ),
    )
    anonymous_count = forms.IntegerField(
        label=_("How many others came"),
        min_value=0,
        max_value=500,
        initial=0,
        help_text=_("People whose names are not recorded here."),
    )
    note = forms.CharField(
        label=_("Note on the session"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=NOTE_RULE,
    )
    note_audience = forms.ChoiceField(
        label=_("Who may read the note"),
        choices=SessionNoteAudience.choices,
        initial=SessionNoteAudience.PEERS,
        widget=forms.RadioSelect,
    )
    note_addition = forms.CharField(
        label=_("Add to the note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Put after the note with your name and today’s date. What the note "
            "says already cannot be changed."
        ),
    )

    def __init__(
        self,
        *args,
        user,
        session: GroupSession | None = None,
        can_read_note: bool = False,
        **kwargs,
    ):
        super().__init__(*args, row=session, **kwargs)
        self.user = user
        self.session = session
        self.fields["attendees"].queryset = group_attendance_policy.clients_for_record(
            user
        ).order_by("display_name", "pk")
        note_written = session is not None and bool((session.note or "").strip())
        if note_written:
            del self.fields["note"], self.fields["note_audience"]
            if not can_read_note:
                del self.fields["note_addition"]
        else:
            del self.fields["note_addition"]
        if session is not None:
            self.fields.pop("submission_token", None)
        today = timezone.localdate()
        self.fields["held_on"].widget.attrs.update(
            min=(today - timedelta(days=MOST_DAYS_PAST)).isoformat(),
            max=(today + timedelta(days=MOST_DAYS_AHEAD)).isoformat(),
        )
        self.helper = _helper()

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on != self.initial.get("held_on") and (error := held_on_error(held_on)):
            raise forms.ValidationError(error)
        return held_on

    def service_arguments(self) -> dict[str, Any]:
        """For ``session_record``; ``update_arguments`` for ``session_update``."""
        data = self.cleaned_data
        names = ["held_on", "starts_at", "duration_minutes", "topic", "anonymous_count"]
        arguments = {name: data[name] for name in names}
        arguments["attendees"] = list(data["attendees"])
        if "note" in self.fields:
            arguments["note"] = data["note"]
            arguments["note_audience"] = data["note_audience"]
        return arguments

    def update_arguments(self, current_ids: set[int]) -> dict[str, Any]:
        """Ticked people who were not on the list are added; people offered
        here who were on it and are no longer ticked are taken off. People
        the viewer is not offered are left as they are."""
        arguments = self.service_arguments()
        ticked = arguments.pop("attendees")
        ticked_ids = {client.pk for client in ticked}
        offered = self.fields["attendees"].queryset
        arguments["add_attendees"] = [c for c in ticked if c.pk not in current_ids]
        arguments["remove_attendees"] = [
            c for c in offered.filter(pk__in=current_ids) if c.pk not in ticked_ids
        ]
        if "note_addition" in self.fields:
            arguments["note_addition"] = self.cleaned_data["note_addition"]
        return arguments
