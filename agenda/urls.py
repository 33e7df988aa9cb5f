"""URLs of follow-ups and accompaniments (/follow-ups/) and of the calendar
feed (/calendar/)."""

from django.urls import path

from .views import accompaniments, calendar, follow_ups, kinds

follow_up_patterns: tuple[list, str] = (
    [
        path("", follow_ups.follow_up_list, name="list"),
        path("new/", follow_ups.follow_up_new, name="new"),
        path("workers/", follow_ups.workers, name="workers"),
        path("<int:pk>/", follow_ups.follow_up_detail, name="detail"),
        path("<int:pk>/edit/", follow_ups.follow_up_edit, name="edit"),
        path("<int:pk>/done/", follow_ups.follow_up_done, name="done"),
        path("<int:pk>/cancel/", follow_ups.follow_up_cancel, name="cancel"),
        path("<int:pk>/encounter/", accompaniments.accompaniment_encounter, name="encounter"),
        path("kinds/", kinds.kind_list, name="kinds"),
        path("kinds/new/", kinds.kind_create, name="kind_create"),
        path("kinds/<int:pk>/", kinds.kind_edit, name="kind_edit"),
        path("kinds/<int:pk>/retire/", kinds.kind_retire, name="kind_retire"),
        path("kinds/<int:pk>/restore/", kinds.kind_restore, name="kind_restore"),
    ],
    "follow_ups",
)

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
