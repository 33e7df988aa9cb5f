"""Every URL of the interventions app, for every persona. Allowed cells show the
page or make the change; refused cells answer 404 (403 for something the user
may see but not change that way) and leave the database as it was."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients import services as client_services
from clients.choices import Purpose
from interventions.choices import Audience
from interventions.models import Activity, EmergencyAccess, Encounter, Note, PeerRequest
from tests.db_snapshot import snapshot
from tests.factories import TEST_PASSWORD
from tests.form_versions import versioned, with_version

pytestmark = pytest.mark.django_db
NOW = timezone.localtime().strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def world(person, peer, clinician, make_note):
    encounter = Encounter.objects.create(client=person, setting="street", author=peer)
    encounter.activities.set([Activity.objects.first()])
    signed = make_note(person, peer, Audience.PEER_TEAM)
    draft = make_note(person, peer, Audience.PEER_TEAM, signed=False)
    shared = make_note(person, peer, Audience.CARE_TEAM)
    grant = EmergencyAccess.objects.create(
        client=person,
        user=clinician,
        reason="risk_to_self",
        justification="x",
        granted_at=timezone.now() - timedelta(hours=2),
        expires_at=timezone.now() - timedelta(hours=1),
    )
    request = PeerRequest.objects.create(client=person, requested_by=clinician, reason="Court")
    return {
        "encounter": encounter,
        "signed": signed,
        "draft": draft,
        "shared": shared,
        "grant": grant,
        "request": request,
    }


def requests_for(world, person, other_peer):
    activity = Activity.objects.first().pk
    return {
        "enc_new": ("get", reverse("encounters:new"), None),
        "enc_log": (
            "post",
            reverse("encounters:new"),
            {
                "client": person.pk,
                "setting": "street",
                "activities": [activity],
                "occurred_at": NOW,
            },
        ),
        "enc_detail": ("get", reverse("encounters:detail", args=[world["encounter"].pk]), None),
        "note": ("get", reverse("notes:detail", args=[world["signed"].pk]), None),
        "draft_save": (
            "post",
            reverse("notes:save", args=[world["draft"].pk]),
            {
                "body": "Changed",
                "audience": "peer_team",
            },
        ),
        "addendum": (
            "post",
            reverse("notes:addendum", args=[world["signed"].pk]),
            {"body": "More"},
        ),
        "audience": (
            "post",
            reverse("notes:audience", args=[world["signed"].pk]),
            {
                "audience": "care_team",
            },
        ),
        "note_new": ("get", reverse("notes:new", args=[person.pk]), None),
        "feed": ("get", reverse("shared:feed"), None),
        "conversation": ("get", reverse("shared:conversation", args=[world["shared"].pk]), None),
        "requests": ("get", reverse("shared:requests"), None),
        "fulfil": (
            "post",
            reverse("shared:fulfil", args=[world["request"].pk]),
            {
                "peer": other_peer.pk,
            },
        ),
        "request_new": ("get", reverse("shared:request_new", args=[person.pk]), None),
        "safety_form": ("get", reverse("safety:open", args=[person.pk]), None),
        "safety_open": (
            "post",
            reverse("safety:open", args=[person.pk]),
            {
                "reason": "risk_to_self",
                "justification": "Threatened to jump",
                "password": TEST_PASSWORD,
            },
        ),
        "audit": ("get", reverse("audit"), None),
        "queue": ("get", reverse("emergency:queue"), None),
        "review": (
            "post",
            reverse("emergency:review", args=[world["grant"].pk]),
            {
                "status": "reviewed",
                "comment": "ok",
            },
        ),
        "disclosure": ("get", reverse("emergency:disclosure", args=[world["grant"].pk]), None),
        "notifications": ("get", reverse("notifications:list"), None),
    }


NAMES = [
    "enc_new",
    "enc_log",
    "enc_detail",
    "note",
    "draft_save",
    "addendum",
    "audience",
    "note_new",
    "feed",
    "conversation",
    "requests",
    "fulfil",
    "request_new",
    "safety_form",
    "safety_open",
    "audit",
    "queue",
    "review",
    "disclosure",
    "notifications",
]
NOBODY = {name: 404 for name in NAMES} | {"notifications": 200}
FIELD = {  # what any peer or clinician may do, wherever their teams are
    **NOBODY,
    "enc_new": 200,
    "feed": 200,
}
# 200* : the form answers 200 with an error on the field, and nothing changes.
EXPECTED = {
    "peer": {
        **FIELD,
        "enc_log": 302,
        "enc_detail": 200,
        "note": 200,
        "draft_save": 302,
        "addendum": 302,
        "audience": 302,
        "note_new": 200,
        "conversation": 200,
        "requests": 200,
        "fulfil": "302-refused",
        "safety_form": 403,
        "safety_open": 403,
    },
    "peer_b": {
        **FIELD,
        "enc_log": 302,
        "enc_detail": 200,
        "note": 200,
        "addendum": 403,
        "audience": 403,
        "note_new": 200,
        "conversation": 200,
        "requests": 200,
        "fulfil": "302-refused",
        "safety_form": 403,
        "safety_open": 403,
    },
    "other_peer": {**FIELD, "enc_log": "200*", "requests": 200, "fulfil": 302},
    "clinician": {
        **FIELD,
        "enc_log": 302,
        "enc_detail": 200,
        "note_new": 200,
        "conversation": 200,
        "request_new": 200,
        "safety_form": 200,
        "safety_open": 302,
        "review": 403,
        "disclosure": 200,
    },
    "other_clinician": {**FIELD, "enc_log": "200*"},
    "coordinator": {
        **NOBODY,
        "enc_detail": 200,
        "requests": 200,
        "fulfil": 302,
        "safety_form": 200,
        "safety_open": 302,
        "audit": 200,
        "queue": 200,
        "review": 302,
        "disclosure": 200,
    },
    "researcher": NOBODY,
}
CELLS = [(persona, name) for persona in EXPECTED for name in NAMES]


def url_pk(url):
    return int(url.rstrip("/").split("/")[-2])


@pytest.mark.parametrize(("persona", "name"), CELLS)
def test_persona_matrix(client, request, world, person, other_peer, persona, name):
    client.force_login(request.getfixturevalue(persona))
    method, url, data = requests_for(world, person, other_peer)[name]
    before = snapshot()
    if name == "draft_save":  # the draft's page gives the version its save carries
        data = with_version(client, url, data, page_url=reverse("notes:detail", args=[url_pk(url)]))
        before = snapshot()
    response = getattr(client, method)(url, data)
    expected = EXPECTED[persona][name]
    if expected == "200*":
        assert response.status_code == 200
        assert response.context["form"].errors
        assert snapshot() == before
    elif expected == "302-refused":
        assert response.status_code == 302
        assert PeerRequest.objects.get(pk=world["request"].pk).status == "open"
    else:
        assert response.status_code == expected, response.content[:200]
        if expected in (403, 404):
            assert snapshot() == before
        elif method == "post":
            assert snapshot() != before


@pytest.mark.parametrize("name", NAMES)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, person, other_peer, name):
    method, url, data = requests_for(world, person, other_peer)[name]
    before = snapshot()
    response = getattr(client, method)(url, data)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert snapshot() == before


def test_a_note_one_may_not_read_looks_like_one_that_does_not_exist(client, world, clinician):
    client.force_login(clinician)
    hidden = client.get(reverse("notes:detail", args=[world["signed"].pk]))
    missing = client.get(reverse("notes:detail", args=[999_999]))
    assert hidden.status_code == missing.status_code == 404

    def main(response):
        page = response.content.decode()
        return page[page.index("<main") : page.index("</main>")]

    assert main(hidden) == main(missing)


def _reads(note):
    return LogEntry.objects.get_for_object(note).filter(action=LogEntry.Action.ACCESS)


@pytest.mark.parametrize("way", ["note_page", "person_timeline", "shared_feed", "encounter_page"])
def test_each_way_of_showing_a_note_body_writes_exactly_one_read(
    client, person, peer, clinician, make_note, way
):
    encounter = Encounter.objects.create(client=person, setting="street", author=peer)
    note = make_note(person, peer, Audience.CARE_TEAM)
    note.encounter = encounter
    note.save()
    client.force_login(clinician)
    url = {
        "note_page": reverse("notes:detail", args=[note.pk]),
        "person_timeline": reverse("clients:detail", args=[person.pk]),
        "shared_feed": reverse("shared:feed"),
        "encounter_page": reverse("encounters:detail", args=[encounter.pk]),
    }[way]
    response = client.get(url)
    assert "Talked about the housing list." in response.content.decode()
    (read,) = _reads(note)
    assert read.actor == clinician
    assert read.additional_data["client_id"] == person.pk
    assert read.remote_addr == "127.0.0.1"


def test_a_coordinator_sees_that_notes_exist_but_never_their_bodies(
    client, person, peer, coordinator, make_note
):
    note = make_note(person, peer, Audience.PEER_TEAM, body="Secret words")
    client.force_login(coordinator)
    page = client.get(reverse("clients:detail", args=[person.pk])).content.decode()
    assert "Secret words" not in page
    assert "A note exists; its content is confidential." in page
    assert not _reads(note).exists()


def test_withdrawn_consent_hides_shared_notes_from_clinicians_and_says_why(
    client, person, peer, clinician, coordinator, make_note
):
    make_note(person, peer, Audience.CARE_TEAM, body="Shared words")
    client_services.consent_withdraw(
        acting_user=coordinator, client=person, purpose=Purpose.CARE_TEAM_SHARING
    )
    client.force_login(clinician)
    page = client.get(reverse("clients:detail", args=[person.pk])).content.decode()
    assert "Shared words" not in page
    assert "consent to share with the care team is not in force" in page


def test_the_safety_exception_opens_the_notes_and_is_recorded(
    client, person, peer, clinician, make_note
):
    note = make_note(person, peer, Audience.PEER_TEAM, body="Peer only words")
    client.force_login(clinician)
    assert client.get(reverse("notes:detail", args=[note.pk])).status_code == 404
    response = client.post(
        reverse("safety:open", args=[person.pk]),
        {
            "reason": "risk_to_others",
            "justification": "Threat against a neighbour",
            "password": TEST_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert "Peer only words" in client.get(reverse("notes:detail", args=[note.pk])).content.decode()
    assert _reads(note).get().actor == clinician


def test_a_wrong_password_is_explained_opens_nothing_and_is_recorded(client, person, clinician):
    client.force_login(clinician)
    response = client.post(
        reverse("safety:open", args=[person.pk]),
        {"reason": "risk_to_self", "justification": "x", "password": "wrong"},
    )
    assert "password" in response.context["form"].errors
    assert not EmergencyAccess.objects.exists()
    failed = LogEntry.objects.get(additional_data__event="emergency_password_failed")
    assert (failed.actor, failed.additional_data["client_id"]) == (clinician, person.pk)


def test_logging_a_contact_takes_three_inputs(client, peer, person):
    client.force_login(peer)
    activity = Activity.objects.first()
    response = client.post(
        reverse("encounters:new"),
        {"client": person.pk, "setting": "street", "activities": [activity.pk], "occurred_at": NOW},
    )
    assert response.status_code == 302
    encounter = Encounter.objects.get(author=peer)
    assert (encounter.client, encounter.setting) == (person, "street")


def test_an_anonymous_outreach_contact_needs_no_identity(client, peer):
    client.force_login(peer)
    response = client.post(
        reverse("encounters:new"),
        {
            "anonymous_count": 4,
            "anonymous_description": "Group under the bridge",
            "setting": "street",
            "activities": [Activity.objects.first().pk],
            "occurred_at": NOW,
        },
    )
    encounter = Encounter.objects.get()
    assert response.url == reverse("encounters:detail", args=[encounter.pk])
    assert (encounter.client, encounter.anonymous_count) == (None, 4)


def test_an_encounter_with_a_note_signed_at_once(client, peer, person):
    client.force_login(peer)
    client.post(
        reverse("encounters:new"),
        {
            "client": person.pk,
            "setting": "phone",
            "activities": [Activity.objects.first().pk],
            "occurred_at": NOW,
            "note": "Called about the appointment",
            "note_audience": "peer_team",
            "sign": "1",
        },
    )
    note = Note.objects.get()
    assert note.is_signed and note.encounter is not None


def test_an_encounter_form_explains_what_is_missing(client, peer):
    client.force_login(peer)
    response = client.post(reverse("encounters:new"), {"occurred_at": NOW})
    errors = response.context["form"].errors
    assert {"client", "setting", "activities"} <= set(errors)
    assert not Encounter.objects.exists()


def test_the_draft_saves_as_the_author_types(client, peer, person, make_note):
    client.force_login(peer)
    note = make_note(person, peer, Audience.PEER_TEAM, signed=False, body="")
    response = versioned(client, reverse("notes:detail", args=[note.pk])).post(
        reverse("notes:save", args=[note.pk]),
        {"body": "Half a sentence", "audience": "peer_team"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "Saved at" in response.content.decode()
    note.refresh_from_db()
    assert note.body == "Half a sentence"


def test_the_feed_marks_notes_read(client, person, peer, clinician, make_note):
    make_note(person, peer, Audience.CARE_TEAM)
    client.force_login(clinician)
    first = client.get(reverse("shared:feed"))
    assert [c.unread for c in first.context["conversations"]] == [True]
    second = client.get(reverse("shared:feed"))
    assert [c.unread for c in second.context["conversations"]] == [False]


def test_my_own_shared_notes_are_never_new_to_me(client, person, peer, clinician, make_note):
    make_note(person, peer, Audience.CARE_TEAM)
    make_note(person, clinician, Audience.CARE_TEAM)
    client.force_login(peer)
    conversations = client.get(reverse("shared:feed")).context["conversations"]
    assert {(c.author, c.unread) for c in conversations} == {(peer, False), (clinician, True)}


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_timeline_makes_the_same_queries_whatever_the_number_of_notes(
    client, person, peer, make_note
):
    client.force_login(peer)
    make_note(person, peer, Audience.PEER_TEAM)
    Encounter.objects.create(client=person, setting="street", author=peer)
    url = reverse("clients:detail", args=[person.pk])
    few = _count_queries(client, url)
    for _ in range(30):
        note = make_note(person, peer, Audience.CARE_TEAM)
        note.addenda.create(author=peer, body="More")
        encounter = Encounter.objects.create(client=person, setting="street", author=peer)
        encounter.activities.set(Activity.objects.all()[:2])
    assert _count_queries(client, url) == few


def test_the_shared_feed_makes_the_same_queries_whatever_the_number_of_notes(
    client, person, peer, clinician, make_note
):
    client.force_login(peer)

    def conversation():
        start = make_note(person, peer, Audience.CARE_TEAM)
        start.addenda.create(author=peer, body="More")
        make_note(person, clinician, Audience.CARE_TEAM, answers=start)
        return start

    start = conversation()  # one conversation, then 50, then one of 50 answers
    few = _count_queries(client, reverse("shared:feed"))
    for _ in range(49):
        conversation()
    assert _count_queries(client, reverse("shared:feed")) == few
    for _ in range(49):
        make_note(person, clinician, Audience.CARE_TEAM, answers=start)
    assert _count_queries(client, reverse("shared:feed")) == few


def _grow_caseload_and_register(viewer, people, make_note, coordinator, other_peer):
    """``people`` more people on ``viewer``'s care teams and as many elsewhere,
    each sharing with the care team, with a conversation about them."""
    from tests.factories import ClientFactory, put_on_team

    for mine in (True, False):
        for _ in range(people):
            someone = ClientFactory()
            put_on_team(someone, viewer if mine else other_peer)
            client_services.consent_record(
                acting_user=coordinator,
                client=someone,
                purpose=Purpose.CARE_TEAM_SHARING,
                decision="given",
                method="verbal",
            )
            start = make_note(someone, viewer if mine else other_peer, Audience.CARE_TEAM)
            make_note(someone, viewer if mine else other_peer, Audience.CARE_TEAM, answers=start)


@pytest.mark.parametrize("persona", ["peer", "clinician"])
def test_the_feed_and_the_persons_page_cost_the_same_queries_as_caseload_and_register_grow(
    client, request, person, make_note, coordinator, other_peer, persona
):
    viewer = request.getfixturevalue(persona)
    client.force_login(viewer)
    start = make_note(person, viewer, Audience.CARE_TEAM)
    make_note(person, viewer, Audience.CARE_TEAM, answers=start)
    pages = [reverse("shared:feed"), reverse("clients:detail", args=[person.pk])]
    before = [_count_queries(client, url) for url in pages]
    _grow_caseload_and_register(viewer, 30, make_note, coordinator, other_peer)
    assert [_count_queries(client, url) for url in pages] == before


def test_who_viewed_a_person_is_one_search_away_for_the_coordinator(
    client, person, peer, clinician, coordinator, make_note
):
    make_note(person, peer, Audience.CARE_TEAM)
    client.force_login(clinician)
    client.get(reverse("clients:detail", args=[person.pk]))
    client.force_login(coordinator)
    response = client.get(reverse("audit"), {"person": person.pk, "action": "access"})
    actors = {entry.actor for entry in response.context["page"]}
    assert actors == {clinician}
    page = response.content.decode()
    assert "Hélène" in page and str(clinician) in page


def test_a_page_shown_again_with_a_form_error_still_records_the_read(client, world, peer):
    client.force_login(peer)
    note = world["signed"]
    response = client.post(reverse("notes:addendum", args=[note.pk]), {"body": ""})
    assert (
        response.status_code == 200
        and "Talked about the housing list." in response.content.decode()
    )
    assert _reads(note).count() == 1


def test_an_autosave_that_fails_says_why(client, person, peer, coordinator, make_note):
    client.force_login(peer)
    note = make_note(person, peer, Audience.PEER_TEAM, signed=False, body="")
    client_services.consent_withdraw(
        acting_user=coordinator, client=person, purpose=Purpose.CARE_TEAM_SHARING
    )
    response = client.post(
        reverse("notes:save", args=[note.pk]),
        {"body": "Text", "audience": "care_team"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Not saved" in response.content.decode()


def test_peers_see_open_requests_without_the_clinicians_reason(
    client, world, other_peer, coordinator
):
    client.force_login(other_peer)
    page = client.get(reverse("shared:requests")).content.decode()
    assert "Hélène" in page and "Court" not in page
    client.force_login(coordinator)
    assert "Court" in client.get(reverse("shared:requests")).content.decode()


def test_coordinators_do_not_see_next_steps(client, person, peer, coordinator):
    encounter = Encounter.objects.create(
        client=person, setting="street", author=peer, next_steps="Go to the bank together"
    )
    client.force_login(coordinator)
    page = client.get(reverse("encounters:detail", args=[encounter.pk])).content.decode()
    assert "Go to the bank together" not in page
    client.force_login(peer)
    page = client.get(reverse("encounters:detail", args=[encounter.pk])).content.decode()
    assert "Go to the bank together" in page


def test_someone_tagged_from_outside_the_team_cannot_open_the_encounter(
    client, person, peer, other_clinician
):
    encounter = Encounter.objects.create(client=person, setting="street", author=peer)
    encounter.participants.add(other_clinician)
    client.force_login(other_clinician)
    assert client.get(reverse("encounters:detail", args=[encounter.pk])).status_code == 404


def test_a_tile_group_error_is_shown_once_above_its_tiles_with_the_group_name(client, peer):
    client.force_login(peer)
    page = client.post(reverse("encounters:new"), {"client": ""}).content.decode()
    grid = page[page.index('<div class="choice-grid">') :]
    assert grid.index('class="choice-error"') < grid.index('name="setting"')
    assert "Where: This field is required." in grid
