"""The pages of work that is not an encounter: the list (filtered by kind,
in fixed queries), logging with the kind first, the page (its note read only
by who may, and audited), changing it, and time by kind."""

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from staff.models import WorkActivity
from tests.form_versions import versioned
from tests.staff.work_world import (  # noqa: F401 (fixtures)
    MEETING_NOTE,
    SUPERVISION_NOTE,
    make_work,
    meeting,
    supervision,
    supervisor,
)


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# The list.


def test_the_list_shows_my_work_newest_first(client, peer, clinician):
    older = make_work("training", peer, days_ago=10)
    newer = make_work("meeting", peer, days_ago=2)
    make_work("meeting", clinician)  # not the peer's
    client.force_login(peer)
    response = client.get(reverse("work:list"))
    assert [row.pk for row in response.context["page"]] == [newer.pk, older.pk]


def test_the_list_filters_by_kind(client, peer):
    make_work("training", peer)
    held = make_work("meeting", peer)
    client.force_login(peer)
    response = client.get(reverse("work:list"), {"kind": "meeting"})
    assert [row.pk for row in response.context["page"]] == [held.pk]


def test_the_list_never_shows_a_note(client, peer, supervisor, supervision):  # noqa: F811
    client.force_login(peer)
    assert SUPERVISION_NOTE not in client.get(reverse("work:list")).content.decode()


@pytest.mark.parametrize("kind", ["", "supervision"])
def test_the_list_takes_as_many_queries_for_many_rows_as_for_one(
    client,
    peer,
    supervisor,  # noqa: F811
    clinician,
    kind,
):
    client.force_login(peer)
    url = reverse("work:list") + (f"?kind={kind}" if kind else "")
    make_work("supervision", supervisor, attendees=[peer], peer=peer, led_by=supervisor)
    one = queries_for(client, url)
    for days in range(20):
        make_work("supervision", peer, attendees=[supervisor], peer=peer, led_by=supervisor)
        make_work("meeting", peer, attendees=[clinician], days_ago=days)
    assert queries_for(client, url) == one


def test_someone_without_work_to_log_gets_404(client, outsider):
    client.force_login(outsider)
    for name in ("work:list", "work:create", "work:time"):
        assert client.get(reverse(name)).status_code == 404


# Logging.


def test_the_kind_is_chosen_first(client, peer):
    client.force_login(peer)
    page = client.get(reverse("work:create")).content.decode()
    assert "?kind=supervision" in page and "?kind=outreach" in page
    form = client.get(reverse("work:create"), {"kind": "meeting"})
    assert "partner" not in form.context["form"].fields
    assert "peer" not in form.context["form"].fields
    outreach = client.get(reverse("work:create"), {"kind": "outreach"})
    assert {"partner", "contacts_count"} <= set(outreach.context["form"].fields)


def test_a_peer_logs_a_supervision_with_their_supervisor_filled_in(
    client,
    peer,
    supervisor,  # noqa: F811
):
    client.force_login(peer)
    url = reverse("work:create") + "?kind=supervision"
    form = client.get(url).context["form"]
    assert form.initial["peer"] == peer.pk and form.initial["led_by"] == supervisor.pk
    assert "attendees" not in form.fields
    response = client.post(
        url,
        {
            "occurred_on": timezone.localdate().isoformat(),
            "duration_minutes": "50",
            "peer": peer.pk,
            "led_by": supervisor.pk,
            "note": "Hard week",
        },
    )
    activity = WorkActivity.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("work:detail", args=[activity.pk])
    assert (activity.kind, activity.duration_minutes, activity.note) == (
        "supervision",
        50,
        "Hard week",
    )


def test_errors_land_on_their_fields(client, other_peer, peer, supervisor):  # noqa: F811
    client.force_login(other_peer)
    response = client.post(
        reverse("work:create") + "?kind=supervision",
        {
            "occurred_on": timezone.localdate().isoformat(),
            "duration_minutes": "50",
            "peer": peer.pk,
            "led_by": supervisor.pk,
        },
    )
    assert response.status_code == 200
    assert "peer" in response.context["form"].errors
    assert not WorkActivity.objects.exists()
    response = client.post(
        reverse("work:create") + "?kind=meeting", {"occurred_on": "", "duration_minutes": "0"}
    )
    assert set(response.context["form"].errors) == {"occurred_on", "duration_minutes"}


# Its page.


def test_reading_a_note_is_audited(client, peer, supervisor, supervision):  # noqa: F811
    client.force_login(peer)
    client.get(reverse("work:detail", args=[supervision.pk]))
    reads = LogEntry.objects.get_for_object(supervision).filter(action=LogEntry.Action.ACCESS)
    assert reads.count() == 1
    assert reads.get().actor == peer


def test_the_edit_form_shows_the_note_so_opening_it_is_a_read_in_the_trail(
    client,
    supervisor,  # noqa: F811
    supervision,  # noqa: F811
):
    client.force_login(supervisor)  # who logged it
    page = client.get(reverse("work:edit", args=[supervision.pk])).content.decode()
    assert supervision.note in page
    reads = LogEntry.objects.get_for_object(supervision).filter(action=LogEntry.Action.ACCESS)
    assert [entry.actor for entry in reads] == [supervisor]


def test_a_meeting_offers_the_logbook_a_supervision_does_not(
    client,
    peer,
    supervisor,  # noqa: F811
    supervision,  # noqa: F811
    meeting,  # noqa: F811
):
    client.force_login(peer)
    logbook = reverse("logbook:new") + "?from_work="
    assert logbook in client.get(reverse("work:detail", args=[meeting.pk])).content.decode()
    page = client.get(reverse("work:detail", args=[supervision.pk])).content.decode()
    assert logbook not in page


@pytest.mark.parametrize("name", ["work:detail", "work:edit"])
def test_someone_who_was_not_there_gets_404(client, other_peer, meeting, name):  # noqa: F811
    client.force_login(other_peer)
    assert client.get(reverse(name, args=[meeting.pk])).status_code == 404


def test_who_was_there_but_did_not_log_it_may_not_change_it(client, clinician, meeting):  # noqa: F811
    client.force_login(clinician)
    assert client.get(reverse("work:edit", args=[meeting.pk])).status_code == 403


def test_a_change_adds_to_the_note(client, peer, clinician, meeting):  # noqa: F811
    client.force_login(peer)
    url = reverse("work:edit", args=[meeting.pk])
    form = client.get(url).context["form"]
    assert "note" not in form.fields and "add_to_note" in form.fields
    response = versioned(client).post(
        url,
        {
            "occurred_on": meeting.occurred_on.isoformat(),
            "duration_minutes": "75",
            "attendees": [clinician.pk],
            "add_to_note": "And the rota",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.duration_minutes == 75
    assert meeting.note.startswith(MEETING_NOTE) and meeting.note.endswith("And the rota")


# Time by kind.


def test_a_coordinator_picks_any_peer_others_get_404(client, coordinator, peer, other_peer):
    client.force_login(coordinator)
    assert client.get(reverse("work:time"), {"peer": peer.pk}).status_code == 200
    client.force_login(other_peer)
    assert client.get(reverse("work:time"), {"peer": peer.pk}).status_code == 404
    assert client.get(reverse("work:time"), {"peer": "x"}).status_code == 404
    response = client.get(reverse("work:time"))
    assert response.status_code == 200 and response.context["peer"] == other_peer


def test_the_time_page_takes_fixed_queries(client, peer, clinician):
    client.force_login(peer)
    url = reverse("work:time")
    make_work("meeting", peer)
    one = queries_for(client, url)
    for days in range(20):
        make_work("training", peer, days_ago=days * 5, attendees=[clinician])
    assert queries_for(client, url) == one
