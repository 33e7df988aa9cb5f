"""Forms for signing in and for account management."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from .form_tools import DateInput, submit_helper
from .models import User
from .roles import Role
from .submissions import OnceFormMixin


class RolesField(forms.TypedMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(
            choices=Role.choices,
            coerce=Role,
            required=False,
            label=_("Roles"),
            help_text=_("A person may hold several roles."),
            **kwargs,
        )


class TemporaryPasswordMixin(forms.Form):
    """Two password inputs, checked against the password rules."""

    password1 = forms.CharField(
        label=_("Temporary password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("The person will be asked to choose their own at their next sign-in."),
    )
    password2 = forms.CharField(
        label=_("Temporary password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_password2(self):
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            raise forms.ValidationError(_("The two passwords differ."))
        if second:
            password_validation.validate_password(second, self.password_owner())
        return second

    def password_owner(self):
        return None


class AccountCreateForm(OnceFormMixin, TemporaryPasswordMixin, forms.ModelForm):
    roles = RolesField()

    field_order = ["username", "first_name", "last_name", "email", "roles"]

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Create account"))

    def password_owner(self):
        return User(
            username=self.cleaned_data.get("username", ""),
            first_name=self.cleaned_data.get("first_name", ""),
            last_name=self.cleaned_data.get("last_name", ""),
            email=self.cleaned_data.get("email", ""),
        )


class AccountUpdateForm(forms.ModelForm):
    roles = RolesField()

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("roles", self.instance.sorted_roles())
        self.helper = submit_helper(_("Save"))


class TemporaryPasswordForm(TemporaryPasswordMixin):
    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Set temporary password"))

    def password_owner(self):
        return self.user


class OwnPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Change my password"))

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("new_password2")
        # A temporary password is known to whoever set it: it cannot be kept.
        if password and "new_password2" not in self.errors and self.user.check_password(password):
            self.add_error("new_password2", _("Choose a password different from the current one."))
        return cleaned


class AuditFilterForm(forms.Form):
    """The audit trail's search. A value that does not parse is ignored, not an error."""

    ACTIONS = {"create": 0, "update": 1, "delete": 2, "access": 3}  # LogEntry.Action values

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

    def values(self) -> dict:
        """The filters that parsed, field by field."""
        self.is_valid()
        return {
            name: self.cleaned_data[name]
            for name in self.fields
            if name in self.cleaned_data and self.cleaned_data[name] not in (None, "")
        }
