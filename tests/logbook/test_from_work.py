"""One tap turns a meeting or a debriefing into a logbook entry: the form
opens filled in with its date, kind (the source) and length, under a neutral
title, with nothing from its note nor who was there; an activity is counted
once."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from logbook import services
from logbook.models import Entry
from tests.staff.work_world import (  # noqa: F401 (fixtures)
    MEETING_NOTE,
    SUPERVISION_NOTE,
    make_work,
    meeting,
    supervision,
    supervisor,
)


def _new(activity):
    return reverse("logbook:new") + f"?from_work={activity.pk}"


def test_a_meeting_opens_the_form_filled_in(client, peer, clinician, meeting):  # noqa: F811
    client.force_login(peer)
    response = client.get(_new(meeting))
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert initial["occurred_on"] == meeting.occurred_on
    assert initial["source"] == "team_meeting"
    assert initial["title"] == "Team meeting"
    assert initial["duration_minutes"] == 60
    page = response.content.decode()
    assert MEETING_NOTE not in page
    assert clinician.get_full_name() not in page
    assert 'name="duration_minutes" value="60"' in page


def test_a_debriefing_is_counted_as_one_with_a_peer(client, peer, supervisor):  # noqa: F811
    debriefing = make_work(
        "debriefing", supervisor, attendees=[peer], peer=peer, led_by=supervisor, note="Private"
    )
    client.force_login(peer)
    response = client.get(_new(debriefing))
    initial = response.context["form"].initial
    assert (initial["source"], initial["title"]) == ("debriefing", "Debriefing")
    assert "Private" not in response.content.decode()
    assert supervisor.get_full_name() not in response.content.decode()


def test_saving_links_the_entry_to_the_activity(client, peer, meeting):  # noqa: F811
    client.force_login(peer)
    form = client.get(_new(meeting)).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["occurred_on"] = meeting.occurred_on.isoformat()
    data["duration_minutes"] = "55"
    response = client.post(_new(meeting), data)
    entry = Entry.objects.get()
    assert response.status_code == 302
    assert (entry.work_activity, entry.duration_minutes, entry.source) == (
        meeting,
        55,
        "team_meeting",
    )
    assert "55 minutes" in client.get(reverse("logbook:detail", args=[entry.pk])).content.decode()


def test_a_second_entry_for_the_same_activity_is_refused_with_a_link_to_the_first(
    client,
    peer,
    clinician,
    meeting,  # noqa: F811
):
    first = services.entry_save(
        acting_user=peer,
        data={
            "occurred_on": meeting.occurred_on,
            "kind": "observation",
            "source": "team_meeting",
            "title": "Team meeting",
            "narrative": "Counted.",
        },
        work_activity=meeting,
    )
    client.force_login(peer)
    response = client.get(_new(meeting))
    page = response.content.decode()
    assert "already counted in the logbook" in page
    assert reverse("logbook:detail", args=[first.pk]) in page
    assert response.context["form"] is None
    # The clinician was there too, but does not see the peer's entry: no link.
    client.force_login(clinician)
    page = client.get(_new(meeting)).content.decode()
    assert "already counted in the logbook" in page
    assert reverse("logbook:detail", args=[first.pk]) not in page
    with pytest.raises(ValidationError):
        services.entry_save(
            acting_user=clinician,
            data={
                "occurred_on": meeting.occurred_on,
                "kind": "observation",
                "source": "team_meeting",
                "title": "Again",
                "narrative": "Again.",
            },
            work_activity=meeting,
        )
    assert Entry.objects.count() == 1


def test_a_supervision_is_never_counted(client, peer, supervisor, supervision):  # noqa: F811
    client.force_login(peer)
    assert client.get(_new(supervision)).status_code == 403


@pytest.mark.parametrize("name", ["other_peer", "researcher"])
def test_someone_who_was_not_there_gets_404(client, request, meeting, name):  # noqa: F811
    client.force_login(request.getfixturevalue(name))
    assert client.get(_new(meeting)).status_code == 404


def test_a_bad_address_is_not_found(client, peer):
    client.force_login(peer)
    assert client.get(reverse("logbook:new") + "?from_work=abc").status_code == 404


def test_a_plain_entry_has_no_length_field(client, peer):
    client.force_login(peer)
    assert "duration_minutes" not in client.get(reverse("logbook:new")).context["form"].fields
