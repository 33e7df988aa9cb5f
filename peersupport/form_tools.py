"""Form pieces every app uses: the submit button layout, a date input,
putting a service's refusal on the form's fields, handing a service its
arguments, and the check that keeps control characters out of every text field."""

import re
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


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


# Characters nobody means to type: C0 and C1 controls and DEL (pasted from a
# PDF, a terminal, a badly decoded e-mail), lone surrogates and the two
# noncharacters XML forbids. NUL is left to Django's own check, which every
# CharField already has. Tab, line feed and carriage return are judged apart.
CONTROL_CHARACTER = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
LINE_BREAK_OR_TAB = re.compile("[\t\n\r]")


def refuse_control_characters(value: str, *, multiline: bool) -> None:
    """Refuse ``value`` if it holds a character nobody can see, saying where.

    A multi-line text keeps its tabs and line breaks. A one-line field refuses
    them too: a browser's one-line input neither shows them nor sends a line
    break back, so the text would change at the next edit without anyone
    seeing why, and a tab in a name shifts the columns of a CSV export."""
    found = CONTROL_CHARACTER.search(value)
    if found is not None:
        raise ValidationError(
            _(
                "This text contains an invisible control character (position %(position)s). "
                "Remove it and save again."
            ),
            code="control_character",
            params={"position": found.start() + 1},
        )
    if not multiline:
        found = LINE_BREAK_OR_TAB.search(value)
        if found is not None:
            raise ValidationError(
                _(
                    "This field holds one line: remove the tab or line break "
                    "(position %(position)s) and save again."
                ),
                code="control_character",
                params={"position": found.start() + 1},
            )


def check_text_field(field: forms.CharField, value: Any) -> None:
    """The check as every text field of a form runs it. A password is left as
    typed: it is never shown nor exported (only its hash is kept), and a rule
    on the sign-in form would tell a guesser something about passwords."""
    if isinstance(value, str) and not isinstance(field.widget, forms.PasswordInput):
        refuse_control_characters(value, multiline=isinstance(field.widget, forms.Textarea))


def install_text_checks() -> None:
    """Every text field of every form (the project's, the admin's, the sign-in
    and two-factor forms) runs ``check_text_field`` after Django's own checks.

    Installed once, when the project starts, on Django's CharField itself, so
    that no form can forget it and no form class has to name it; it runs when
    a form is checked, so forms imported before the project started get it
    too. tests/peersupport/test_form_tools.py walks every form to prove it."""
    if getattr(forms.CharField.validate, "checks_text", False):
        return
    django_validate = forms.CharField.validate

    def validate(self: forms.CharField, value: Any) -> None:
        django_validate(self, value)
        check_text_field(self, value)

    validate.checks_text = True  # type: ignore[attr-defined]
    forms.CharField.validate = validate  # type: ignore[method-assign]
