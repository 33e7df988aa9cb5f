"""Forms for account management and for the owner's password change."""

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from peersupport.concurrency import VersionedFormMixin
from peersupport.form_tools import submit_helper
from peersupport.models import User
from peersupport.roles import Role
from peersupport.submissions import OnceFormMixin


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

    def service_arguments(self) -> dict[str, Any]:
        """What ``services.account_create`` takes from a valid form."""
        data = self.cleaned_data
        return {
            "username": data["username"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "email": data["email"],
            "roles": data["roles"],
            "password": data["password2"],
        }


class AccountUpdateForm(VersionedFormMixin, forms.ModelForm):
    roles = RolesField()

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("roles", self.instance.sorted_roles())
        self.helper = submit_helper(_("Save"))

    def service_arguments(self) -> dict[str, Any]:
        """What ``services.account_update`` takes from a valid form."""
        data = self.cleaned_data
        return {
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "email": data["email"],
            "roles": data["roles"],
        }


class TemporaryPasswordForm(TemporaryPasswordMixin):
    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Set temporary password"))

    def password_owner(self):
        return self.user

    def service_arguments(self) -> dict[str, Any]:
        """What ``services.account_set_temporary_password`` takes from a valid form."""
        return {"password": self.cleaned_data["password2"]}


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
