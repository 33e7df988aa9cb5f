"""URLs of the programme's staff: work that is not an encounter and
debriefings (/worklog/), one's own page, wellness plan and declaration (/me/),
and what coordinators keep about the staff (/supervision/)."""

from django.urls import path

from .views import backings, debriefings, declarations, onboarding, profile, teams, wellness, work

work_patterns = (
    [
        path("", work.work_list, name="list"),
        path("new/", work.work_create, name="create"),
        path("<int:pk>/", work.work_detail, name="detail"),
        path("<int:pk>/edit/", work.work_edit, name="edit"),
        path("time/", work.time_by_kind, name="time"),
        path("debriefings/", debriefings.debriefing_list, name="debriefings"),
        path("debriefings/ask/", debriefings.debriefing_ask, name="debriefing_ask"),
        path("debriefings/<int:pk>/hold/", debriefings.debriefing_hold, name="debriefing_hold"),
        path(
            "debriefings/<int:pk>/withdraw/",
            debriefings.debriefing_withdraw,
            name="debriefing_withdraw",
        ),
    ],
    "work",
)

me_patterns = (
    [
        path("", profile.my_profile, name="profile"),
        path("wellness/", wellness.plan_detail, name="wellness"),
        path("wellness/edit/", wellness.plan_edit, name="wellness_edit"),
        path("wellness/history/", wellness.plan_history, name="wellness_history"),
        path("wellness/of/<int:peer_pk>/", wellness.plan_shared, name="wellness_shared"),
        path("dual-relationship/", declarations.declare, name="declare"),
    ],
    "me",
)

supervision_patterns = (
    [
        path("", backings.peer_list, name="peers"),
        path("<int:peer_pk>/backers/new/", backings.backing_create, name="backing_create"),
        path("backings/<int:pk>/end/", backings.backing_end, name="backing_end"),
        path("<int:peer_pk>/onboarding/", onboarding.checklist, name="onboarding"),
        path(
            "<int:peer_pk>/onboarding/start/", onboarding.checklist_start, name="onboarding_start"
        ),
        path("onboarding/<int:pk>/edit/", onboarding.item_edit, name="onboarding_edit"),
        path("onboarding/<int:pk>/done/", onboarding.item_done, name="onboarding_done"),
        path("declarations/", declarations.declaration_list, name="declarations"),
        path("declarations/<int:pk>/link/", declarations.declaration_link, name="declaration_link"),
        path("teams/", teams.team_list, name="teams"),
        path("teams/new/", teams.team_create, name="team_create"),
        path("teams/<int:pk>/edit/", teams.team_edit, name="team_edit"),
    ],
    "supervision",
)
