"""URLs of encounters, notes, the shared feed and the safety exception."""

from django.urls import path

from .views import activities, emergency, encounters, notes, notifications, shared

encounter_patterns = (
    [
        path("new/", encounters.encounter_new, name="new"),
        path("<int:pk>/", encounters.encounter_detail, name="detail"),
    ],
    "encounters",
)

note_patterns = (
    [
        path("<int:pk>/", notes.note_detail, name="detail"),
        path("<int:pk>/save/", notes.note_save, name="save"),
        path("<int:pk>/addendum/", notes.note_addendum, name="addendum"),
        path("<int:pk>/audience/", notes.note_audience, name="audience"),
        path("new/<int:client_pk>/", notes.note_new, name="new"),
    ],
    "notes",
)

shared_patterns = (
    [
        path("", shared.shared_feed, name="feed"),
        path("conversations/<int:pk>/", shared.conversation, name="conversation"),
        path("requests/", shared.peer_requests, name="requests"),
        path("requests/<int:pk>/fulfil/", shared.peer_request_fulfil, name="fulfil"),
        path("requests/new/<int:client_pk>/", shared.peer_request_new, name="request_new"),
    ],
    "shared",
)

emergency_patterns = (
    [
        path("", emergency.emergency_review_queue, name="queue"),
        path("<int:pk>/review/", emergency.emergency_review, name="review"),
        path("<int:pk>/disclosure/", emergency.emergency_disclosure, name="disclosure"),
    ],
    "emergency",
)

client_extra_patterns = [
    path("<int:pk>/emergency-access/", emergency.emergency_access_open, name="open"),
]

notification_patterns = (
    [path("", notifications.notification_list, name="list")],
    "notifications",
)

activity_patterns = (
    [
        path("", activities.activity_list, name="list"),
        path("new/", activities.activity_create, name="create"),
        path("<int:pk>/", activities.activity_edit, name="edit"),
        path("<int:pk>/retire/", activities.activity_retire, name="retire"),
        path("<int:pk>/restore/", activities.activity_restore, name="restore"),
    ],
    "activities",
)
