"""Forms of encounters, notes and the safety exception."""

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from clients.choices import grouped_situation_choices
from clients.models import Client
from partners.forms import PartnerChoiceField
from partners.selectors import partners_to_pick
from peersupport.concurrency import VersionedFormMixin
from peersupport.form_tools import ServiceArgumentsMixin
from peersupport.query import DayField, QueryForm, RecordIdField, SearchField
from peersupport.submissions import OnceFormMixin

from .access import encounter_policy, note_policy
from .choices import Audience, EmergencyReason, ReviewStatus, Setting
from .models import Activity, Encounter, Note, earliest_encounter_time, latest_encounter_time
from .services import participants_error


class ActivityChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class EncounterForm(OnceFormMixin, forms.Form):
    """A contact in at most three required inputs: who, where, what was done.

    The encounter's own rules are the model's (``Encounter.clean``): the form
    runs them with its own checks, so every error shows at once on its field.
    """

    # The encounter's fields, passed to ``Encounter`` and to the service as they are.
    ENCOUNTER_FIELDS = (
        "client",
        "anonymous_count",
        "anonymous_description",
        "occurred_at",
        "duration_minutes",
        "setting",
        "partner",
        "situation",
        "next_steps",
    )

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
    # Says when a partner is reduced, closed or not checked lately.
    partner = PartnerChoiceField(
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
        error_messages={
            "invalid_choice": _(
                "Only members of the person’s care team can be named, or at an anonymous "
                "contact your colleagues on your care teams."
            )
        },
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
        self.fields["client"].queryset = encounter_policy.clients_for_new(user).order_by(
            "search_text"
        )
        self.fields["partner"].queryset = partners_to_pick(user)
        self.fields["activities"].queryset = Activity.objects.filter(is_active=True)
        # The person's care team when the page knows the person; else (an
        # anonymous contact, or the person not chosen yet) the author's
        # colleagues on their own care teams, among whom any person's team is.
        person = None if self.is_bound else self.initial.get("client")
        self.offer_participants(person if isinstance(person, Client) else None)
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

    def offer_participants(self, client: Client | None) -> None:
        """Offer, among who else took part, those the policy lets be named at
        an encounter of ``self.user`` with ``client`` (None: anonymous)."""
        taking_part = Encounter(client=client, author=self.user)
        self.fields["participants"].queryset = (
            encounter_policy.users_who_can(encounter_policy.Action.TAKE_PART, taking_part)
            .exclude(pk=self.user.pk)
            .order_by("first_name", "last_name", "username")
        )

    def clean(self):
        cleaned = super().clean()
        client, participants = cleaned.get("client"), cleaned.get("participants")
        if client is not None and participants:
            # The colleagues offered before the person was chosen: only this
            # person's team may be named (the service checks it again).
            error = participants_error(Encounter(client=client, author=self.user), participants)
            if error:
                self.add_error("participants", error)
                self.offer_participants(client)
        # The model's rules (a person or anonymous people, when it may have
        # happened, a partner with its settings...), shown with the form's own
        # errors on their fields. The service runs them again before saving.
        values = {name: cleaned.get(name) for name in self.ENCOUNTER_FIELDS}
        values = {name: value for name, value in values.items() if value is not None}
        try:
            Encounter(**values).clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field not in self.errors:
                    self.add_error(field if field in self.fields else None, messages)
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        """What ``services.encounter_log`` takes, as the form cleaned it."""
        data = self.cleaned_data
        return {
            **{name: data[name] for name in self.ENCOUNTER_FIELDS},
            "activities": data["activities"],
            "participants": data["participants"],
            "note_body": data["note"],
            "note_audience": data["note_audience"] or None,
        }


class TeammateCheckboxes(forms.CheckboxSelectMultiple):
    """Teammates to let know of a note. Each box names, in ``data-audiences``,
    the audiences that let that teammate read the note: the page greys out
    those the chosen audience does not reach (static/js/app.js); without
    JavaScript, signing says who cannot read it, on the field. ``readers``
    gives them, asked only when the boxes are drawn."""

    readers: Any = None

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if self.readers is not None:
            pk = getattr(value, "value", value)
            option["attrs"]["data-audiences"] = " ".join(self.readers().get(pk, []))
        return option


class NoteForm(VersionedFormMixin, forms.Form):
    """A note's text, audience and the teammates to let know. ``refused``: why
    the audience a link asked for (an answer shared with the care team, say) is
    not the one offered, shown on the field when the form opens. With
    ``author`` and ``client``, it offers the care team's members to let know
    (the policy's ``teammates_to_mention``)."""

    body = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "autocomplete": "off"}),
    )
    audience = forms.ChoiceField(label=_("Who may read it"), widget=forms.RadioSelect)
    mentions = forms.ModelMultipleChoiceField(
        label=_("Let these teammates know"),
        queryset=None,
        required=False,
        widget=TeammateCheckboxes,
        help_text=_(
            "They get a notification when you sign, naming the record number only. "
            "Only teammates who may read the note can be told."
        ),
    )
    # A draft's version is its text and audience: an autosave reads no teammates.
    version_fields = ("body", "audience")

    def __init__(self, *args, audiences, author=None, client=None, refused=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = [(a.value, a.label) for a in audiences]
        self.refused = refused
        if author is None or client is None:
            del self.fields["mentions"]
            return
        field = self.fields["mentions"]
        # Nothing is asked until the form is checked or drawn: an autosave pays
        # for the teammates only when some are chosen.
        field.queryset = note_policy.teammates_to_mention(author, client, audiences).order_by(
            "first_name", "last_name", "username"
        )
        readers: dict[int, list[str]] = {}

        def readers_by_teammate() -> dict[int, list[str]]:
            if not readers:
                for audience in audiences:
                    note = Note(client=client, audience=audience)
                    for pk in note_policy.users_who_can(note_policy.Action.VIEW, note).values_list(
                        "pk", flat=True
                    ):
                        readers.setdefault(pk, []).append(audience.value)
            return readers

        field.widget.readers = readers_by_teammate

    @cached_property
    def offers_mentions(self) -> bool:
        """Whether the person's care team has anyone to let know (asked when drawn)."""
        return "mentions" in self.fields and self.fields["mentions"].queryset.exists()

    def full_clean(self):
        super().full_clean()
        if not self.is_bound and self.refused:
            self._errors["audience"] = self.error_class([self.refused])

    def service_arguments(self) -> dict[str, Any]:
        """What ``note_start`` and ``note_save_draft`` take, as the form cleaned it."""
        names = [name for name in ("body", "audience", "mentions") if name in self.fields]
        return {name: self.cleaned_data[name] for name in names}


class AddendumForm(ServiceArgumentsMixin, OnceFormMixin, forms.Form):
    service_fields = ("body",)
    body = forms.CharField(
        label=_("Correction or addition"), widget=forms.Textarea(attrs={"rows": 3})
    )


class AudienceForm(forms.Form):
    audience = forms.ChoiceField(label=_("Who may read it"), widget=forms.RadioSelect)

    def __init__(self, *args, audiences, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = [(a.value, a.label) for a in audiences]


class EmergencyAccessForm(ServiceArgumentsMixin, OnceFormMixin, forms.Form):
    service_fields = ("reason", "justification", "password")
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

    def __init__(self, *args, asks_second_factor: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if asks_second_factor:
            # With the password, not instead of it: the code proves the phone is
            # in hand now, whoever may have seen the password or found the
            # session open. The view checks it (peersupport.second_factor).
            self.fields["code"] = forms.CharField(
                label=_("Code from your authenticator app"),
                help_text=_("Or one of your recovery codes."),
                max_length=20,
                # No numeric keypad: a recovery code has letters.
                widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
            )
        self.helper = FormHelper()
        self.helper.add_input(
            Submit("submit", _("Open the notes"), css_class="btn-danger btn-lg w-100 w-sm-auto")
        )


class ReviewForm(ServiceArgumentsMixin, forms.Form):
    service_fields = ("status", "comment")
    status = forms.ChoiceField(
        label=_("Review"),
        choices=[(s.value, s.label) for s in (ReviewStatus.REVIEWED, ReviewStatus.FLAGGED)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DisclosureForm(ServiceArgumentsMixin, OnceFormMixin, forms.Form):
    service_fields = ("what", "to_whom", "purpose")
    what = forms.CharField(label=_("What was disclosed"), widget=forms.Textarea(attrs={"rows": 2}))
    to_whom = forms.CharField(label=_("To whom"), max_length=200)
    purpose = forms.CharField(
        label=_("Why it was disclosed"), widget=forms.Textarea(attrs={"rows": 2})
    )


class PeerRequestForm(ServiceArgumentsMixin, OnceFormMixin, forms.Form):
    service_fields = ("reason",)
    reason = forms.CharField(
        label=_("What the person could use a peer for"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Request a peer"), css_class="btn-lg"))


class SharedFeedQuery(QueryForm):
    """The shared feed's filters: a person, and the days between two dates."""

    client = RecordIdField()
    since = DayField(label=_("From"))
    until = DayField(label=_("To"))


class EncounterNewQuery(QueryForm):
    """The person a new encounter is with, when a page already knows."""

    client = RecordIdField()


class NoteNewQuery(QueryForm):
    """What a link to write a note may say: the draft to go on with, the note
    answered, the audience wished for."""

    draft = RecordIdField()
    answer = RecordIdField()
    # Any text: an audience the viewer may not choose is explained on the form.
    audience = SearchField(max_length=40)


class EmergencyQueueQuery(QueryForm):
    status = forms.ChoiceField(choices=ReviewStatus.choices, required=False)
