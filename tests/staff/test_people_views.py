# ruff: noqa: F811 (the fixtures imported below are then requested by name)
"""The pages of supervision, onboarding, the wellness plan, declarations and
staff teams: what they show, form errors on their fields, query counts that
do not grow with the data, and onboarding overdue on the coordinator's home."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import DualRelationship
from peersupport.models import StaffTeam
from peersupport.roles import Role
from staff import people_services as services
from staff.models import Backing, OnboardingItem, WellnessPlan
from tests.factories import ClientFactory, UserFactory
from tests.form_versions import versioned
from tests.staff.people_world import supervisor  # noqa: F401 (fixtures, by name)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _peers(count, coordinator, *, overdue=True):
    """``count`` new peers, each with a supervisor, a checklist and an overdue step."""
    made = []
    for _ in range(count):
        peer = UserFactory(roles=[Role.PEER])
        backer = UserFactory(roles=[Role.CLINICIAN])
        services.backing_set(acting_user=coordinator, peer=peer, backer=backer, role="supervisor")
        services.onboarding_start(
            acting_user=coordinator, peer=peer, started_on=TODAY() - timedelta(days=20)
        )
        if not overdue:
            OnboardingItem.objects.filter(peer=peer).update(done_on=TODAY())
        made.append(peer)
    return made


# The peer's own page.


def test_my_page_shows_who_backs_me_my_checklist_and_the_debriefing_button(
    client, peer, coordinator, supervisor
):
    services.onboarding_start(acting_user=coordinator, peer=peer)
    client.force_login(peer)
    page = client.get(reverse("me:profile")).content.decode()
    assert str(supervisor) in page
    assert reverse("work:debriefing_ask") in page and reverse("work:time") in page
    assert "Office space" in page


def test_without_a_supervisor_no_debriefing_is_offered(client, peer):
    client.force_login(peer)
    page = client.get(reverse("me:profile")).content.decode()
    assert reverse("work:debriefing_ask") not in page


def test_saving_the_plan_writes_a_version_and_an_unchanged_one_nothing(client, peer):
    client.force_login(peer)
    data = {
        "when_well": "I cook",
        "early_signs": "I skip meals",
        "what_helps": "Cooking with a friend",
        "who_to_call": "Jo",
        "shared_with_supervisor": "on",
    }
    assert versioned(client).post(reverse("me:wellness_edit"), data).status_code == 302
    assert versioned(client).post(reverse("me:wellness_edit"), data).status_code == 302
    assert WellnessPlan.objects.filter(peer=peer).count() == 1
    data["what_helps"] = "Cooking with two friends"
    versioned(client).post(reverse("me:wellness_edit"), data)
    assert WellnessPlan.objects.filter(peer=peer).count() == 2
    history = client.get(reverse("me:wellness_history")).content.decode()
    assert "Cooking with a friend" in history and "Cooking with two friends" in history


def test_a_peer_declares_once_and_then_reads_what_it_means(client, peer):
    client.force_login(peer)
    response = client.post(reverse("me:declare"), {"details": "Came in 2015"})
    assert response.status_code == 302
    assert DualRelationship.objects.filter(user=peer).exists()
    page = client.get(reverse("me:declare")).content.decode()
    assert "You declared it on" in page and 'name="details"' not in page


# The coordinator's pages.


def test_naming_a_backer_shows_errors_on_the_field(client, coordinator, peer):
    client.force_login(coordinator)
    url = reverse("supervision:backing_create", args=[peer.pk])
    response = client.post(
        url,
        {
            "backer": coordinator.pk,
            "role": "supervisor",
            "started_on": (TODAY() + timedelta(days=4)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "started_on" in response.context["form"].errors
    assert not Backing.objects.exists()


def test_naming_a_supervisor_and_ending_them(client, coordinator, peer, clinician):
    client.force_login(coordinator)
    url = reverse("supervision:backing_create", args=[peer.pk])
    response = client.post(
        url, {"backer": clinician.pk, "role": "supervisor", "started_on": TODAY().isoformat()}
    )
    assert response.status_code == 302
    backing = Backing.objects.get(peer=peer)
    client.post(reverse("supervision:backing_end", args=[backing.pk]))
    backing.refresh_from_db()
    assert backing.ended_on == TODAY()


def test_a_backing_page_for_someone_who_is_not_a_peer_is_not_found(client, coordinator, clinician):
    client.force_login(coordinator)
    url = reverse("supervision:backing_create", args=[clinician.pk])
    assert client.get(url).status_code == 404


def test_starting_marking_and_changing_the_checklist(client, coordinator, peer):
    client.force_login(coordinator)
    start = reverse("supervision:onboarding_start", args=[peer.pk])
    assert client.post(start, {"started_on": TODAY().isoformat()}).status_code == 302
    item = OnboardingItem.objects.get(peer=peer, step="office")
    done = reverse("supervision:onboarding_done", args=[item.pk])
    future = (TODAY() + timedelta(days=2)).isoformat()
    response = client.post(done, {"done_on": future})
    assert response.status_code == 200 and "done_on" in response.context["form"].errors
    assert client.post(done, {"done_on": TODAY().isoformat()}).status_code == 302
    edit = reverse("supervision:onboarding_edit", args=[item.pk])
    response = client.post(edit, {"due_on": "", "comment": "Desk 4"})
    assert "due_on" in response.context["form"].errors
    item.refresh_from_db()
    assert item.done_on == TODAY() and item.comment == ""


def test_a_first_day_far_away_is_refused_on_the_checklist_page(client, coordinator, peer):
    client.force_login(coordinator)
    start = reverse("supervision:onboarding_start", args=[peer.pk])
    response = client.post(start, {"started_on": "2001-01-01"})
    assert response.status_code == 200
    assert "started_on" in response.context["start_form"].errors


def test_linking_a_declaration_through_the_picker(client, coordinator, peer):
    record = ClientFactory(display_name="Quentin Pickme")
    declaration = services.declaration_make(acting_user=peer, details="Quentin")
    client.force_login(coordinator)
    url = reverse("supervision:declaration_link", args=[declaration.pk])
    page = client.get(url, {"q": "Pickme"}).content.decode()
    assert "Quentin Pickme" in page
    response = client.post(url, {"record": record.pk})
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.record == record


def test_the_picker_refuses_a_record_on_the_field(client, coordinator, peer):
    declaration = services.declaration_make(acting_user=peer, details="Quentin")
    client.force_login(coordinator)
    url = reverse("supervision:declaration_link", args=[declaration.pk])
    response = client.post(url, {"record": 999999})
    assert response.status_code == 200 and "record" in response.context["form"].errors


def test_staff_teams_are_created_and_a_name_taken_is_refused_on_the_field(
    client, coordinator, peer
):
    client.force_login(coordinator)
    url = reverse("supervision:team_create")
    response = client.post(url, {"name": "Clinic A", "members": [peer.pk], "is_active": "on"})
    assert response.status_code == 302
    team = StaffTeam.objects.get()
    assert list(team.members.all()) == [peer] and team.is_active
    response = client.post(url, {"name": "clinic a"})
    assert response.status_code == 200 and "name" in response.context["form"].errors
    edit = reverse("supervision:team_edit", args=[team.pk])
    assert versioned(client).post(edit, {"name": "Clinic A", "members": []}).status_code == 302
    team.refresh_from_db()
    assert not team.is_active and not team.members.exists()


# Query counts: the same with one peer as with five.


@pytest.mark.parametrize(
    "url_name", ["supervision:peers", "supervision:declarations", "supervision:teams", "home"]
)
def test_the_lists_read_as_many_queries_for_five_peers_as_for_one(client, coordinator, url_name):
    client.force_login(coordinator)
    url = reverse(url_name)

    def measure():
        client.get(url)  # warm the session and content types
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for peer in _peers(1, coordinator):
        services.declaration_make(acting_user=peer, details="2015")
        services.staff_team_save(acting_user=coordinator, name=f"Team {peer.pk}", members=[peer])
    one = measure()
    for peer in _peers(4, coordinator):
        services.declaration_make(acting_user=peer, details="2015")
        services.staff_team_save(acting_user=coordinator, name=f"Team {peer.pk}", members=[peer])
    five = measure()
    assert five == one


def test_my_page_reads_as_many_queries_with_a_full_checklist(client, coordinator, peer):
    client.force_login(peer)
    url = reverse("me:profile")
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    services.onboarding_start(acting_user=coordinator, peer=peer)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)


# The coordinator's home.


def test_onboarding_overdue_shows_on_the_coordinators_home(client, coordinator):
    late, on_time = _peers(1, coordinator) + _peers(1, coordinator, overdue=False)
    client.force_login(coordinator)
    response = client.get(reverse("home"))
    card = response.context["staff_people_onboarding_overdue"]
    assert card.total == 1
    assert card.lines[0].text == str(late)
    assert card.lines[0].url == reverse("supervision:onboarding", args=[late.pk])
    # Twenty days in: the four steps of the first week and the reference persons.
    assert card.lines[0].detail == "5 steps overdue"
    assert str(on_time) not in response.content.decode()


@pytest.mark.parametrize("persona", ["peer", "clinician", "researcher"])
def test_nobody_else_gets_the_onboarding_card(client, request, persona, coordinator):
    _peers(1, coordinator)
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("home"))
    assert not response.context["staff_people_onboarding_overdue"]


def test_the_account_page_shows_who_backs_a_peer(client, coordinator, peer, supervisor):
    services.onboarding_start(acting_user=coordinator, peer=peer)
    services.staff_team_save(acting_user=coordinator, name="Street team", members=[peer])
    client.force_login(coordinator)
    page = client.get(reverse("accounts:detail", args=[peer.pk])).content.decode()
    assert str(supervisor) in page and "Street team" in page
    assert f"{reverse('work:time')}?peer={peer.pk}" in page
    assert "0 of 7 steps done" in page
