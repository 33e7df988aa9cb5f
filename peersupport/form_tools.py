"""Form pieces every app uses: the submit button layout, a date input,
putting a service's refusal on the form's fields, and handing a service its
arguments."""

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.core.exceptions import ValidationError


def submit_helper(label, *layout) -> FormHelper:
    """A crispy helper with a large submit button (full width on a phone)."""
    helper = FormHelper()
    if layout:
        helper.layout = Layout(*layout)
    # Hidden fields outside the layout still render: the one-time submission
    # token (peersupport.submissions) is one.
    helper.render_hidden_fields = True
    helper.add_input(Submit("submit", label, css_class="btn-lg w-100 w-sm-auto"))
    return helper


class DateInput(forms.DateInput):
    """The browser's own date picker."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def apply_service(form, service_call):
    """Run a service; if it refuses, its messages land on the form's fields
    (or above the form when they name no field). Returns None on refusal."""
    try:
        return service_call()
    except ValidationError as error:
        # Saved by someone else meanwhile: the form shown again carries the
        # row's version now, so sending it again is a choice, not a race.
        version = getattr(error, "version", None)
        if version is not None and hasattr(form, "take_version"):
            form.take_version(version)
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                target = field if field in form.fields else None
                for message in errors:
                    form.add_error(target, message)
        else:
            for message in error.messages:
                form.add_error(None, message)
        return None


class ServiceArgumentsMixin:
    """Hands a service the cleaned values of ``service_fields``, by name."""

    service_fields: tuple[str, ...] = ()
    cleaned_data: dict[str, Any]

    def service_arguments(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.service_fields}
