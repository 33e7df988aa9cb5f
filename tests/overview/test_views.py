"""The coordinator's overview, as a coordinator reads it: each count matches
the world built by hand (tests/overview/conftest.py), including what must not
be counted; the filters narrow it by period and staff team; dates in error say
so on their field; nobody else finds the page; no person served is named on
it; and it takes as many queries for many rows as for one."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.choices import Purpose
from interventions.models import EmergencyAccess, PeerRequest
from overview.forms import OverviewFilterForm
from overview.selectors import monday_of
from peersupport.models import StaffTeam, User
from peersupport.roles import Role
from tests.factories import ClientFactory, UserFactory, put_on_team
from tests.overview.conftest import (
    SECRET,
    consent,
    encounter,
    follow_up,
    note,
    partner,
)

URL = reverse("overview:index")


def get(client, coordinator, **query):
    client.force_login(coordinator)
    response = client.get(URL, query)
    assert response.status_code == 200
    return response


# Who finds the page.


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("peer", 404),
        ("clinician", 404),
        ("researcher", 404),
        ("outsider", 404),
        ("coordinator", 200),
    ],
)
def test_only_coordinators_find_the_overview(client, as_persona, persona, status):
    as_persona(persona)
    assert client.get(URL).status_code == status


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_deactivated_coordinator_finds_nothing(client, coordinator):
    client.force_login(coordinator)
    coordinator.is_active = False
    coordinator.save()
    assert client.get(URL).status_code != 200


# Each block's counts.


def test_the_counts_at_the_top_match_the_world(client, coordinator, world):
    context = get(client, coordinator).context
    assert context["exceptions"] == 1  # the reviewed one is not counted
    assert context["requests"] == 1  # answered and cancelled ones are not
    assert context["overdue_total"] == 2  # done, cancelled and future ones are not
    assert context["consents"].people == 2  # superseded, expired, closed file: not
    assert context["consents"].by_purpose == [
        (Purpose.CARE_TEAM_SHARING, 1),
        (Purpose.RESEARCH, 1),
    ]
    assert context["becoming_inactive"] == 1  # 85 days without contact; 70 is not yet
    assert context["people"] == {"active": 3, "inactive": 1}
    assert context["onboarding"] == {"items": 1, "peers": 1}  # done, not due, deactivated: not
    assert context["partners_stale"] == 2  # fresh and retired partners are not
    assert context["drafts_total"] == 2  # fresh drafts, signed notes, merged records: not


def test_caseloads_count_active_and_inactive_people_per_worker(client, coordinator, world):
    caseloads = get(client, coordinator).context["caseloads"]
    found = {load.worker.username: (load.active, load.inactive) for load in caseloads}
    # Closed files, merged records and ended memberships are not counted; the
    # coordinator and the account without a role are not workers.
    assert found == {"peer": (1, 1), "other_peer": (2, 0), "clinician": (1, 0)}
    assert [load.worker.is_peer for load in caseloads if load.worker.username == "peer"] == [True]


def test_encounters_per_week_setting_worker_and_co_interventions(client, coordinator, world):
    context = get(client, coordinator).context
    encounters = context["encounters"]
    this_monday = monday_of(timezone.localdate())
    assert [week.monday for week in encounters.weeks] == [
        this_monday - timedelta(weeks=n) for n in (3, 2, 1, 0)
    ]
    per_week = {week.monday: (week.encounters, week.co) for week in encounters.weeks}
    assert per_week[this_monday] == (1, 0)
    assert per_week[this_monday - timedelta(weeks=1)] == (2, 1)
    assert (encounters.total, encounters.co) == (3, 1)  # ten weeks ago is outside
    assert encounters.settings == [
        ("street", "Street or outreach", 1),
        ("shelter", "Shelter", 1),
        ("clinic", "Clinic", 1),
    ]
    assert {row.worker.username: row.total for row in encounters.workers} == {
        "peer": 2,
        "clinician": 1,
    }


def test_overdue_follow_ups_and_old_drafts_per_worker(client, coordinator, world):
    context = get(client, coordinator).context
    today = timezone.localdate()
    assert {(r.worker.username, r.count, r.oldest) for r in context["overdue"]} == {
        ("peer", 1, today - timedelta(days=3)),
        ("clinician", 1, today - timedelta(days=5)),
    }
    assert {(r.worker.username, r.count) for r in context["drafts"]} == {
        ("peer", 1),
        ("clinician", 1),
    }


def test_the_page_names_no_person_served_and_quotes_nothing(client, coordinator, world):
    page = get(client, coordinator).content.decode()
    for person in world.people.values():
        assert person.display_name not in page
    assert SECRET not in page
    assert "Hélène" not in page


def test_the_summary_cards_lead_to_where_the_work_is_done(client, coordinator, world):
    page = get(client, coordinator).content.decode()
    for url in (
        reverse("emergency:queue"),
        reverse("shared:requests"),
        reverse("follow_ups:workers"),
        reverse("supervision:peers"),
        reverse("partners:list") + "?status=stale",
        reverse("clients:list") + "?consent_purpose=research&amp;consent_state=expiring_soon",
    ):
        assert f'href="{url}"' in page, url


def test_each_chart_is_an_image_with_its_title_and_a_table_of_its_numbers(
    client, coordinator, world
):
    page = get(client, coordinator).content.decode()
    for key in ("chart-weeks", "chart-settings", "chart-workers"):
        assert f'role="img" aria-labelledby="{key}-title"' in page
        assert f'<title id="{key}-title">' in page
    assert page.split("<main", 1)[1].count("<details") == 3
    assert "week of " in page
    assert "style=" not in page.split("<main", 1)[1]


# Filters.


def test_a_longer_period_counts_older_encounters(client, coordinator, world):
    encounters = get(client, coordinator, period="12w").context["encounters"]
    assert len(encounters.weeks) == 12
    assert encounters.total == 4
    assert get(client, coordinator, period="6m").context["encounters"].total == 4
    assert len(get(client, coordinator, period="6m").context["encounters"].weeks) == 26


def test_dates_choose_the_period_and_count_only_its_days(client, coordinator, world):
    this_monday = monday_of(timezone.localdate())
    last_week = this_monday - timedelta(weeks=1)
    response = get(
        client, coordinator, start=last_week.isoformat(), end=(this_monday - timedelta(days=1))
    )
    encounters = response.context["encounters"]
    assert [week.monday for week in encounters.weeks] == [last_week]
    assert (encounters.total, encounters.co) == (2, 1)
    assert 'value="dates" selected' in response.content.decode()


def test_a_team_narrows_workers_to_its_members_and_people_to_their_care_teams(
    client, coordinator, world
):
    context = get(client, coordinator, team=world.team.pk).context
    assert [load.worker.username for load in context["caseloads"]] == ["peer"]
    assert context["encounters"].total == 2  # the peer's, not the clinician's
    assert context["encounters"].co == 1
    assert [r.worker.username for r in context["overdue"]] == ["peer"]
    assert [r.worker.username for r in context["drafts"]] == ["peer"]
    assert context["exceptions"] == 0  # the clinician used it
    assert context["requests"] == 1  # about a person on the peer's team
    assert context["consents"].people == 2  # both on the peer's team
    assert context["becoming_inactive"] == 0  # the other peer's person
    assert context["people"] == {"active": 1, "inactive": 1}
    assert context["onboarding"] == {"items": 1, "peers": 1}
    assert context["partners_stale"] == 2  # partners belong to the programme


def test_a_retired_team_is_not_offered(client, coordinator, world):
    page = get(client, coordinator).content.decode()
    assert "Street team" in page
    assert "Retired team" not in page


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"start": "2020-03-10", "end": "2020-03-01"}, "end", "comes before the first"),
        ({"start": "FUTURE", "end": "FUTURE"}, "start", "in the future"),
        ({"start": "2020-03-01", "end": "FUTURE"}, "end", "in the future"),
        ({"start": "2020-03-01"}, "end", "Give the last day"),
        ({"period": "dates"}, "start", "Give the first day"),
        ({"start": "2019-01-01", "end": "2020-06-01"}, "start", "a year at most"),
        ({"start": "not a date", "end": "2020-06-01"}, "start", "valid date"),
    ],
)
def test_dates_in_error_say_why_on_their_field_and_the_page_shows_four_weeks(
    client, coordinator, world, query, field, message
):
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    query = {k: future if v == "FUTURE" else v for k, v in query.items()}
    response = get(client, coordinator, **query)
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    page = response.content.decode()
    assert "the page shows the last 4 weeks" in page
    assert 'aria-invalid="true"' in page
    assert len(response.context["encounters"].weeks) == 4


def test_a_team_that_does_not_exist_is_an_error_on_its_field(client, coordinator, world):
    form = get(client, coordinator, team=99999).context["form"]
    assert "team" in form.errors


def test_the_form_alone_gives_the_default_period_unbound():
    today = timezone.localdate()
    filters = OverviewFilterForm(today=today).filters()
    assert filters.period.end == today
    assert filters.period.start == monday_of(today) - timedelta(weeks=3)
    assert filters.team is None


# Queries: as many for many rows of each kind as for one.


def _queries(client, query=None):
    """The queries of counting every figure again ("Count again now"), which
    then sends the browser back to the page without asking to count again."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {**(query or {}), "fresh": "1"})
    assert response.status_code == 302
    return len(queries)


def _more_of_everything(n, coordinator, prefix="more"):
    from staff.choices import OnboardingStep
    from staff.models import OnboardingItem

    today = timezone.localdate()
    steps = list(OnboardingStep)
    for i in range(n):
        worker = UserFactory(username=f"{prefix}_peer{i}", roles=[Role.PEER])
        person = ClientFactory(
            display_name=f"{prefix} {i}", last_contact_on=today - timedelta(days=i)
        )
        put_on_team(person, worker)
        encounter(worker, day=today - timedelta(weeks=i % 4), setting="phone", client=person)
        follow_up(person, worker, days=-1 - i)
        note(person, worker, days_ago=9 + i)
        consent(person, Purpose.RESEARCH, expires_in=1 + i, by=worker)
        partner(f"{prefix} partner {i}", checked_days_ago=None)
        EmergencyAccess.objects.create(
            client=person,
            user=worker,
            reason="risk_to_self",
            justification=SECRET,
            expires_at=timezone.now(),
        )
        PeerRequest.objects.create(client=person, requested_by=worker, reason=SECRET)
        StaffTeam.objects.create(name=f"{prefix} team {i}").members.add(worker)
        OnboardingItem.objects.create(
            peer=worker,
            step=steps[i % len(steps)],
            due_on=today - timedelta(days=1),
            created_by=coordinator,
        )


@pytest.mark.parametrize("query", [{}, {"period": "6m"}])
def test_the_page_takes_as_many_queries_for_many_rows_as_for_one(client, coordinator, query):
    client.force_login(coordinator)
    _more_of_everything(1, coordinator, prefix="one")
    one = _queries(client, query)
    _more_of_everything(12, coordinator)
    assert _queries(client, query) == one
    context = client.get(URL, query).context
    assert context["caseload_workers"] == 13
    assert context["encounters"].total == 13
    assert (context["exceptions"], context["requests"]) == (13, 13)


def test_with_a_team_as_many_queries_for_many_rows_as_for_one(client, coordinator, world):
    client.force_login(coordinator)
    one = _queries(client, {"team": world.team.pk})
    _more_of_everything(10, coordinator)
    world.team.members.add(*User.objects.filter(username__startswith="more_peer"))
    assert _queries(client, {"team": world.team.pk}) == one
    context = client.get(URL, {"team": world.team.pk}).context
    assert context["caseload_workers"] == 11
    assert len(context["caseloads"]) == 10  # the ten largest; the others on their page
