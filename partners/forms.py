"""The partner form. Each field explains what is wrong on itself."""

from django import forms
from django.utils.translation import gettext_lazy as _

from peersupport.form_tools import submit_helper
from peersupport.submissions import OnceFormMixin

from .models import Partner


class PartnerForm(OnceFormMixin, forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "kind", "is_internal", "address", "phone", "hours", "notes", "is_active"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Save"))
