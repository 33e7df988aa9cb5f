"""Forms of the logbook."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.models import Partner
from peersupport.form_tools import DateInput, submit_helper
from peersupport.models import User

from .choices import Involved, Kind, Source
from .models import Entry, Stage, Theme


class ThemeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.label} ({obj.get_polarity_display()})"


class EntryForm(forms.ModelForm):
    involved = forms.MultipleChoiceField(
        label=_("Roles involved"),
        choices=Involved.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organisations involved"),
        queryset=Partner.objects.filter(is_active=True),
        required=False,
    )
    themes = ThemeChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Entry
        fields = [
            "occurred_on",
            "kind",
            "source",
            "title",
            "narrative",
            "what_changed",
            "why_changed",
            "who_decided",
        ]
        widgets = {
            "occurred_on": DateInput(),
            "narrative": forms.Textarea(attrs={"rows": 6}),
            "what_changed": forms.Textarea(attrs={"rows": 2}),
            "why_changed": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, codebook=None, may_code=False, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("involved", self.instance.involved)
            self.initial.setdefault("partners", list(self.instance.partners.all()))
            self.initial.setdefault("themes", list(self.instance.themes.all()))
        if may_code:
            self.fields["themes"].queryset = codebook
        else:
            del self.fields["themes"]
        self.helper = submit_helper(_("Save"))


class EntryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=Stage.objects.none(), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any")), *Kind.choices], required=False
    )
    source = forms.ChoiceField(
        label=_("Source"), choices=[("", _("Any")), *Source.choices], required=False
    )
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.none(), required=False)
    author = forms.ModelChoiceField(label=_("Author"), queryset=User.objects.none(), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, stages, codebook, authors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = stages
        self.fields["theme"].queryset = codebook
        self.fields["author"].queryset = authors
        for field in self.fields.values():
            css = (
                "form-select"
                if isinstance(field, forms.ChoiceField | forms.ModelChoiceField)
                else "form-control"
            )
            field.widget.attrs["class"] = css


class ThemeForm(forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["name", "name_fr", "polarity", "description", "parent"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, codebook, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = codebook.exclude(pk=self.instance.pk)
        self.helper = submit_helper(_("Save"))


class ThemeMergeForm(forms.Form):
    other = forms.ModelChoiceField(
        label=_("Merge this theme into it"),
        queryset=Theme.objects.none(),
        help_text=_(
            "Entries coded with that theme are coded with this one; it stays in the history."
        ),
    )

    def __init__(self, *args, codebook, keep, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = codebook.exclude(pk=keep.pk)
        self.helper = submit_helper(_("Merge"))


class StageForm(forms.ModelForm):
    class Meta:
        model = Stage
        fields = ["name", "starts_on", "ends_on", "description"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Save"))
