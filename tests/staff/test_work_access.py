"""Who sees and does what with work that is not an encounter: the persona
matrix of ``work_activity_policy``. A supervision's note is the peer's and
their supervisor's alone: no other peer, no clinician who was (wrongly)
listed as there, no researcher, no coordinator, no safety exception."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from staff.access import work_activity_policy
from tests.staff.work_world import (  # noqa: F401 (fixtures)
    MEETING_NOTE,
    SUPERVISION_NOTE,
    encounter,
    meeting,
    person,
    safety_holder,
    supervision,
    supervisor,
)

A = work_activity_policy.Action
PERSONAS = [
    "supervisor",
    "peer",
    "other_peer",
    "clinician",
    "researcher",
    "coordinator",
    "safety_holder",
    "outsider",
    "anonymous",
]


@pytest.fixture
def persona(request):
    def get(name):
        if name == "anonymous":
            return AnonymousUser()
        return request.getfixturevalue(name)

    return get


# persona: (view, read_note, edit, to_logbook)
SUPERVISION_MATRIX = {
    "supervisor": (True, True, True, False),
    "peer": (True, True, False, False),
    "other_peer": (False, False, False, False),
    "clinician": (False, False, False, False),
    "researcher": (False, False, False, False),
    "coordinator": (False, False, False, False),
    "safety_holder": (False, False, False, False),
    "outsider": (False, False, False, False),
    "anonymous": (False, False, False, False),
}

MEETING_MATRIX = {
    "supervisor": (False, False, False, False),
    "peer": (True, True, True, True),
    "other_peer": (False, False, False, False),
    "clinician": (True, True, False, True),
    "researcher": (False, False, False, False),
    "coordinator": (False, False, False, False),
    "safety_holder": (False, False, False, False),
    "outsider": (False, False, False, False),
    "anonymous": (False, False, False, False),
}


@pytest.mark.parametrize("name", PERSONAS)
def test_supervision_matrix(persona, supervision, safety_holder, name):  # noqa: F811
    user = persona(name)
    view, read, edit, to_logbook = SUPERVISION_MATRIX[name]
    assert work_activity_policy.can(user, A.VIEW, supervision) is view
    assert work_activity_policy.can(user, A.READ_NOTE, supervision) is read
    assert work_activity_policy.can(user, A.EDIT, supervision) is edit
    assert work_activity_policy.can(user, A.TO_LOGBOOK, supervision) is to_logbook
    assert work_activity_policy.visible_to(user).filter(pk=supervision.pk).exists() is view


@pytest.mark.parametrize("name", PERSONAS)
def test_meeting_matrix(persona, meeting, supervisor, safety_holder, name):  # noqa: F811
    user = persona(name)
    view, read, edit, to_logbook = MEETING_MATRIX[name]
    assert work_activity_policy.can(user, A.VIEW, meeting) is view
    assert work_activity_policy.can(user, A.READ_NOTE, meeting) is read
    assert work_activity_policy.can(user, A.EDIT, meeting) is edit
    assert work_activity_policy.can(user, A.TO_LOGBOOK, meeting) is to_logbook


def test_only_the_two_of_a_supervision_may_read_its_note(supervision, peer, supervisor):  # noqa: F811
    readers = work_activity_policy.users_who_can(A.READ_NOTE, supervision)
    assert set(readers) == {peer, supervisor}


@pytest.mark.parametrize(
    "name", ["other_peer", "clinician", "researcher", "coordinator", "safety_holder", "outsider"]
)
def test_the_supervision_page_is_not_found_and_its_note_nowhere(
    client,
    persona,
    supervision,  # noqa: F811
    safety_holder,  # noqa: F811
    name,
):
    client.force_login(persona(name))
    response = client.get(reverse("work:detail", args=[supervision.pk]))
    assert response.status_code == 404
    for url in (reverse("work:list"), reverse("work:time"), reverse("home")):
        page = client.get(url)
        assert SUPERVISION_NOTE not in page.content.decode()


def test_a_coordinator_counts_a_supervision_without_reading_it(
    client,
    coordinator,
    supervision,  # noqa: F811
    peer,
):
    # Counted: its length shows in the peer's time; its note nowhere.
    assert work_activity_policy.metadata_visible_to(coordinator).filter(pk=supervision.pk).exists()
    client.force_login(coordinator)
    response = client.get(reverse("work:time"), {"peer": peer.pk})
    assert response.status_code == 200
    assert SUPERVISION_NOTE not in response.content.decode()


def test_a_peer_counts_only_their_own(other_peer, supervision):  # noqa: F811
    assert not work_activity_policy.can(other_peer, A.COUNT)
    assert (
        not work_activity_policy.metadata_visible_to(other_peer).filter(pk=supervision.pk).exists()
    )


def test_the_two_read_the_note_on_its_page(client, peer, supervisor, supervision):  # noqa: F811
    for user in (peer, supervisor):
        client.force_login(user)
        response = client.get(reverse("work:detail", args=[supervision.pk]))
        assert SUPERVISION_NOTE in response.content.decode()


def test_whoever_was_at_a_meeting_reads_its_note(client, clinician, meeting):  # noqa: F811
    client.force_login(clinician)
    response = client.get(reverse("work:detail", args=[meeting.pk]))
    assert MEETING_NOTE in response.content.decode()
