"""Pages of the interventions app beyond the persona matrix: lists that keep
their filters from page to page, the panels this app adds to the home page and
a person's page, the forms' errors on their fields, and the pickers the policy
fills."""

from datetime import timedelta
from html import unescape

import pytest
from auditlog.context import set_actor
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from interventions import panels
from interventions.choices import Audience, ReviewStatus
from interventions.models import (
    Activity,
    EmergencyAccess,
    Encounter,
    Note,
    Notification,
    PeerRequest,
)
from interventions.selectors import TimelinePage, WaitingWork
from interventions.views.emergency import REVIEW_PAGE
from interventions.views.notifications import NOTIFICATIONS_PAGE
from interventions.views.shared import FEED_PAGE
from peersupport.models import User
from peersupport.roles import Role
from peersupport.slots import HOME_PAGE, PERSON_PAGE
from tests.factories import ClientFactory, put_on_team

pytestmark = pytest.mark.django_db
NOW = timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def _grants(user, person, count, status):
    now = timezone.now()
    for minutes in range(count):
        EmergencyAccess.objects.create(
            client=person,
            user=user,
            reason="risk_to_self",
            justification="x",
            granted_at=now - timedelta(hours=2, minutes=minutes),
            expires_at=now - timedelta(hours=1),
            review_status=status,
        )


def test_the_review_list_keeps_its_filter_from_page_to_page(client, person, clinician, coordinator):
    _grants(clinician, person, REVIEW_PAGE + 3, ReviewStatus.REVIEWED)
    _grants(clinician, person, 2, ReviewStatus.PENDING)
    client.force_login(coordinator)
    first = client.get(reverse("emergency:queue"), {"status": "reviewed"})
    page = unescape(first.content.decode())
    assert 'href="?status=reviewed&page=2"' in page
    second = client.get(reverse("emergency:queue"), {"status": "reviewed", "page": 2})
    grants = list(second.context["page"])
    assert len(grants) == 3
    assert {g.review_status for g in grants} == {ReviewStatus.REVIEWED}
    assert 'href="?status=reviewed&page=1"' in unescape(second.content.decode())


def test_notifications_are_paged_and_marked_read_as_they_are_shown(client, peer):
    for _ in range(NOTIFICATIONS_PAGE + 2):
        Notification.objects.create(recipient=peer, kind="peer_requested")
    client.force_login(peer)
    first = client.get(reverse("notifications:list"))
    assert 'href="?page=2"' in unescape(first.content.decode())
    assert all(n.read_at is None for n in first.context["page"])  # bold on this showing
    assert Notification.objects.filter(read_at__isnull=True).count() == 2
    client.get(reverse("notifications:list"), {"page": 2})
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_the_shared_feed_keeps_its_filters_from_page_to_page(
    client, person, peer, clinician, make_note
):
    for _ in range(FEED_PAGE + 1):
        make_note(person, peer, Audience.CARE_TEAM)
    client.force_login(clinician)
    response = client.get(reverse("shared:feed"), {"client": person.pk, "since": "2020-01-01"})
    page = unescape(response.content.decode())
    assert f'href="?client={person.pk}&since=2020-01-01&page=2"' in page


def _request(user, path="/", **params):
    request = RequestFactory().get(path, params)
    request.user = user
    return request


def test_the_person_page_panel_gives_exactly_the_agreed_keys(person, clinician, make_note, peer):
    make_note(person, peer, Audience.CARE_TEAM)
    with set_actor(clinician):  # as the audit middleware does for each request
        context = panels.person_page(_request(clinician), client=person)
    assert set(context) == {
        "timeline",
        "notes_hidden_by_consent",
        "emergency_access",
        "can_write_notes",
        "can_log_encounter",
        "can_open_emergency",
        "can_request_peer",
    }
    assert isinstance(context["timeline"], TimelinePage)
    assert (context["notes_hidden_by_consent"], context["emergency_access"]) == (0, None)
    assert context["can_write_notes"] and context["can_log_encounter"]
    assert context["can_open_emergency"] and context["can_request_peer"]


@pytest.mark.parametrize(
    ("persona", "flags"),
    [
        ("peer", {"can_write_notes", "can_log_encounter"}),
        (
            "clinician",
            {"can_write_notes", "can_log_encounter", "can_open_emergency", "can_request_peer"},
        ),
        ("coordinator", {"can_open_emergency"}),
    ],
)
def test_the_person_page_flags_follow_the_policies(request, person, persona, flags):
    user = request.getfixturevalue(persona)
    with set_actor(user):
        context = panels.person_page(_request(user), client=person)
    assert {key for key, value in context.items() if key.startswith("can_") and value} == flags


def test_the_person_page_panel_records_the_reads_of_the_bodies_it_shows(
    person, peer, clinician, make_note
):
    from auditlog.models import LogEntry

    note = make_note(person, peer, Audience.CARE_TEAM)
    with set_actor(clinician):  # as the audit middleware does for each request
        panels.person_page(_request(clinician, page="x"), client=person)  # a bad page: the first
    (read,) = LogEntry.objects.get_for_object(note).filter(action=LogEntry.Action.ACCESS)
    assert (read.actor, read.additional_data["via"]) == (clinician, "timeline")


def test_the_panels_are_registered_in_their_slots():
    assert panels.person_page in PERSON_PAGE._providers
    assert panels.home_page in HOME_PAGE._providers


def test_the_home_page_panel_counts_what_waits(person, clinician, coordinator):
    PeerRequest.objects.create(client=person, requested_by=clinician, reason="Court")
    waiting = HOME_PAGE.context(_request(coordinator))["waiting"]
    assert isinstance(waiting, WaitingWork) and waiting.open_peer_requests == 1


def test_a_link_asking_for_an_audience_not_allowed_says_why_on_the_field(
    client, person, peer, coordinator
):
    from clients import services as client_services
    from clients.choices import Purpose

    client_services.consent_withdraw(
        acting_user=coordinator, client=person, purpose=Purpose.CARE_TEAM_SHARING
    )
    client.force_login(peer)
    response = client.get(reverse("notes:new", args=[person.pk]), {"audience": "care_team"})
    form = response.context["form"]
    assert form["audience"].initial == Audience.PEER_TEAM
    assert form.errors["audience"] == [
        "This person has not consented to sharing with the care team."
    ]
    assert "has not consented to sharing" in response.content.decode()
    assert not Note.objects.exists()


def test_a_link_asking_for_an_allowed_audience_opens_with_it(client, person, peer):
    client.force_login(peer)
    response = client.get(reverse("notes:new", args=[person.pk]), {"audience": "care_team"})
    form = response.context["form"]
    assert form["audience"].initial == Audience.CARE_TEAM and not form.errors


def _post_encounter(client, **data):
    return client.post(
        reverse("encounters:new"),
        {"setting": "street", "activities": [Activity.objects.first().pk], "occurred_at": NOW}
        | data,
    )


def test_the_encounters_own_rules_show_on_their_fields_with_the_others(client, peer, person):
    client.force_login(peer)
    response = client.post(
        reverse("encounters:new"),
        {"client": person.pk, "anonymous_count": 3, "occurred_at": "1990-05-01T10:00"},
    )
    errors = response.context["form"].errors
    assert {"anonymous_count", "occurred_at", "setting", "activities"} <= set(errors)
    assert errors["anonymous_count"] == [
        "An encounter is with a registered person or anonymous, not both."
    ]
    assert not Encounter.objects.exists()


def test_a_living_situation_needs_a_person(client, peer):
    client.force_login(peer)
    response = _post_encounter(client, anonymous_count=2, situation="encampment")
    assert "situation" in response.context["form"].errors
    assert not Encounter.objects.exists()


def test_a_note_written_at_an_anonymous_contact_is_refused_on_its_field(client, peer):
    client.force_login(peer)
    response = _post_encounter(client, anonymous_count=2, note="Who were they?")
    assert response.context["form"].errors["note"] == ["Notes are about a registered person."]
    assert not Encounter.objects.exists()


def test_the_encounter_form_offers_the_persons_care_team_to_take_part(
    client, person, peer, peer_b, clinician, clinician_b, coordinator, researcher
):
    client.force_login(peer)
    form = client.get(reverse("encounters:new"), {"client": person.pk}).context["form"]
    assert set(form.fields["participants"].queryset) == {peer_b, clinician, clinician_b}


def test_with_no_person_chosen_the_form_offers_the_authors_colleagues_never_every_account(
    client, person, peer, peer_b, clinician, clinician_b, other_clinician, other_peer
):
    # other_peer and other_clinician work on someone else's care team only.
    client.force_login(peer)
    response = client.get(reverse("encounters:new"))
    offered = set(response.context["form"].fields["participants"].queryset)
    assert offered == {peer_b, clinician, clinician_b}
    assert str(other_clinician) not in response.content.decode()


def test_a_new_peer_on_no_care_team_is_offered_nobody(client, peer, other_clinician):
    client.force_login(peer)
    form = client.get(reverse("encounters:new")).context["form"]
    assert not form.fields["participants"].queryset.exists()


def test_someone_off_the_persons_care_team_is_refused_on_the_field_by_name(
    client, person, peer, other_peer, other_clinician
):
    another = ClientFactory()
    put_on_team(another, peer)
    put_on_team(another, other_clinician)  # a colleague, on another person's team
    client.force_login(peer)
    response = client.post(
        reverse("encounters:new"),
        {
            "client": person.pk,
            "participants": [other_clinician.pk],
            "setting": "street",
            "activities": [Activity.objects.first().pk],
            "occurred_at": NOW,
        },
    )
    assert response.context["form"].errors["participants"] == [
        f"Only members of this person’s care team can be added: {other_clinician}."
    ]
    offered = set(response.context["form"].fields["participants"].queryset)
    assert other_clinician not in offered
    assert not Encounter.objects.exists()


def test_at_an_anonymous_contact_only_the_authors_colleagues_can_be_named(
    client, person, peer, clinician, other_clinician
):
    client.force_login(peer)
    refused = _post_encounter(client, anonymous_count=2, participants=[other_clinician.pk])
    assert refused.context["form"].errors["participants"] == [
        "Only members of the person’s care team can be named, or at an anonymous "
        "contact your colleagues on your care teams."
    ]
    assert not Encounter.objects.exists()
    assert (
        _post_encounter(client, anonymous_count=2, participants=[clinician.pk]).status_code == 302
    )
    assert list(Encounter.objects.get().participants.all()) == [clinician]


def test_the_coordinator_picks_a_peer_and_a_peer_takes_the_request(
    client, person, clinician, coordinator, peer, peer_b, other_peer
):
    PeerRequest.objects.create(client=person, requested_by=clinician, reason="Court")
    client.force_login(coordinator)
    response = client.get(reverse("shared:requests"))
    assert response.context["can_assign"]
    assert set(response.context["peers"]) == {peer, peer_b, other_peer}
    assert 'name="peer"' in response.content.decode()
    client.force_login(other_peer)
    response = client.get(reverse("shared:requests"))
    assert not response.context["can_assign"] and response.context["peers"] is None
    assert "I will take it" in response.content.decode()


def test_with_no_active_peer_the_coordinator_is_told_to_create_one(
    client, person, clinician, coordinator
):
    PeerRequest.objects.create(client=person, requested_by=clinician, reason="Court")
    User.objects.filter(role_grants__role=Role.PEER).update(is_active=False)
    client.force_login(coordinator)
    page = client.get(reverse("shared:requests")).content.decode()
    assert "No peer account is active yet" in page
    assert 'name="peer"' not in page and "I will take it" not in page


def test_a_coordinator_cannot_assign_someone_who_is_not_a_peer(
    client, person, clinician, coordinator, other_clinician
):
    asked = PeerRequest.objects.create(client=person, requested_by=clinician, reason="Court")
    client.force_login(coordinator)
    response = client.post(reverse("shared:fulfil", args=[asked.pk]), {"peer": other_clinician.pk})
    assert response.status_code == 404
    asked.refresh_from_db()
    assert asked.status == "open"


def test_a_link_asking_for_an_audience_of_another_role_says_so_on_the_field(client, person, peer):
    client.force_login(peer)
    response = client.get(reverse("notes:new", args=[person.pk]), {"audience": "clinical_team"})
    form = response.context["form"]
    assert form["audience"].initial == Audience.PEER_TEAM
    assert form.errors["audience"] == ["You cannot choose this audience."]


def test_the_persons_page_offers_this_apps_actions_to_whom_they_belong(
    client, person, peer, clinician, coordinator
):
    url = reverse("clients:detail", args=[person.pk])
    client.force_login(clinician)
    page = client.get(url).content.decode()
    assert reverse("notes:new", args=[person.pk]) in page
    assert reverse("shared:request_new", args=[person.pk]) in page
    assert reverse("safety:open", args=[person.pk]) in page
    assert "Encounters and notes" in page
    client.force_login(peer)
    page = client.get(url).content.decode()
    assert reverse("notes:new", args=[person.pk]) in page
    assert reverse("shared:request_new", args=[person.pk]) not in page
    assert reverse("safety:open", args=[person.pk]) not in page
    client.force_login(coordinator)
    page = client.get(url).content.decode()
    assert reverse("notes:new", args=[person.pk]) not in page
    assert reverse("safety:open", args=[person.pk]) in page
