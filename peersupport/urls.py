"""Top-level URLs. Every view requires a signed-in user unless marked
``login_not_required`` (login, health check, language switch)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from clients.urls import client_patterns, partner_patterns
from interventions.urls import (
    activity_patterns,
    client_extra_patterns,
    emergency_patterns,
    encounter_patterns,
    note_patterns,
    notification_patterns,
    shared_patterns,
)
from logbook.urls import logbook_patterns, research_patterns

from .views import accounts, audit, health, home

account_patterns = (
    [
        path("", accounts.account_list, name="list"),
        path("new/", accounts.account_create, name="create"),
        path("<int:pk>/", accounts.account_detail, name="detail"),
        path("<int:pk>/edit/", accounts.account_edit, name="edit"),
        path("<int:pk>/deactivate/", accounts.account_deactivate, name="deactivate"),
        path("<int:pk>/reactivate/", accounts.account_reactivate, name="reactivate"),
        path("<int:pk>/password/", accounts.account_temporary_password, name="password"),
    ],
    "accounts",
)

urlpatterns = [
    path("", home.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", accounts.OwnPasswordChange.as_view(), name="password_change"),
    path("staff/", include(account_patterns)),
    path("clients/", include(client_patterns)),
    path("clients/", include((client_extra_patterns, "safety"))),
    path("encounters/", include(encounter_patterns)),
    path("notes/", include(note_patterns)),
    path("shared/", include(shared_patterns)),
    path("notifications/", include(notification_patterns)),
    path("logbook/", include(logbook_patterns)),
    path("research/", include(research_patterns)),
    path("audit/", audit.audit_trail, name="audit"),
    path("audit/emergency/", include(emergency_patterns)),
    path("partners/", include(partner_patterns)),
    path("activities/", include(activity_patterns)),
    path("healthz", health.healthz, name="healthz"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
