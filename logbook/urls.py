"""URLs of the implementation logbook (/logbook/)."""

from django.urls import path

from . import research_views, views

logbook_patterns = (
    [
        path("", views.entry_list, name="list"),
        path("new/", views.entry_new, name="new"),
        path("<int:pk>/", views.entry_detail, name="detail"),
        path("<int:pk>/edit/", views.entry_edit, name="edit"),
        path("<int:pk>/delete/", views.entry_delete, name="delete"),
        path("<int:pk>/restore/", views.entry_restore, name="restore"),
        path("export/", views.entry_export, name="export"),
        path("matrix/", views.matrix, name="matrix"),
        path("timeline/", views.timeline, name="timeline"),
        path("codebook/", views.codebook, name="codebook"),
        path("codebook/new/", views.theme_edit, name="theme_new"),
        path("codebook/<int:pk>/", views.theme_edit, name="theme_edit"),
        path("codebook/<int:pk>/merge/", views.theme_merge, name="theme_merge"),
        path("stages/", views.stages, name="stages"),
        path("stages/new/", views.stage_edit, name="stage_new"),
        path("stages/<int:pk>/", views.stage_edit, name="stage_edit"),
    ],
    "logbook",
)

research_patterns = (
    [
        path("activity/", research_views.activity, name="activity"),
        path("export/", research_views.export, name="export"),
    ],
    "research",
)
