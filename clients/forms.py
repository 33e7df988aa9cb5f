"""Forms of the register. Each explains what is wrong on the field itself, and
hands its service the arguments it needs (``service_arguments``)."""

from typing import Any

from crispy_forms.layout import Fieldset
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersupport.concurrency import VersionedFormMixin
from peersupport.form_tools import DateInput, ServiceArgumentsMixin, submit_helper
from peersupport.models import User
from peersupport.query import NextPathField, QueryForm, RecordIdField, SearchField
from peersupport.submissions import OnceFormMixin

from .access import ClientJoinPolicy, client_join_policy
from .choices import (
    ClosedReason,
    ConsentState,
    Purpose,
    Situation,
    Status,
    TeamRole,
    grouped_situation_choices,
)
from .models import Client, Consent, LivingSituation
from .services import CLIENT_DETAIL_FIELDS


def _situation_field(required):
    return forms.ChoiceField(
        label=_("Living situation"),
        choices=[("", "—"), *grouped_situation_choices()]
        if not required
        else grouped_situation_choices(),
        required=required,
    )


class ClientForm(VersionedFormMixin, OnceFormMixin, forms.ModelForm):
    """A person's details. Only the name used is required."""

    estimated_age = forms.IntegerField(
        label=_("Estimated age"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("When the year of birth is not known: it is then estimated from this."),
    )

    class Meta:
        model = Client
        fields = CLIENT_DETAIL_FIELDS
        widgets = {
            "aliases": forms.Textarea(attrs={"rows": 2}),
            "where_to_find": forms.Textarea(attrs={"rows": 2}),
            "intake_date": DateInput(),
        }

    submit_label = _("Save")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(self.submit_label, *self._layout())

    def _layout(self):
        return [
            Fieldset(
                _("Who they are"),
                "display_name",
                "pronouns",
                "aliases",
                "legal_first_name",
                "legal_last_name",
                "legal_name_no_answer",
            ),
            Fieldset(
                _("About them"),
                "birth_year",
                "birth_year_estimated",
                "estimated_age",
                "birth_year_no_answer",
                "gender",
                "gender_self_described",
                "languages",
                "health_coverage",
            ),
            Fieldset(_("Reaching them"), "phone", "where_to_find"),
            Fieldset(_("Intake"), "intake_date", "referral_source", "referral_detail"),
        ]

    def clean(self):
        cleaned = super().clean()
        age = cleaned.get("estimated_age")
        if age is not None:
            if cleaned.get("birth_year") is not None:
                self.add_error("estimated_age", _("Give a year of birth or an age, not both."))
            else:
                cleaned["birth_year"] = timezone.localdate().year - age
                cleaned["birth_year_estimated"] = True
                self.instance.birth_year = cleaned["birth_year"]
                self.instance.birth_year_estimated = True
        return cleaned

    def details(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in CLIENT_DETAIL_FIELDS}

    def service_arguments(self) -> dict[str, Any]:
        return {"details": self.details()}


class ClientRegisterForm(ClientForm):
    submit_label = _("Register")
    situation = _situation_field(required=False)
    situation_detail = forms.CharField(
        label=_("Where exactly"),
        required=False,
        max_length=200,
        help_text=_("Which shelter, which area."),
    )

    def _layout(self):
        first, *rest = super()._layout()
        return [
            first,
            Fieldset(_("Living situation today"), "situation", "situation_detail"),
            *rest,
        ]

    def clean(self):
        cleaned = super().clean()
        # Without a situation nothing is recorded, so the detail would be lost unseen.
        if cleaned.get("situation_detail") and not cleaned.get("situation"):
            self.add_error(
                "situation", _("Choose the living situation that “where exactly” describes.")
            )
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        return {
            **super().service_arguments(),
            "situation": self.cleaned_data["situation"] or None,
            "situation_detail": self.cleaned_data["situation_detail"],
        }


class SituationForm(ServiceArgumentsMixin, OnceFormMixin, forms.ModelForm):
    situation = _situation_field(required=True)
    service_fields = ("situation", "detail", "recorded_on")

    class Meta:
        model = LivingSituation
        fields = ["situation", "detail", "recorded_on"]
        widgets = {"recorded_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Record"))


class ConsentForm(ServiceArgumentsMixin, OnceFormMixin, forms.ModelForm):
    service_fields = ("purpose", "decision", "decided_on", "method", "expires_on", "comment")

    class Meta:
        model = Consent
        fields = ["purpose", "decision", "decided_on", "method", "expires_on", "comment"]
        widgets = {
            "decided_on": DateInput(),
            "expires_on": DateInput(),
            "comment": forms.Textarea(attrs={"rows": 2}),
            "purpose": forms.RadioSelect,
            "decision": forms.RadioSelect,
            "method": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A radio list needs no blank entry: a required one starts with nothing
        # chosen (the browser insists on a choice), an optional one stays unset.
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect):
                field.choices = [(value, label) for value, label in field.choices if value != ""]
        self.helper = submit_helper(_("Record the decision"))


class WithdrawConsentForm(ServiceArgumentsMixin, OnceFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    service_fields = ("comment",)


class CloseForm(ServiceArgumentsMixin, forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=ClosedReason.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    service_fields = ("reason", "note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Close the file"))


class TeamAddForm(ServiceArgumentsMixin, OnceFormMixin, forms.Form):
    # The accounts offered are the policy's: set for each form, never a role filter here.
    member = forms.ModelChoiceField(label=_("Team member"), queryset=User.objects.none())
    team_role = forms.ChoiceField(label=_("Role on the team"), choices=TeamRole.choices)
    reason = forms.CharField(label=_("Note"), required=False, max_length=500)
    service_fields = ("member", "team_role", "reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = client_join_policy.users_who_can(
            ClientJoinPolicy.Action.JOIN
        )
        self.helper = submit_helper(_("Add to the team"))


class JoinTeamForm(ServiceArgumentsMixin, OnceFormMixin, forms.Form):
    q = forms.CharField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Why you are joining"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: met them at the drop-in and will accompany them to court."),
    )
    service_fields = ("reason",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Join the care team"))


class MergeForm(ServiceArgumentsMixin, forms.Form):
    duplicate = forms.IntegerField(
        label=_("Record number of the duplicate"),
        min_value=1,
        help_text=_("Shown on each person’s page. That record will be merged into this one."),
    )
    # Checked by the merge service, so the comparison step needs only the number.
    reason = forms.CharField(
        label=_("Why they are the same person"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    confirm = forms.BooleanField(
        label=_("I have compared both records: they are the same person."), required=False
    )
    service_fields = ("reason",)


class MergeStartForm(QueryForm):
    """The merge's first step, in the query string: the duplicate to compare."""

    duplicate = RecordIdField(
        label=MergeForm.base_fields["duplicate"].label,
        help_text=MergeForm.base_fields["duplicate"].help_text,
    )


class ConsentAddQuery(QueryForm):
    """What a link to record a consent may say: the purpose, and where to go back."""

    purpose = forms.ChoiceField(choices=Purpose.choices, required=False)
    next = NextPathField()


class JoinQuery(QueryForm):
    """The search that found the person joined."""

    q = SearchField()


class ClientFilterForm(QueryForm):
    """The list's search and filters, read from the query string."""

    q = SearchField(label=_("Search by name"), max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *Status.choices]
    )
    situation = forms.ChoiceField(
        label=_("Living situation"),
        required=False,
        choices=[("", _("Any")), *grouped_situation_choices()],
    )
    # Every filter's empty choice reads the same, "Any": the label says what it filters.
    consent_purpose = forms.ChoiceField(
        label=_("Consent for"), required=False, choices=[("", _("Any")), *Purpose.choices]
    )
    consent_state = forms.ChoiceField(
        label=_("Consent state"),
        required=False,
        choices=[("", _("Any")), *ConsentState.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "q" else "form-select"

    def filters(self):
        from .selectors import ClientFilters

        # A filter that does not parse filters nothing; its field says why.
        data = self.values()
        return ClientFilters(
            q=data.get("q", ""),
            status=Status(data["status"]) if "status" in data else None,
            situation=Situation(data["situation"]) if "situation" in data else None,
            consent_purpose=Purpose(data["consent_purpose"]) if "consent_purpose" in data else None,
            consent_state=(
                ConsentState(data["consent_state"]) if "consent_state" in data else None
            ),
        )
