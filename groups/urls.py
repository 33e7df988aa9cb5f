"""URLs of support groups (/groups/)."""

from django.urls import path

from .views import groups, sessions

group_patterns = (
    [
        path("", groups.group_list, name="list"),
        path("new/", groups.group_create, name="create"),
        path("<int:pk>/", groups.group_detail, name="detail"),
        path("<int:pk>/edit/", groups.group_edit, name="edit"),
        path("<int:pk>/sessions/new/", sessions.session_create, name="session_create"),
        path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
        path("sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
        path("sessions/<int:pk>/cancel/", sessions.session_cancel, name="session_cancel"),
        path(
            "sessions/<int:pk>/attendance/<int:attendance_pk>/remove/",
            sessions.attendance_remove,
            name="attendance_remove",
        ),
    ],
    "groups",
)
