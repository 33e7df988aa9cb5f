"""Forms of follow-ups, accompaniments and their kinds."""

from datetime import timedelta
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interventions.forms import EncounterForm
from interventions.models import Activity
from partners.forms import PartnerChoiceField
from partners.selectors import partners_to_pick
from peersupport.concurrency import VersionedFormMixin
from peersupport.form_tools import DateInput, submit_helper
from peersupport.query import QueryForm, RecordIdField
from peersupport.submissions import OnceFormMixin

from . import selectors
from .access import follow_up_policy
from .choices import FollowUpStatus
from .models import AccompanimentKind, FollowUp
from .services import MOST_DAYS_AHEAD, MOST_DAYS_PAST, due_date_error


class TimeInput(forms.TimeInput):
    """The browser's own time picker."""

    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class KindChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class FollowUpForm(VersionedFormMixin, OnceFormMixin, forms.Form):
    """What was promised, when, and who is in charge; for an accompaniment,
    also its kind and place. The person is fixed when the form is opened from
    their page or an encounter, else chosen among the viewer's open files."""

    client = PersonChoiceField(label=_("About"), queryset=None)
    what = forms.CharField(
        label=_("What was promised"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the person’s care team reads it."),
    )
    kind = KindChoiceField(label=_("Kind of accompaniment"), queryset=None)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())
    due_time = forms.TimeField(label=_("At"), required=False, widget=TimeInput())
    duration_minutes = forms.IntegerField(
        label=_("How long (minutes)"), required=False, min_value=5, max_value=24 * 60
    )
    place_partner = PartnerChoiceField(label=_("Place: a partner"), queryset=None, required=False)
    place_text = forms.CharField(
        label=_("Or the place in words"),
        required=False,
        max_length=200,
        help_text=_(
            "An address or a service, never the person’s name or home address: it "
            "shows in calendar feeds."
        ),
    )
    assigned_to = forms.ModelChoiceField(label=_("Who does it"), queryset=None)

    ACCOMPANIMENT_ONLY = ("kind", "place_partner", "place_text")

    def __init__(self, *args, user, client=None, accompaniment=False, follow_up=None, **kwargs):
        super().__init__(*args, row=follow_up, **kwargs)
        self.user = user
        self.accompaniment = accompaniment
        self.fixed_client = client if follow_up is None else follow_up.client
        if self.fixed_client is not None or follow_up is not None:
            del self.fields["client"]
        else:
            self.fields["client"].queryset = follow_up_policy.clients_for_new(user).order_by(
                "search_text"
            )
        if follow_up is not None:
            # Editing: the encounter form's token is for creating only.
            self.fields.pop("submission_token", None)
        if accompaniment:
            kinds = selectors.kinds_offered()
            if follow_up is not None and follow_up.kind_id:
                kinds = kinds | AccompanimentKind.objects.filter(pk=follow_up.kind_id)
            self.fields["kind"].queryset = kinds
            self.fields["place_partner"].queryset = partners_to_pick(user)
            self.fields["due_time"].required = True
            self.fields["what"].required = False
            self.fields["what"].label = _("What it is for")
        else:
            for name in self.ACCOMPANIMENT_ONLY:
                del self.fields[name]
        holders = follow_up_policy.users_who_can(
            follow_up_policy.Action.HOLD,
            follow_up or (FollowUp(client=self.fixed_client) if self.fixed_client else None),
        )
        if self.fixed_client is None and follow_up is None:
            # Who is on one of the viewer's teams; the service checks the
            # chosen person's team on saving, and says so on this field.
            holders = holders.filter(
                care_memberships__client__in=self.fields["client"].queryset.values("pk"),
                care_memberships__left_on__isnull=True,
            ).distinct()
        self.fields["assigned_to"].queryset = holders.order_by(
            "first_name", "last_name", "username"
        )
        self.fields["assigned_to"].help_text = _(
            "A member of the person’s care team. They are told if it is not you."
        )
        self.initial.setdefault("assigned_to", user.pk)
        today = timezone.localdate()
        self.fields["due_on"].widget.attrs.update(
            min=(today - timedelta(days=MOST_DAYS_PAST)).isoformat(),
            max=(today + timedelta(days=MOST_DAYS_AHEAD)).isoformat(),
        )
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        # An edit that keeps the day is never refused for it.
        if due_on != self.initial.get("due_on") and (error := due_date_error(due_on)):
            raise forms.ValidationError(error)
        return due_on

    def clean(self):
        cleaned = super().clean()
        if self.accompaniment and cleaned.get("place_partner") and cleaned.get("place_text"):
            self.add_error("place_text", _("Choose a partner or write the place, not both."))
        if self.accompaniment and not (cleaned.get("what") or "").strip():
            # Its kind says what it is for; the text is for what the kind does not say.
            cleaned["what"] = str(cleaned["kind"]) if cleaned.get("kind") else ""
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = ["what", "due_on", "due_time", "duration_minutes", "assigned_to"]
        if self.accompaniment:
            names += list(self.ACCOMPANIMENT_ONLY)
        arguments = {name: data[name] for name in names}
        if "client" in self.fields:
            arguments["client"] = data["client"]
        return arguments


class CloseForm(forms.Form):
    """Marking done: how it went, for an accompaniment (optional)."""

    outcome = forms.CharField(
        label=_("How it went"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. Only the person’s care team reads it."),
    )


class AccompanimentEncounterForm(EncounterForm):
    """The encounter an accompaniment was, with how it went. The person is the
    one accompanied; everything else is the encounter form's."""

    # Always with the person accompanied: never an anonymous contact.
    ENCOUNTER_FIELDS = tuple(
        name for name in EncounterForm.ENCOUNTER_FIELDS if not name.startswith("anonymous")
    )
    outcome = forms.CharField(
        label=_("How it went"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the accompaniment. Only the person’s care team reads it."),
    )

    def __init__(self, *args, follow_up: FollowUp, **kwargs):
        super().__init__(*args, **kwargs)
        self.follow_up = follow_up
        self.fields["client"].queryset = self.fields["client"].queryset.filter(
            pk=follow_up.client_id
        )
        self.fields["client"].required = True
        self.fields["client"].empty_label = None
        self.fields["client"].disabled = True
        self.offer_participants(follow_up.client)
        for name in ("anonymous_count", "anonymous_description"):
            del self.fields[name]

    def service_arguments(self) -> dict[str, Any]:
        arguments = super().service_arguments()
        arguments["outcome"] = self.cleaned_data["outcome"]
        return arguments


class KindForm(VersionedFormMixin, OnceFormMixin, forms.ModelForm):
    """A kind's names in both languages, the activity its encounter records,
    and its place in lists. Retiring is a separate button."""

    class Meta:
        model = AccompanimentKind
        fields = ["name_en", "name_fr", "activity", "setting", "position"]
        help_texts = {
            "name_fr": _("Shown to people who use the product in French."),
            "activity": _("Ticked on the encounter an accompaniment of this kind becomes."),
            "setting": _(
                "Where that encounter took place, when the accompaniment names no partner."
            ),
            "position": _("Smaller numbers come first."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offered = Activity.objects.filter(is_active=True)
        if self.instance.activity_id:
            offered = offered | Activity.objects.filter(pk=self.instance.activity_id)
        self.fields["activity"].queryset = offered.order_by("position", "pk")
        self.fields["activity"].label_from_instance = lambda activity: activity.label
        self.helper = submit_helper(_("Save"))


class FollowUpQuery(QueryForm):
    """What the follow-up pages read from the query string: the list's scope
    and status; the person or encounter a new one is about, and its kind."""

    scope = forms.ChoiceField(choices=[("mine", "mine"), ("teams", "teams")], required=False)
    status = forms.ChoiceField(choices=FollowUpStatus.choices, required=False)
    kind = forms.ChoiceField(choices=[("accompaniment", "accompaniment")], required=False)
    client = RecordIdField()
    encounter = RecordIdField()


class CalendarFeedQuery(QueryForm):
    """The language a calendar feed is written in."""

    lang = forms.ChoiceField(choices=settings.LANGUAGES, required=False)
