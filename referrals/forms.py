"""Referral forms. Each field explains what is wrong on itself; the services
decide, and their refusals land on the field they name."""

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.forms import partner_choice_label
from peersupport.form_tools import DateInput, ServiceArgumentsMixin, submit_helper
from peersupport.query import FlagField, QueryForm, RecordIdField
from peersupport.submissions import OnceFormMixin

from .choices import NEXT_STATUSES, ReferralStatus


class PartnerChoiceField(forms.ModelChoiceField):
    """The partners to pick from, our organisation's services apart from the
    community partners so a referral that stays inside is seen at once; each
    says when it is reduced, closed or not checked lately."""

    def set_groups(self) -> None:
        internal, outside = [], []
        for partner in self.queryset:
            label = partner_choice_label(
                partner, name=f"{partner.name} · {partner.get_kind_display()}"
            )
            (internal if partner.is_internal else outside).append((partner.pk, label))
        groups: list = [("", _("Choose where to refer the person"))]
        if internal:
            groups.append((_("Services of our organisation"), internal))
        if outside:
            groups.append((_("Community partners"), outside))
        self.choices = groups


class ReferralForm(ServiceArgumentsMixin, OnceFormMixin, forms.Form):
    service_fields = ("partner", "reason", "referred_on")

    partner = PartnerChoiceField(label=_("Refer to"), queryset=None)
    reason = forms.CharField(
        label=_("Why"),
        help_text=_("What the person needs from them. Only the care team reads it."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    referred_on = forms.DateField(label=_("Date"), widget=DateInput())

    def __init__(self, *args, partners, consent_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["partner"]
        field.queryset = partners
        field.set_groups()
        # With htmx, choosing a partner brings the consent notice for it; without
        # it, the notice lists both cases and the partner field says what is missing.
        field.widget.attrs.update(
            {
                "hx-get": consent_url,
                "hx-trigger": "change",
                "hx-target": "#referral-consent",
                "hx-select": "#referral-consent",
                "hx-swap": "outerHTML",
            }
        )
        self.helper = submit_helper(_("Save the referral"))


class StatusChangeForm(ServiceArgumentsMixin, OnceFormMixin, forms.Form):
    service_fields = ("status", "changed_on", "outcome")

    status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    changed_on = forms.DateField(label=_("Date"), widget=DateInput())
    outcome = forms.CharField(
        label=_("How it ended"),
        required=False,
        help_text=_("Needed to close a referral. Only the care team reads it."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (status.value, status.label) for status in NEXT_STATUSES.get(current, ())
        ]
        self.helper = submit_helper(_("Record the change"))

    def clean_status(self) -> ReferralStatus:
        return ReferralStatus(self.cleaned_data["status"])


class ReferralQuery(QueryForm):
    """The list's switch for ended referrals; the partner a new referral is to."""

    ended = FlagField()
    partner = RecordIdField()
