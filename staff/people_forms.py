"""Forms of supervision, onboarding, the wellness plan, the declaration of a
dual relationship and the staff teams. The services check every value again
and put what they refuse on the field (``apply_service``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersupport.concurrency import VersionedFormMixin
from peersupport.form_tools import DateInput, ServiceArgumentsMixin, submit_helper
from peersupport.models import User
from peersupport.query import QueryForm, SearchField
from peersupport.submissions import OnceFormMixin

from .access import backing_policy
from .choices import BackingRole
from .people_services import staff_team_members_to_pick


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


def _not_after_today(field: forms.Field) -> None:
    field.widget.attrs["max"] = timezone.localdate().isoformat()


class BackingForm(ServiceArgumentsMixin, OnceFormMixin, forms.Form):
    """Name a supervisor or a reference person for one peer."""

    service_fields = ("backer", "role", "started_on")

    backer = StaffChoiceField(label=_("Who"), queryset=User.objects.none())
    role = forms.ChoiceField(label=_("As"), choices=BackingRole.choices, widget=forms.RadioSelect)
    started_on = forms.DateField(label=_("Since"), widget=DateInput())

    def __init__(self, *args: Any, peer: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["backer"].queryset = (
            backing_policy.users_who_can(backing_policy.Action.BACK)
            .exclude(pk=peer.pk)
            .order_by("first_name", "last_name", "username")
        )
        self.fields["role"].help_text = _(
            "A peer has one supervisor: naming a new one ends the current one’s "
            "supervision on the day the new one starts."
        )
        self.initial.setdefault("started_on", timezone.localdate())
        self.initial.setdefault("role", BackingRole.SUPERVISOR)
        _not_after_today(self.fields["started_on"])
        self.helper = submit_helper(_("Name them"))


class OnboardingStartForm(OnceFormMixin, forms.Form):
    started_on = forms.DateField(label=_("First day"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("started_on", timezone.localdate())
        self.fields["started_on"].help_text = _(
            "Office, identity card, computer and record access are due a week later; "
            "supervisor and reference persons two weeks later; training a month later; "
            "the probation period ends three months later. Each date can be changed."
        )
        self.helper = submit_helper(_("Start the checklist"))


class OnboardingItemForm(VersionedFormMixin, ServiceArgumentsMixin, forms.Form):
    service_fields = ("due_on", "comment")

    due_on = forms.DateField(label=_("Due on"), widget=DateInput())
    comment = forms.CharField(label=_("Comment"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comment"].help_text = _(
            "Seen by coordinators and by the peer. Nothing about their health."
        )
        self.helper = submit_helper(_("Save"))


class OnboardingDoneForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("done_on", timezone.localdate())
        _not_after_today(self.fields["done_on"])
        self.helper = submit_helper(_("Mark done"))


class WellnessPlanForm(VersionedFormMixin, ServiceArgumentsMixin, forms.Form):
    """The four parts of the plan, and whether the supervisor may read it."""

    service_fields = (
        "when_well",
        "early_signs",
        "what_helps",
        "who_to_call",
        "shared_with_supervisor",
    )

    when_well = forms.CharField(
        label=_("What it looks like when I am well"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    early_signs = forms.CharField(
        label=_("Early signs that I am not"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    what_helps = forms.CharField(
        label=_("What helps"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    who_to_call = forms.CharField(
        label=_("Who to call"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    shared_with_supervisor = forms.BooleanField(
        label=_("My supervisor may read it"),
        required=False,
        help_text=_(
            "They read the newest version only, while they are your supervisor. Nobody "
            "else can read it: not a coordinator, not a researcher."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Save my plan"))


class DeclarationForm(OnceFormMixin, forms.Form):
    details = forms.CharField(
        label=_("What helps find your record"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: a name you used then, roughly when. Only coordinators read it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Declare it"))


class RecordChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.birth_year:
            return _("%(name)s, born in %(year)s") % {
                "name": obj.display_name,
                "year": obj.birth_year,
            }
        return obj.display_name


class DeclarationLinkForm(forms.Form):
    """The record, among those the search found (the coordinator's own view
    of the register)."""

    record = RecordChoiceField(
        label=_("Their record"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args: Any, records: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["record"].queryset = records
        self.fields["record"].help_text = _(
            "If they are on its care team, they leave it today. From then on they no "
            "longer see this record anywhere."
        )
        self.helper = submit_helper(_("Link this record"))


class StaffTeamForm(VersionedFormMixin, ServiceArgumentsMixin, OnceFormMixin, forms.Form):
    service_fields = ("name", "members", "is_active")

    name = forms.CharField(label=_("Name"), max_length=120)
    members = StaffMultipleChoiceField(
        label=_("Members"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("A team no longer used is made inactive: it is kept, never deleted."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = staff_team_members_to_pick().order_by(
            "first_name", "last_name", "username"
        )
        self.helper = submit_helper(_("Save the team"))


class DeclarationLinkQuery(QueryForm):
    """The search for the record a declaration names."""

    q = SearchField()
