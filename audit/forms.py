"""The searches of the audit trail and of the record of sign-ins."""

from auditlog.models import LogEntry
from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from peersupport.query import DayField, QueryForm, RecordIdField, SearchField

from .models import USERNAME_LENGTH, SignInEvent


class AuditFilterForm(QueryForm):
    """The audit trail's search. A value that does not parse is ignored, not an error."""

    ACTIONS = {
        "create": LogEntry.Action.CREATE,
        "update": LogEntry.Action.UPDATE,
        "delete": LogEntry.Action.DELETE,
        "access": LogEntry.Action.ACCESS,
    }

    user = SearchField(label=_("User"))
    person = RecordIdField(label=_("Record number"))
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
    since = DayField(label=_("From"))
    until = DayField(label=_("To"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "action" else "form-control"


class SignInFilterForm(QueryForm):
    """The search of the record of sign-ins. A value that does not parse is
    explained on its field and left out of the search."""

    user = SearchField(label=_("User or username typed"), max_length=USERNAME_LENGTH)
    address = SearchField(
        label=_("Address"),
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
    since = DayField(label=_("From"))
    until = DayField(label=_("To"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["address"].widget.attrs["inputmode"] = "decimal"
        self.fields["address"].widget.attrs["autocomplete"] = "off"
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "kind" else "form-control"
