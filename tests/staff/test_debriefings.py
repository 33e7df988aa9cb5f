"""Debriefings asked for: one tap from an encounter's page, the supervisor
told by the request's number only (never a name), the request on their home,
held (logged now or linked to a debriefing logged already) or withdrawn."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from interventions.models import Encounter, Notification
from interventions.templatetags.notes_tags import notification_text
from staff import work_services
from staff.choices import DebriefingStatus
from staff.models import DebriefingRequest, WorkActivity
from tests.staff.work_world import (  # noqa: F401 (fixtures)
    encounter,
    make_work,
    person,
    supervisor,
)


def _ask(client, encounter=None):  # noqa: F811
    url = reverse("work:debriefing_ask")
    if encounter is not None:
        url += f"?encounter={encounter.pk}"
    return client.post(url)


# Asking.


def test_a_peer_asks_in_one_tap_from_an_encounter_they_logged(
    client,
    peer,
    supervisor,  # noqa: F811
    encounter,  # noqa: F811
):
    client.force_login(peer)
    page = client.get(reverse("encounters:detail", args=[encounter.pk])).content.decode()
    assert "Ask for a debriefing" in page
    response = _ask(client, encounter)
    assert response.status_code == 302
    assert response.url == reverse("encounters:detail", args=[encounter.pk])
    asked = DebriefingRequest.objects.get()
    assert (asked.peer, asked.supervisor, asked.encounter) == (peer, supervisor, encounter)
    assert asked.status == DebriefingStatus.OPEN
    page = client.get(response.url).content.decode()
    assert f"Request #{asked.pk} sent" in page
    assert "Ask for a debriefing" not in page


def test_the_supervisor_is_told_the_request_number_and_no_name(
    peer,
    supervisor,  # noqa: F811
    encounter,  # noqa: F811
    person,  # noqa: F811
):
    asked, new = work_services.debriefing_ask(acting_user=peer, encounter=encounter)
    assert new
    notification = Notification.objects.get()
    assert notification.recipient == supervisor
    assert notification.kind == "debriefing_requested"
    assert notification.url == reverse("work:debriefings")
    assert notification.params == {"request_id": asked.pk}
    text = notification_text(notification)
    assert text == f"Debriefing asked for: request #{asked.pk}"
    for name in (person.display_name, peer.first_name, peer.last_name, peer.username):
        assert name not in text


def test_a_second_tap_keeps_the_one_request_waiting(peer, supervisor, encounter):  # noqa: F811
    first, _ = work_services.debriefing_ask(acting_user=peer, encounter=encounter)
    again, new = work_services.debriefing_ask(acting_user=peer)
    assert again == first and not new
    assert DebriefingRequest.objects.count() == 1
    assert Notification.objects.count() == 1


def test_without_a_supervisor_the_refusal_says_why(client, peer, encounter):  # noqa: F811
    client.force_login(peer)
    page = client.get(reverse("encounters:detail", args=[encounter.pk])).content.decode()
    assert "Ask for a debriefing" not in page
    response = _ask(client, encounter)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "You have no supervisor named yet" in page
    assert not DebriefingRequest.objects.exists()
    assert not Notification.objects.exists()


def test_an_encounter_the_peer_cannot_see_is_not_found(
    client,
    other_peer,
    encounter,  # noqa: F811
    coordinator,
):
    from tests.factories import name_supervisor

    name_supervisor(other_peer, coordinator)
    client.force_login(other_peer)
    assert _ask(client, encounter).status_code == 404
    assert not DebriefingRequest.objects.exists()


def test_the_button_is_only_for_encounters_the_peer_logged_or_took_part_in(
    client,
    peer,
    other_peer,
    supervisor,  # noqa: F811
    person,  # noqa: F811
    coordinator,
):
    from tests.factories import name_supervisor, put_on_team

    name_supervisor(other_peer, coordinator)
    put_on_team(person, other_peer)
    theirs = Encounter.objects.create(client=person, author=other_peer, setting="street")
    client.force_login(peer)
    url = reverse("encounters:detail", args=[theirs.pk])
    assert "Ask for a debriefing" not in client.get(url).content.decode()
    theirs.participants.add(peer)
    assert "Ask for a debriefing" in client.get(url).content.decode()


def test_a_clinician_cannot_ask(clinician):
    with pytest.raises(PermissionDenied):
        work_services.debriefing_ask(acting_user=clinician)


def test_asking_takes_a_post(client, peer, supervisor):  # noqa: F811
    client.force_login(peer)
    assert client.get(reverse("work:debriefing_ask")).status_code == 405


# The supervisor's home and list.


def test_the_supervisor_sees_the_request_on_their_home_without_a_name(
    client,
    peer,
    supervisor,  # noqa: F811
    encounter,  # noqa: F811
    person,  # noqa: F811
):
    asked, _ = work_services.debriefing_ask(acting_user=peer, encounter=encounter)
    client.force_login(supervisor)
    home = client.get(reverse("home")).content.decode()
    assert "1 debriefing asked of you" in home
    assert f"Request #{asked.pk}" in home
    assert person.display_name not in home
    client.force_login(peer)
    assert f"Request #{asked.pk}, asked on" in client.get(reverse("home")).content.decode()


def test_the_list_shows_both_sides(client, peer, supervisor):  # noqa: F811
    asked, _ = work_services.debriefing_ask(acting_user=peer)
    client.force_login(peer)
    response = client.get(reverse("work:debriefings"))
    assert response.context["asked_by_me"] == [asked]
    client.force_login(supervisor)
    response = client.get(reverse("work:debriefings"))
    assert response.context["asked_of_me"] == [asked]
    assert reverse("work:debriefing_hold", args=[asked.pk]) in response.content.decode()


def test_the_list_takes_fixed_queries(client, peer, supervisor):  # noqa: F811
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("work:debriefings")).status_code == 200
        return len(queries)

    client.force_login(supervisor)
    asked, _ = work_services.debriefing_ask(acting_user=peer)
    one = count()
    for _ in range(10):
        work_services.debriefing_withdraw(acting_user=peer, request=asked)
        asked, _ = work_services.debriefing_ask(acting_user=peer)
    assert count() == one


# Held or withdrawn.


def test_the_supervisor_logs_the_debriefing_held(client, peer, supervisor):  # noqa: F811
    asked, _ = work_services.debriefing_ask(acting_user=peer)
    client.force_login(supervisor)
    url = reverse("work:debriefing_hold", args=[asked.pk])
    response = client.post(
        url,
        {
            "occurred_on": timezone.localdate().isoformat(),
            "duration_minutes": "40",
            "note": "Went over the night",
        },
    )
    asked.refresh_from_db()
    activity = asked.held_as
    assert response.status_code == 302
    assert response.url == reverse("work:detail", args=[activity.pk])
    assert asked.status == DebriefingStatus.HELD and asked.closed_at is not None
    assert (activity.kind, activity.peer, activity.led_by) == ("debriefing", peer, supervisor)
    assert set(activity.attendees.all()) == {peer, supervisor}


def test_the_hold_form_says_what_is_missing(client, peer, supervisor):  # noqa: F811
    asked, _ = work_services.debriefing_ask(acting_user=peer)
    client.force_login(supervisor)
    response = client.post(reverse("work:debriefing_hold", args=[asked.pk]), {"occurred_on": ""})
    assert response.status_code == 200
    assert {"duration_minutes", "occurred_on"} <= set(response.context["form"].errors)
    asked.refresh_from_db()
    assert asked.status == DebriefingStatus.OPEN


def test_a_debriefing_logged_already_is_linked(peer, clinician, supervisor):  # noqa: F811
    asked, _ = work_services.debriefing_ask(acting_user=peer)
    logged = make_work("debriefing", supervisor, attendees=[peer], peer=peer, led_by=supervisor)
    # Led by someone else: not the supervisor's to link.
    other = make_work("debriefing", clinician, attendees=[peer], peer=peer, led_by=clinician)
    assert list(work_services.debriefings_to_link(asked, supervisor)) == [logged]
    with pytest.raises(ValidationError):
        work_services.debriefing_hold(acting_user=supervisor, request=asked, activity=other)
    work_services.debriefing_hold(acting_user=supervisor, request=asked, activity=logged)
    asked.refresh_from_db()
    assert asked.held_as == logged
    assert WorkActivity.objects.count() == 2


def test_a_debriefing_held_for_one_request_is_not_linked_to_another(
    peer,
    supervisor,  # noqa: F811
):
    logged = make_work("debriefing", supervisor, attendees=[peer], peer=peer, led_by=supervisor)
    first, _ = work_services.debriefing_ask(acting_user=peer)
    work_services.debriefing_hold(acting_user=supervisor, request=first, activity=logged)
    second, _ = work_services.debriefing_ask(acting_user=peer)
    with pytest.raises(ValidationError) as refused:
        work_services.debriefing_hold(acting_user=supervisor, request=second, activity=logged)
    assert "activity" in refused.value.message_dict


def test_only_the_supervisor_says_it_was_held(client, peer, other_peer, supervisor):  # noqa: F811
    asked, _ = work_services.debriefing_ask(acting_user=peer)
    client.force_login(peer)
    assert client.get(reverse("work:debriefing_hold", args=[asked.pk])).status_code == 403
    client.force_login(other_peer)
    assert client.get(reverse("work:debriefing_hold", args=[asked.pk])).status_code == 404


def test_the_peer_withdraws_and_the_request_stays(client, peer, supervisor):  # noqa: F811
    asked, _ = work_services.debriefing_ask(acting_user=peer)
    client.force_login(supervisor)
    assert client.post(reverse("work:debriefing_withdraw", args=[asked.pk])).status_code == 403
    client.force_login(peer)
    response = client.post(reverse("work:debriefing_withdraw", args=[asked.pk]))
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.status == DebriefingStatus.WITHDRAWN
    assert client.get(reverse("work:debriefings")).context["asked_by_me"] == [asked]
    # Withdrawn, it may not be held any more.
    with pytest.raises(PermissionDenied):
        work_services.debriefing_hold(
            acting_user=supervisor,
            request=asked,
            occurred_on=timezone.localdate() - timedelta(days=1),
            duration_minutes=30,
        )


def test_the_hold_form_offers_a_debriefing_logged_already_in_words(
    client,
    peer,
    supervisor,  # noqa: F811
):
    asked, _ = work_services.debriefing_ask(acting_user=peer)
    logged = make_work(
        "debriefing", supervisor, attendees=[peer], peer=peer, led_by=supervisor, minutes=25
    )
    client.force_login(supervisor)
    response = client.get(reverse("work:debriefing_hold", args=[asked.pk]))
    page = response.content.decode()
    assert f'value="{logged.pk}"' in page
    assert "Debriefing of " in page and ", 25 minutes" in page
    response = client.post(
        reverse("work:debriefing_hold", args=[asked.pk]), {"activity": logged.pk}
    )
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.held_as == logged
