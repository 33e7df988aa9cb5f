"""URLs of follow-ups and accompaniments (/follow-ups/) and of the calendar
feed (/calendar/)."""

from django.urls import path

from .views import calendar

follow_up_patterns: tuple[list, str] = ([], "follow_ups")

calendar_patterns: tuple[list, str] = (
    [
        path("", calendar.calendar_settings, name="settings"),
        path("turn-on/", calendar.calendar_turn_on, name="turn_on"),
        path("reset/", calendar.calendar_reset, name="reset"),
        path("turn-off/", calendar.calendar_turn_off, name="turn_off"),
        # What calendar apps fetch: no sign-in, the secret is the key.
        path("<slug:secret>.ics", calendar.calendar_feed, name="feed"),
    ],
    "calendar",
)
