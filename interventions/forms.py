"""Forms of encounters, notes and the safety exception."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.choices import grouped_situation_choices
from partners.selectors import partners_to_pick
from peersupport.models import User
from peersupport.roles import Role
from peersupport.submissions import OnceFormMixin

from . import access
from .choices import Audience, EmergencyReason, ReviewStatus, Setting
from .models import Activity, earliest_encounter_time, latest_encounter_time


class ActivityChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class EncounterForm(OnceFormMixin, forms.Form):
    """A contact in at most three required inputs: who, where, what was done."""

    client = forms.ModelChoiceField(
        label=_("Person met"),
        queryset=None,
        required=False,
        empty_label=_("— anonymous contact —"),
    )
    anonymous_count = forms.IntegerField(
        label=_("Number of people (anonymous contact)"),
        required=False,
        min_value=1,
        max_value=500,
    )
    anonymous_description = forms.CharField(
        label=_("Short description, without names"), required=False, max_length=200
    )
    setting = forms.ChoiceField(label=_("Where"), choices=Setting.choices, widget=forms.RadioSelect)
    partner = forms.ModelChoiceField(
        label=_("Partner organisation"),
        queryset=None,
        required=False,
        help_text=_("For a shelter or a community partner."),
    )
    activities = ActivityChoiceField(
        label=_("What was done"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    occurred_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration_minutes = forms.IntegerField(
        label=_("How long (minutes)"), required=False, min_value=1, max_value=24 * 60
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Who else took part"),
        queryset=None,
        required=False,
        help_text=_("Co-intervening clinicians or staff."),
    )
    situation = forms.ChoiceField(
        label=_("Living situation at the contact"),
        required=False,
        choices=[("", _("Unchanged / not asked")), *grouped_situation_choices()],
    )
    next_steps = forms.CharField(
        label=_("Next steps"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. Kept as a draft until you sign it."),
    )
    note_audience = forms.ChoiceField(
        label=_("Who may read the note"),
        required=False,
        choices=Audience.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["client"].queryset = access.clients_for_new_encounter(user).order_by(
            "search_text"
        )
        self.fields["partner"].queryset = partners_to_pick(user)
        self.fields["activities"].queryset = Activity.objects.filter(is_active=True)
        self.fields["participants"].queryset = (
            User.objects.filter(is_active=True, role_grants__role__in=[Role.PEER, Role.CLINICIAN])
            .exclude(pk=user.pk)
            .distinct()
            .order_by("first_name", "last_name", "username")
        )
        self.initial.setdefault(
            "occurred_at", timezone.localtime().replace(second=0, microsecond=0)
        )
        # The browser's picker offers only the allowed range; the model decides.
        self.fields["occurred_at"].widget.attrs.update(
            min=timezone.localtime(earliest_encounter_time()).strftime("%Y-%m-%dT%H:%M"),
            max=timezone.localtime(latest_encounter_time()).strftime("%Y-%m-%dT%H:%M"),
        )
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        client, count = cleaned.get("client"), cleaned.get("anonymous_count")
        if client is None and not count:
            self.add_error(
                "client", _("Choose the person met, or give a number of anonymous people.")
            )
        if client is not None and count:
            self.add_error("anonymous_count", _("Leave this empty when you chose a person."))
        if client is None and cleaned.get("situation"):
            self.add_error(
                "situation", _("A living situation is recorded for a registered person only.")
            )
        if cleaned.get("note", "").strip() and client is None:
            self.add_error("note", _("Notes are about a registered person."))
        # When an encounter may have happened is the model's rule (Encounter.clean),
        # reached through the service: not repeated here.
        return cleaned


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "autocomplete": "off"}),
    )
    audience = forms.ChoiceField(label=_("Who may read it"), widget=forms.RadioSelect)

    def __init__(self, *args, audiences, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = [(a.value, a.label) for a in audiences]


class AddendumForm(OnceFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Correction or addition"), widget=forms.Textarea(attrs={"rows": 3})
    )


class AudienceForm(forms.Form):
    audience = forms.ChoiceField(label=_("Who may read it"), widget=forms.RadioSelect)

    def __init__(self, *args, audiences, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = [(a.value, a.label) for a in audiences]


class EmergencyAccessForm(OnceFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label=_("Whose safety is at stake"),
        choices=EmergencyReason.choices,
        widget=forms.RadioSelect,
    )
    justification = forms.CharField(
        label=_("What is happening, and why the notes are needed"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    password = forms.CharField(
        label=_("Your password, to confirm it is you"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(
            Submit("submit", _("Open the notes"), css_class="btn-danger btn-lg w-100 w-sm-auto")
        )


class ReviewForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Review"),
        choices=[(s.value, s.label) for s in (ReviewStatus.REVIEWED, ReviewStatus.FLAGGED)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DisclosureForm(OnceFormMixin, forms.Form):
    what = forms.CharField(label=_("What was disclosed"), widget=forms.Textarea(attrs={"rows": 2}))
    to_whom = forms.CharField(label=_("To whom"), max_length=200)
    purpose = forms.CharField(
        label=_("Why it was disclosed"), widget=forms.Textarea(attrs={"rows": 2})
    )


class PeerRequestForm(OnceFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("What the person could use a peer for"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Request a peer"), css_class="btn-lg"))
