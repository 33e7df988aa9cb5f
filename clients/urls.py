"""URLs of the register (/clients/)."""

from django.urls import path

from . import views

client_patterns = (
    [
        path("", views.client_list, name="list"),
        path("new/", views.client_create, name="create"),
        path("joins/", views.team_joins, name="joins"),
        path("<int:pk>/", views.client_detail, name="detail"),
        path("<int:pk>/edit/", views.client_edit, name="edit"),
        path("<int:pk>/situation/", views.situation_add, name="situation"),
        path("<int:pk>/consents/new/", views.consent_add, name="consent_add"),
        path(
            "<int:pk>/consents/<str:purpose>/withdraw/",
            views.consent_withdraw,
            name="consent_withdraw",
        ),
        path("<int:pk>/close/", views.client_close, name="close"),
        path("<int:pk>/reopen/", views.client_reopen, name="reopen"),
        path("<int:pk>/team/", views.team_manage, name="team"),
        path("<int:pk>/team/<int:membership_pk>/end/", views.team_end, name="team_end"),
        path("<int:pk>/join/", views.team_join, name="join"),
        path("<int:pk>/merge/", views.client_merge, name="merge"),
    ],
    "clients",
)
