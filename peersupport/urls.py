"""Top-level URLs. Every view requires a signed-in user unless marked
``login_not_required`` (login, health check, language switch).

The core package imports no feature app: each app's URLs are named here by
string, as settings name the apps, and imported only when Django reads this
module. An app's pattern list is named by its dotted path when the app keeps
several namespaces in one ``urls.py``.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.module_loading import import_string
from django.views.i18n import set_language

from .views import health, home, session

# A form sent with too much in it gets a page that says so, in the person's language.
handler400 = "peersupport.views.errors.bad_request"


def app_urls(dotted_path: str, namespace: str | None = None) -> Any:
    """``include()`` of the pattern list at ``dotted_path``
    ("clients.urls.client_patterns"), under ``namespace`` when the list names none."""
    patterns = import_string(dotted_path)
    return include((patterns, namespace) if namespace else patterns)


urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/", app_urls("accounts.urls.sign_in_patterns")),
    path("staff/", app_urls("accounts.urls.account_patterns")),
    path("clients/", app_urls("clients.urls.client_patterns")),
    path("clients/", app_urls("interventions.urls.client_extra_patterns", "safety")),
    path("encounters/", app_urls("interventions.urls.encounter_patterns")),
    path("notes/", app_urls("interventions.urls.note_patterns")),
    path("shared/", app_urls("interventions.urls.shared_patterns")),
    path("notifications/", app_urls("interventions.urls.notification_patterns")),
    path("follow-ups/", app_urls("agenda.urls.follow_up_patterns")),
    path("calendar/", app_urls("agenda.urls.calendar_patterns")),
    path("referrals/", app_urls("referrals.urls.referral_patterns")),
    path("groups/", app_urls("groups.urls.group_patterns")),
    path("worklog/", app_urls("staff.urls.work_patterns")),
    path("me/", app_urls("staff.urls.me_patterns")),
    path("supervision/", app_urls("staff.urls.supervision_patterns")),
    path("overview/", app_urls("overview.urls.overview_patterns")),
    path("logbook/", app_urls("logbook.urls.logbook_patterns")),
    path("research/", app_urls("logbook.urls.research_patterns")),
    path("audit/", app_urls("audit.urls.audit_patterns")),
    path("audit/emergency/", app_urls("interventions.urls.emergency_patterns")),
    path("partners/", include("partners.urls")),
    path("activities/", app_urls("interventions.urls.activity_patterns")),
    path("healthz", health.healthz, name="healthz"),
    path("session/", session.session_status, name="session"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
