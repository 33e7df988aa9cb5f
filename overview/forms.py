"""The overview's filters, read from the query string: a period and a staff team."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersupport.models import StaffTeam
from peersupport.query import DayField, QueryForm, RecordChoiceField

from .selectors import Filters, Period, last_weeks

# The periods offered, in weeks back from this one (this week included).
PRESETS = {"4w": 4, "12w": 12, "6m": 26}
DATES = "dates"
DEFAULT = "4w"
# A longer period draws a chart taller than anyone reads on a phone.
LONGEST_DAYS = 366


class OverviewFilterForm(QueryForm):
    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            ("4w", _("The last 4 weeks")),
            ("12w", _("The last 12 weeks")),
            ("6m", _("The last 6 months")),
            (DATES, _("Between the dates below")),
        ],
    )
    start = DayField(label=_("From"))
    end = DayField(label=_("To"))
    team = RecordChoiceField(
        label=_("Staff team"),
        required=False,
        queryset=StaffTeam.objects.filter(is_active=True),
        empty_label=_("All teams"),
    )
    # "Count again now": the figures kept for a few minutes are counted now
    # (overview/figures.py). Never shown as a field: a link sets it to 1.
    fresh = forms.ChoiceField(choices=[("1", "1")], required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *args, today: date | None = None, **kwargs):
        if data is not None and (data.get("start") or data.get("end")):
            # Dates given choose themselves: the period says so when the page comes back.
            data = data.copy()
            data["period"] = DATES
        super().__init__(data, *args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["start"].help_text = _("Giving dates chooses them over the period above.")
        for name, field in self.fields.items():
            field.widget.attrs["class"] = (
                "form-select" if name in ("period", "team") else "form-control"
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        dated = start or end or data.get("period") == DATES
        if not dated:
            return data
        # A date that did not parse has its own message already.
        if start is None and "start" not in self.errors:
            self.add_error("start", _("Give the first day of the period."))
        if end is None and "end" not in self.errors:
            self.add_error("end", _("Give the last day of the period."))
        for name, day in (("start", start), ("end", end)):
            if day is not None and day > self.today:
                self.add_error(name, _("This date is in the future: choose today or earlier."))
        if start and end and start <= self.today and end <= self.today:
            if start > end:
                self.add_error("end", _("The last day comes before the first: swap them."))
            elif end - start > timedelta(days=LONGEST_DAYS):
                self.add_error("start", _("Choose a period of a year at most."))
        return data

    def filters(self) -> Filters:
        """The filters that are valid; a period in error gives way to the default."""
        if not self.is_bound:
            return Filters(last_weeks(PRESETS[DEFAULT], self.today), today=self.today)
        valid = self.is_valid()
        data = self.cleaned_data
        team = data.get("team") if "team" not in self.errors else None
        if valid and (data.get("start") or data.get("end")):
            period = Period(data["start"], data["end"])
        else:
            preset = data.get("period") if "period" not in self.errors else None
            period = last_weeks(PRESETS.get(preset or DEFAULT, PRESETS[DEFAULT]), self.today)
        return Filters(period, team, today=self.today)

    @property
    def period_fell_back(self) -> bool:
        """Whether dates in error made the page show the default period."""
        return self.is_bound and any(name in self.errors for name in ("start", "end"))
