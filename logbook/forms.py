"""Forms of the logbook."""

from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from partners.access import partner_policy
from peersupport.concurrency import VersionedFormMixin
from peersupport.form_tools import DateInput, submit_helper
from peersupport.models import User
from peersupport.query import (
    DayField,
    FlagField,
    QueryForm,
    RecordChoiceField,
    RecordIdField,
    SearchField,
)
from peersupport.submissions import OnceFormMixin

from .choices import Involved, Kind, Source
from .models import Entry, Stage, Theme
from .selectors import OUTSIDE_STAGES, EntryFilters

# Every filter menu says the same thing when nothing is chosen.
ANY = _("Any")


def _path(theme, by_pk) -> list[str]:
    """A theme's name preceded by those of the themes above it."""
    names, seen = [], set()
    while theme is not None and theme.pk not in seen:
        seen.add(theme.pk)
        names.insert(0, theme.label)
        theme = by_pk.get(theme.parent_id)
    return names


def grouped_theme_choices(themes, *, keep=()) -> list:
    """The codebook as the entry form shows it: each theme under the heading of
    the theme above it. A theme with others below it is only a heading, not a
    choice, unless the entry already carries it (``keep``), so that saving does
    not drop it silently."""
    themes = list(themes)
    by_pk = {theme.pk: theme for theme in themes}
    headings = {theme.parent_id for theme in themes if theme.parent_id in by_pk}
    keep = {theme.pk for theme in keep}
    loose, groups = [], {}
    for theme in sorted(themes, key=lambda t: " › ".join(_path(t, by_pk)).casefold()):
        if theme.pk in headings and theme.pk not in keep:
            continue
        label = f"{theme.label} ({theme.get_polarity_display()})"
        if theme.parent_id in by_pk:
            heading = " › ".join(_path(by_pk[theme.parent_id], by_pk))
            groups.setdefault(heading, []).append((theme.pk, label))
        else:
            loose.append((theme.pk, label))
    return [*loose, *groups.items()]


class ThemeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.label} ({obj.get_polarity_display()})"


class ThemeFilterField(RecordChoiceField):
    """A theme filter finds what is coded below the theme too: its label shows
    where the theme sits, under the themes above it."""

    def label_from_instance(self, obj):
        by_pk = getattr(self, "_by_pk", None)
        if by_pk is None:
            by_pk = self._by_pk = {theme.pk: theme for theme in self.queryset}
        return " › ".join(_path(obj, by_pk))


class _StagesAndOutside(ModelChoiceIterator):
    def __iter__(self):
        yield from super().__iter__()
        yield (OUTSIDE_STAGES, _("Outside any stage"))

    def __len__(self):
        return super().__len__() + 1


class StageFilterField(RecordChoiceField):
    """A stage, or the entries dated outside every stage (a matrix column)."""

    iterator = _StagesAndOutside

    def to_python(self, value):
        if value == OUTSIDE_STAGES:
            return OUTSIDE_STAGES
        return super().to_python(value)

    def prepare_value(self, value):
        return value if value == OUTSIDE_STAGES else super().prepare_value(value)


class EntryForm(VersionedFormMixin, OnceFormMixin, forms.ModelForm):
    involved = forms.MultipleChoiceField(
        label=_("Roles involved"),
        choices=Involved.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organisations involved"),
        queryset=None,  # the viewer's, set in __init__
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

    def __init__(
        self, *args, codebook=None, partners=None, can_code=False, from_work=False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        if from_work:
            # Counted from a meeting or a debriefing: how long it lasted.
            self.fields["duration_minutes"] = forms.IntegerField(
                label=_("How long (minutes)"), min_value=1, max_value=24 * 60
            )
        # The partners the viewer may name; none when the caller gives none.
        self.fields["partners"].queryset = (
            partners if partners is not None else partner_policy.visible_to(None)
        )
        if self.instance.pk:
            self.initial.setdefault("involved", self.instance.involved)
            self.initial.setdefault("partners", list(self.instance.partners.all()))
            self.initial.setdefault("themes", list(self.instance.themes.all()))
        if can_code:
            carried = list(self.instance.themes.all()) if self.instance.pk else []
            field = self.fields["themes"]
            themes = list(codebook)
            headings = {theme.parent_id for theme in themes}
            field.queryset = codebook.exclude(
                pk__in=[pk for pk in headings if pk not in {t.pk for t in carried}]
            )
            field.choices = grouped_theme_choices(themes, keep=carried)
        else:
            del self.fields["themes"]
        self.helper = submit_helper(_("Save"))

    def service_arguments(self) -> dict[str, Any]:
        """What ``services.entry_save`` takes from a valid form (themes only
        when the form offers them, to those who code)."""
        data = self.cleaned_data
        return {
            "data": {**data},
            "themes": data.get("themes") if "themes" in self.fields else None,
            "partners": data["partners"],
        }


def initial_from_work(activity) -> dict[str, Any]:
    """A new entry counting a meeting or a debriefing (``staff.WorkActivity``):
    its date, kind and length, under a neutral title. Nothing from its note
    nor who was there."""
    from staff.choices import WorkKind

    debriefing = activity.kind == WorkKind.DEBRIEFING
    minutes = activity.duration_minutes
    if debriefing:
        title = _("Debriefing")
        narrative = _("A debriefing with a peer, %(minutes)d minutes.")
    else:
        title = _("Team meeting")
        narrative = _("A team meeting, %(minutes)d minutes.")
    return {
        "occurred_on": activity.occurred_on,
        "kind": Kind.OBSERVATION,
        "source": Source.DEBRIEFING if debriefing else Source.TEAM_MEETING,
        "title": title,
        "narrative": narrative % {"minutes": minutes},
        "duration_minutes": minutes,
    }


class EntryFilterForm(QueryForm):
    q = SearchField(label=_("Search"))
    stage = StageFilterField(
        label=_("Stage"), queryset=Stage.objects.none(), required=False, empty_label=ANY
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", ANY), *Kind.choices], required=False)
    source = forms.ChoiceField(
        label=_("Source"), choices=[("", ANY), *Source.choices], required=False
    )
    theme = ThemeFilterField(
        label=_("Theme"), queryset=Theme.objects.none(), required=False, empty_label=ANY
    )
    author = RecordChoiceField(
        label=_("Author"), queryset=User.objects.none(), required=False, empty_label=ANY
    )
    since = DayField(label=_("From"))
    until = DayField(label=_("To"))

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

    def entry_filters(self, *, deleted: bool = False) -> EntryFilters:
        """The selector's filters; a filter that is not valid filters nothing
        (the export refuses such filters before it asks)."""
        data = self.cleaned_data if self.is_valid() else {}
        return EntryFilters(
            stage=data.get("stage"),
            kind=data.get("kind", ""),
            source=data.get("source", ""),
            theme_id=data["theme"].pk if data.get("theme") else None,
            author_id=data["author"].pk if data.get("author") else None,
            since=data.get("since"),
            until=data.get("until"),
            q=data.get("q", "").strip(),
            deleted=deleted,
        )


class LogbookQuery(QueryForm):
    """What the logbook's pages read from the query string besides the list's
    filters: the bin, the export's format, the meeting a new entry counts, the
    matrix's kind and source."""

    deleted = FlagField()
    format = SearchField(max_length=20)
    from_work = RecordIdField()
    kind = forms.ChoiceField(choices=Kind.choices, required=False)
    source = forms.ChoiceField(choices=Source.choices, required=False)


class ResearchExportQuery(QueryForm):
    format = forms.ChoiceField(
        choices=[("csv", "csv"), ("dictionary", "dictionary")], required=False
    )
    dates = forms.ChoiceField(choices=[("shift", "shift"), ("week", "week")], required=False)


class ThemeForm(VersionedFormMixin, OnceFormMixin, forms.ModelForm):
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


class StageForm(VersionedFormMixin, OnceFormMixin, forms.ModelForm):
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
