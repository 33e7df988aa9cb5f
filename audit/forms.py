"""The audit trail's search form."""

from typing import Any

from auditlog.models import LogEntry
from django import forms
from django.utils.translation import gettext_lazy as _

from peersupport.form_tools import DateInput


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
