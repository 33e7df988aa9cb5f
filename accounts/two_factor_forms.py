"""Forms of two-factor sign-in: the code at sign-in, the code that confirms an app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from peersupport.query import NextPathField, QueryForm


def _app_code_input(*, autofocus: bool = True) -> forms.TextInput:
    # one-time-code: phones offer the code from a message or an app; numeric:
    # the digit keypad. No pattern attribute: the server explains a bad code.
    attrs = {"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 7, "size": 8}
    if autofocus:
        attrs["autofocus"] = True
    return forms.TextInput(attrs=attrs)


def _recovery_code_input() -> forms.TextInput:
    return forms.TextInput(
        attrs={
            "autocomplete": "off",
            "autocapitalize": "none",
            "spellcheck": "false",
            "autofocus": True,
            "maxlength": 12,
            "size": 12,
        }
    )


class SecondFactorForm(forms.Form):
    """The sign-in's second step: the app's code, or (``recovery=True``) one of
    the recovery codes, which holds letters and so gets a full keyboard."""

    code = forms.CharField(label=_("Code from your authenticator app"), max_length=20)

    def __init__(self, *args, recovery: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        if recovery:
            field.label = _("Recovery code")
            field.help_text = _("One of the ten codes you kept. Each works once.")
            field.widget = _recovery_code_input()
        else:
            field.help_text = _("6 digits. A new code shows every 30 seconds.")
            field.widget = _app_code_input()


class ConfirmAppForm(forms.Form):
    """The code an app shows once it has the secret: proof it was set up right."""

    code = forms.CharField(
        label=_("Code your app shows now"),
        max_length=20,
        help_text=_("6 digits."),
        # Not focused: on a phone the page would open below the QR code.
        widget=_app_code_input(autofocus=False),
    )


class SecondStepQuery(QueryForm):
    """What the second step's address may say: where the person was going,
    and that they will type a recovery code."""

    next = NextPathField()
    use = forms.ChoiceField(choices=[("recovery", "recovery")], required=False)
