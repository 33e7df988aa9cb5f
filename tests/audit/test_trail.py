"""The audit trail reads as words: actions, objects and changes, never codes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients import services as client_services
from clients.choices import ConsentMethod, Decision, Purpose
from interventions.choices import Audience, NoteStatus
from interventions.models import Note
from peersupport.audit import acting_as
from peersupport.query import TimeCursorField
from peersupport.roles import Role
from tests.factories import ClientFactory, UserFactory, put_on_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def alex(db):
    return UserFactory(username="alex", first_name="Alex", last_name="Tremblay", roles=[Role.PEER])


@pytest.fixture
def person(alex, clinician, coordinator):
    person = ClientFactory(display_name="Hélène")
    put_on_team(person, alex)
    put_on_team(person, clinician)
    client_services.consent_record(
        acting_user=coordinator,
        client=person,
        purpose=Purpose.CARE_TEAM_SHARING,
        decision=Decision.GIVEN,
        method=ConsentMethod.VERBAL,
        decided_on=timezone.localdate() - timedelta(days=1),
    )
    return person


def _note(person, author, body="Talked about the housing list."):
    with acting_as(author):
        return Note.objects.create(
            client=person,
            author=author,
            audience=Audience.CARE_TEAM,
            body=body,
            status=NoteStatus.SIGNED,
            signed_at=timezone.now(),
        )


def _trail(client, **params):
    response = client.get(reverse("audit"), params)
    assert response.status_code == 200
    return response


def test_a_note_is_named_by_number_author_and_record(client, person, alex, coordinator):
    note = _note(person, alex)
    client.force_login(coordinator)
    response = _trail(client, person=person.pk)
    subjects = [entry.words.subject for entry in response.context["rows"]]
    assert f"note {note.pk} by Alex Tremblay about record {person.pk}" in subjects
    assert "Talked about the housing list." not in response.content.decode()


def test_a_reading_says_where_the_note_was_read_in_words(
    client, person, alex, clinician, coordinator
):
    _note(person, alex)
    client.force_login(clinician)
    client.get(reverse("shared:feed"))
    client.force_login(coordinator)
    response = _trail(client, action="access", user="clinician")
    actions = {entry.words.action for entry in response.context["rows"]}
    assert "Viewed in the shared feed" in actions
    page = response.content.decode()
    assert "shared_feed" not in page and "(shared_feed)" not in page


def test_a_change_shows_field_labels_and_values_in_words(client, person, alex, coordinator):
    note = _note(person, alex)
    with acting_as(alex):
        note.audience = Audience.PEER_TEAM
        note.save(update_fields=["audience"])
    client.force_login(coordinator)
    response = _trail(client, person=person.pk, action="update")
    lines = [line for entry in response.context["rows"] for line in entry.words.lines]
    assert (
        "Who may read it: The whole care team (co-intervention) → Peers on the care team" in lines
    )
    page = response.content.decode()
    assert "care_team" not in page and "peer_team" not in page


def test_a_logbook_entry_change_shows_roles_as_words_not_codes(client, researcher, coordinator):
    from logbook import services

    entry = services.entry_save(
        acting_user=researcher,
        data={
            "occurred_on": timezone.localdate(),
            "kind": "barrier",
            "source": "logbook",
            "title": "Desk",
            "narrative": "The clinic gave a desk.",
        },
    )
    services.entry_save(acting_user=researcher, entry=entry, data={"involved": ["peers"]})
    client.force_login(coordinator)
    page = _trail(client, action="update").content.decode()
    assert "Roles involved: empty → Peer support workers" in page
    assert "[&quot;peers&quot;]" not in page and '["peers"]' not in page
    assert f"Logbook entry {entry.pk} “Desk” by {researcher}" in page


def test_creating_says_created_without_a_list_of_empty_values(client, person, alex, coordinator):
    _note(person, alex)
    client.force_login(coordinator)
    response = _trail(client, person=person.pk, action="create")
    for entry in response.context["rows"]:
        assert entry.words.action == "Created"
        assert "None" not in " ".join(entry.words.lines)


def test_the_trail_makes_the_same_queries_for_few_and_many_entries(
    client, person, alex, clinician, coordinator
):
    _note(person, alex)
    client.force_login(clinician)
    client.get(reverse("shared:feed"))
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as few:
        _trail(client)
    others = UserFactory.create_batch(5, roles=[Role.PEER])
    for index in range(20):
        other = ClientFactory()
        put_on_team(other, others[index % 5])
        _note(other, others[index % 5])
    client.force_login(clinician)
    client.get(reverse("shared:feed"))
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as many:
        response = _trail(client)
    assert len(response.context["rows"]) == 50
    assert len(many) == len(few)


def test_every_empty_choice_of_the_audit_search_reads_any(client, coordinator):
    client.force_login(coordinator)
    response = _trail(client)
    assert next(iter(response.context["form"].fields["action"].choices)) == ("", "Any")
    assert "---------" not in response.content.decode()


def test_the_trail_ignores_a_filter_that_does_not_parse(client, person, alex, coordinator):
    _note(person, alex)
    client.force_login(coordinator)
    response = _trail(client, person="abc", since="not a date", action="bogus")
    assert len(response.context["rows"]) > 0


def test_what_was_written_about_a_person_stays_out_of_the_trail(client, person, coordinator):
    from auditlog.models import LogEntry

    LogEntry.objects.log_create(
        person,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={"closed_note": ["", "Moved to Gatineau near his daughter."]},
    )
    client.force_login(coordinator)
    response = _trail(client, person=person.pk, action="update")
    lines = [line for entry in response.context["rows"] for line in entry.words.lines]
    assert "Closing note: changed" in lines
    assert "Gatineau" not in response.content.decode()


def test_an_object_named_by_its_number_is_not_named_twice(client, alex, coordinator):
    from auditlog.models import LogEntry

    from interventions.models import PeerRequest

    request = PeerRequest(pk=7)
    LogEntry.objects.log_create(
        request, force_log=True, action=LogEntry.Action.CREATE, changes={"id": ["None", "7"]}
    )
    client.force_login(coordinator)
    subjects = [entry.words.subject for entry in _trail(client).context["rows"]]
    assert "peer request 7" in subjects


def test_the_next_page_keeps_the_search(client, alex, coordinator):
    from auditlog.models import LogEntry

    for _ in range(51):
        LogEntry.objects.log_create(
            alex, force_log=True, action=LogEntry.Action.UPDATE, changes={"first_name": ["A", "B"]}
        )
    client.force_login(coordinator)
    response = _trail(client, action="update", user="")
    last = response.context["rows"][-1]
    older = f"after={TimeCursorField.of(last.timestamp, last.pk)}"
    assert f'href="?action=update&amp;user=&amp;{older}"' in response.content.decode()


# Pages by place: the trail is never counted, every entry is on one page.


def _entries_at_few_moments(count, actor):
    """``count`` entries, seven at each moment: bulk reads share one."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    start = timezone.now() - timedelta(days=1)
    user_type = ContentType.objects.get_for_model(actor)
    LogEntry.objects.bulk_create(
        LogEntry(
            content_type=user_type,
            object_pk=str(actor.pk),
            object_id=actor.pk,
            object_repr=str(actor),
            action=LogEntry.Action.ACCESS,
            changes={},
            timestamp=start + timedelta(seconds=n // 7),
        )
        for n in range(count)
    )


def _link(response, rel):
    import html
    import re

    found = re.search(rf'rel="{rel}" href="([^"]+)"', response.content.decode())
    return reverse("audit") + html.unescape(found.group(1)) if found else None


def test_older_and_newer_cover_every_entry_once_whatever_the_ties(client, alex, coordinator):
    from auditlog.models import LogEntry

    _entries_at_few_moments(130, alex)
    client.force_login(coordinator)
    everyone = list(LogEntry.objects.order_by("-timestamp", "-pk").values_list("pk", flat=True))
    pages = [client.get(reverse("audit"))]
    while (older := _link(pages[-1], "next")) is not None:
        pages.append(client.get(older))
    seen = [entry.pk for page in pages for entry in page.context["rows"]]
    assert seen == everyone and len(pages) == 3
    back = [pages[-1]]
    while (newer := _link(back[-1], "prev")) is not None:
        back.append(client.get(newer))
    assert [[e.pk for e in page.context["rows"]] for page in reversed(back)] == [
        [e.pk for e in page.context["rows"]] for page in pages
    ]


def test_the_trail_is_never_counted(client, alex, coordinator):
    _entries_at_few_moments(60, alex)
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as first:
        older = _link(_trail(client), "next")
    with CaptureQueriesContext(connection) as second:
        client.get(older)
    sql = [query["sql"] for query in first.captured_queries + second.captured_queries]
    assert not [q for q in sql if "COUNT(" in q.upper() and "auditlog_logentry" in q]
    assert not [q for q in sql if "OFFSET" in q.upper()]


def test_an_old_page_number_still_opens_its_page_and_links_by_place(client, alex, coordinator):
    from auditlog.models import LogEntry

    _entries_at_few_moments(120, alex)
    client.force_login(coordinator)
    response = _trail(client, page=2)
    everyone = list(LogEntry.objects.order_by("-timestamp", "-pk").values_list("pk", flat=True))
    assert [entry.pk for entry in response.context["rows"]] == everyone[50:100]
    assert "page=" not in _link(response, "next") and "page=" not in _link(response, "prev")


@pytest.mark.parametrize("cursor", ["²", "9" * 5000, "1764021086408384_x", "abc_1", "\x00"])
def test_a_made_up_link_to_a_page_shows_the_newest_entries_and_says_why(
    client, alex, coordinator, cursor
):
    _entries_at_few_moments(60, alex)
    client.force_login(coordinator)
    newest = [entry.pk for entry in _trail(client).context["rows"]]
    response = _trail(client, after=cursor)
    assert [entry.pk for entry in response.context["rows"]] == newest
    assert "This link to a page of the list is not valid" in response.content.decode()
