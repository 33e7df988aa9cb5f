"""The searches of the audit trail and of the record of sign-ins."""

from typing import Any

from auditlog.models import LogEntry
from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from peersupport.form_tools import DateInput

from .models import USERNAME_LENGTH, SignInEvent


class AuditFilterForm(forms.Form):
    """The audit trail's search. A value that does not parse is ignored, not an error."""

    ACTIONS = {
        "create": LogEntry.Action.CREATE,
        "update": LogEntry.Action.UPDATE,
        "delete": LogEntry.Action.DELETE,
        "access": LogEntry.Action.ACCESS,
    }

    user = forms.CharField(label=_("User"), required=False)
    person = forms.IntegerField(
        label=_("Record number"), required=False, min_value=1, widget=forms.TextInput()
    )
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[
            ("", _("Any")),
            ("create", _("Created")),
            ("update", _("Changed")),
            ("delete", _("Deleted")),
            ("access", _("Viewed")),
        ],
    )
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].widget.attrs["inputmode"] = "numeric"
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "action" else "form-control"

    def values(self) -> dict[str, Any]:
        """The filters that parsed, field by field."""
        self.is_valid()
        return {
            name: self.cleaned_data[name]
            for name in self.fields
            if name in self.cleaned_data and self.cleaned_data[name] not in (None, "")
        }


class SignInFilterForm(forms.Form):
    """The search of the record of sign-ins. A value that does not parse is
    explained on its field and left out of the search."""

    user = forms.CharField(
        label=_("User or username typed"), required=False, max_length=USERNAME_LENGTH
    )
    address = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=45,
        help_text=_("All of it, or its beginning (192.0.2.)."),
        validators=[
            RegexValidator(
                r"^[0-9A-Fa-f.:]+$",
                _("Type an address with digits, dots and colons only, such as 192.0.2.10."),
            )
        ],
    )
    kind = forms.ChoiceField(
        label=_("What happened"),
        required=False,
        choices=[("", _("Any")), *SignInEvent.Kind.choices],
    )
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["address"].widget.attrs["inputmode"] = "decimal"
        self.fields["address"].widget.attrs["autocomplete"] = "off"
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "kind" else "form-control"

    def values(self) -> dict[str, Any]:
        """The filters that parsed, field by field."""
        self.is_valid()
        return {
            name: self.cleaned_data[name]
            for name in self.fields
            if name in self.cleaned_data and self.cleaned_data[name] not in (None, "")
        }
