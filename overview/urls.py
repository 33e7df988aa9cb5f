"""URL of the coordinator's overview (/overview/)."""

from django.urls import path

from . import views

overview_patterns = (
    [
        path("", views.overview, name="index"),
        path("workers/", views.workers, name="workers"),
    ],
    "overview",
)
