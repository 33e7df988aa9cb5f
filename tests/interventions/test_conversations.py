"""Conversations with the care team: an answer is linked to the note that began
the conversation and reaches no one that note does not; /shared/ shows one card
per conversation, newest activity first, with unread markers counted in SQL;
a conversation's page shows the thread and marks it read; teammates let know
of a note are told when it is signed, by record number, if they may read it.

The care team of ``person`` (tests/interventions/conftest.py): peer, peer_b,
clinician, clinician_b, with consent to share with the care team;
other_peer and other_clinician are on someone else's team."""

from datetime import timedelta
from html import unescape

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients import services as client_services
from clients.choices import Purpose
from interventions import selectors, services
from interventions.access import note_policy
from interventions.choices import Audience, NotificationKind
from interventions.models import Note, NoteRead, Notification
from interventions.templatetags.notes_tags import notification_text
from tests.form_versions import versioned

pytestmark = pytest.mark.django_db


def _signed(author, person, body="Words.", **kwargs):
    note = services.note_start(acting_user=author, client=person, body=body, **kwargs)
    return services.note_sign(acting_user=author, note=note)


def _ago(note, **delta):
    Note.objects.filter(pk=note.pk).update(signed_at=timezone.now() - timedelta(**delta))


# Answers.


def test_an_answer_is_linked_to_the_note_it_answers(person, peer, clinician):
    start = _signed(peer, person, audience=Audience.CARE_TEAM)
    answer = _signed(clinician, person, answers=start)
    assert answer.answers_note == start
    assert list(start.answers.all()) == [answer]


def test_an_answer_to_an_answer_joins_the_conversation_of_the_first_note(person, peer, clinician):
    start = _signed(peer, person, audience=Audience.CARE_TEAM)
    answer = _signed(clinician, person, answers=start)
    again = _signed(peer, person, answers=answer)
    assert again.answers_note == start


def test_an_answer_takes_the_audience_of_the_note_it_answers(person, peer, clinician):
    start = _signed(peer, person, audience=Audience.CARE_TEAM)
    # A clinician's own notes default to clinicians only; an answer, to the thread's.
    answer = services.note_start(acting_user=clinician, client=person, answers=start)
    assert answer.audience == Audience.CARE_TEAM


def test_an_answer_may_be_narrower_than_the_note_it_answers(person, peer, peer_b, clinician):
    start = _signed(peer, person, audience=Audience.CARE_TEAM)
    answer = _signed(peer_b, person, answers=start, audience=Audience.PEER_TEAM)
    assert answer.audience == Audience.PEER_TEAM
    assert note_policy.can(peer, note_policy.Action.VIEW, answer)
    assert not note_policy.can(clinician, note_policy.Action.VIEW, answer)


def test_an_answer_cannot_reach_more_people_than_the_note_it_answers(person, peer, peer_b):
    start = _signed(peer, person, audience=Audience.PEER_TEAM)
    with pytest.raises(ValidationError) as refused:
        services.note_start(
            acting_user=peer_b, client=person, answers=start, audience=Audience.CARE_TEAM
        )
    assert "cannot reach more people" in refused.value.message_dict["audience"][0]
    draft = services.note_start(acting_user=peer_b, client=person, answers=start)
    with pytest.raises(ValidationError):
        services.note_save_draft(
            acting_user=peer_b, note=draft, body="More", audience=Audience.CARE_TEAM
        )
    draft.refresh_from_db()
    assert draft.audience == Audience.PEER_TEAM and not draft.body
    assert note_policy.audiences_for_answer(peer_b, start) == [Audience.PEER_TEAM]


def test_a_signed_answer_cannot_be_widened_past_the_note_it_answers(person, peer, peer_b):
    start = _signed(peer, person, audience=Audience.PEER_TEAM)
    answer = _signed(peer_b, person, answers=start)
    with pytest.raises(ValidationError):
        services.note_change_audience(acting_user=peer_b, note=answer, audience=Audience.CARE_TEAM)
    answer.refresh_from_db()
    assert answer.audience == Audience.PEER_TEAM


def test_a_note_cannot_become_narrower_than_the_answers_that_may_quote_it(person, peer, clinician):
    start = _signed(peer, person, audience=Audience.CARE_TEAM)
    answer = _signed(clinician, person, answers=start)
    with pytest.raises(ValidationError) as refused:
        services.note_change_audience(acting_user=peer, note=start, audience=Audience.PEER_TEAM)
    assert "Ask their authors to narrow them first" in refused.value.message_dict["audience"][0]
    start.refresh_from_db()
    assert start.audience == Audience.CARE_TEAM
    assert note_policy.can(clinician, note_policy.Action.VIEW, answer)


def test_a_note_whose_answers_are_as_narrow_may_be_narrowed(person, peer, peer_b):
    start = _signed(peer, person, audience=Audience.CARE_TEAM)
    _signed(peer_b, person, answers=start, audience=Audience.PEER_TEAM)
    services.note_change_audience(acting_user=peer, note=start, audience=Audience.PEER_TEAM)
    start.refresh_from_db()
    assert start.audience == Audience.PEER_TEAM


def test_only_a_signed_note_one_reads_about_the_same_person_can_be_answered(
    person, peer, clinician, other_peer, make_note
):
    from tests.factories import ClientFactory, put_on_team

    peers_only = make_note(person, peer, Audience.PEER_TEAM)
    draft = make_note(person, peer, Audience.CARE_TEAM, signed=False)
    elsewhere = ClientFactory()
    put_on_team(elsewhere, clinician)
    shared = make_note(person, peer, Audience.CARE_TEAM)
    for acting, client, answered in (
        (clinician, person, peers_only),
        (peer, person, draft),
        (clinician, elsewhere, shared),
    ):
        with pytest.raises(ValidationError):
            services.note_start(acting_user=acting, client=client, answers=answered, body="x")
    assert not Note.objects.filter(answers_note__isnull=False).exists()


# Who reads a note, for pickers and notifications.


@pytest.mark.parametrize("audience", list(Audience))
def test_who_reads_a_note_agrees_with_the_notes_each_persona_sees(
    request, person, peer, audience, make_note
):
    note = make_note(person, peer, audience)
    readers = set(note_policy.users_who_can(note_policy.Action.VIEW, note))
    for name in ("peer", "peer_b", "clinician", "clinician_b", "other_peer", "other_clinician"):
        persona = request.getfixturevalue(name)
        sees = note_policy.visible_to(persona).filter(pk=note.pk).exists()
        assert (persona in readers) is sees, (name, audience)


def test_withdrawn_consent_takes_clinicians_off_the_readers_of_care_team_notes(
    person, peer, clinician, coordinator, make_note
):
    note = make_note(person, peer, Audience.CARE_TEAM)
    client_services.consent_withdraw(
        acting_user=coordinator, client=person, purpose=Purpose.CARE_TEAM_SHARING
    )
    readers = set(note_policy.users_who_can(note_policy.Action.VIEW, note))
    assert peer in readers and clinician not in readers


def test_the_teammates_one_may_let_know_are_the_care_team_but_oneself(
    person, peer, peer_b, clinician, clinician_b
):
    assert set(note_policy.teammates_to_mention(peer, person)) == {peer_b, clinician, clinician_b}
    assert set(note_policy.teammates_to_mention(clinician, person)) == {peer, peer_b, clinician_b}


# Letting teammates know.


def test_signing_tells_each_teammate_let_know_once_by_record_number(
    person, peer, clinician, clinician_b
):
    draft = services.note_start(
        acting_user=peer,
        client=person,
        body="She starts the job on Monday.",
        audience=Audience.CARE_TEAM,
        mentions=[clinician, clinician, clinician_b],
    )
    services.note_save_draft(
        acting_user=peer, note=draft, body="She starts on Monday.", mentions=[clinician]
    )
    assert not Notification.objects.exists()  # a draft tells no one
    services.note_sign(acting_user=peer, note=draft)
    (told,) = Notification.objects.all()
    assert told.recipient == clinician and told.kind == NotificationKind.MENTIONED
    assert told.url == reverse("shared:conversation", args=[draft.pk]) + f"#note-{draft.pk}"
    text = notification_text(told)
    assert text == f"{peer} mentioned you in a note about record {person.pk}."
    assert person.display_name not in text


def test_an_answer_tells_its_teammates_where_it_is_in_the_conversation(person, peer, clinician):
    start = _signed(peer, person, audience=Audience.CARE_TEAM)
    answer = _signed(clinician, person, answers=start, mentions=[peer])
    (told,) = Notification.objects.all()
    assert told.url == reverse("shared:conversation", args=[start.pk]) + f"#note-{answer.pk}"


def test_a_teammate_off_the_care_team_cannot_be_let_know(person, peer, other_clinician):
    with pytest.raises(ValidationError) as refused:
        services.note_start(acting_user=peer, client=person, body="x", mentions=[other_clinician])
    assert str(other_clinician) in refused.value.message_dict["mentions"][0]
    assert not Note.objects.exists()


def test_signing_is_refused_on_the_field_for_a_teammate_who_cannot_read_the_audience(
    person, peer, clinician
):
    draft = services.note_start(
        acting_user=peer, client=person, body="x", audience=Audience.PEER_TEAM, mentions=[clinician]
    )
    with pytest.raises(ValidationError) as refused:
        services.note_sign(acting_user=peer, note=draft)
    assert f"{clinician} cannot read a note" in refused.value.message_dict["mentions"][0]
    draft.refresh_from_db()
    assert not draft.is_signed and not Notification.objects.exists()
    # Widened to the care team, it signs and tells them.
    services.note_save_draft(acting_user=peer, note=draft, body="x", audience=Audience.CARE_TEAM)
    services.note_sign(acting_user=peer, note=draft)
    assert [n.recipient for n in Notification.objects.all()] == [clinician]


# The feed.


def test_the_feed_shows_a_card_per_conversation_newest_activity_first(
    person, peer, clinician, make_note
):
    older = make_note(person, peer, Audience.CARE_TEAM)
    newer = make_note(person, peer, Audience.CARE_TEAM)
    _ago(older, days=3)
    _ago(newer, days=2)
    answer = make_note(person, clinician, Audience.CARE_TEAM, answers=older)
    feed = list(selectors.shared_feed(viewer=peer))
    assert feed == [older, newer]  # answered today: the older conversation comes first
    assert feed[0].last_activity == answer.signed_at and feed[0].answer_count == 1
    assert feed[0].latest_answers == [answer]


def test_an_unread_answer_marks_its_conversation_new_and_ones_own_never_does(
    person, peer, clinician, make_note
):
    start = make_note(person, peer, Audience.CARE_TEAM)
    mine = make_note(person, peer, Audience.CARE_TEAM, answers=start)
    NoteRead.objects.create(note=start, reader=clinician)
    NoteRead.objects.create(note=mine, reader=clinician)

    def unread(viewer):
        return [c.unread for c in selectors.shared_feed(viewer=viewer)]

    assert unread(peer) == [False] and unread(clinician) == [False]
    make_note(person, clinician, Audience.CARE_TEAM, answers=start)
    assert unread(peer) == [True] and unread(clinician) == [False]


def test_answers_one_may_not_read_are_neither_shown_nor_counted(
    person, peer, peer_b, clinician, make_note
):
    start = make_note(person, clinician, Audience.CARE_TEAM)
    make_note(person, peer_b, Audience.PEER_TEAM, answers=start)
    NoteRead.objects.create(note=start, reader=clinician)
    (seen,) = selectors.shared_feed(viewer=clinician)
    assert seen.answer_count == 0 and seen.latest_answers == [] and not seen.unread
    (seen,) = selectors.shared_feed(viewer=peer)
    assert seen.answer_count == 1
    assert selectors.waiting_work(viewer=clinician).unread_shared == 0
    assert selectors.waiting_work(viewer=peer).unread_shared == 2


def test_the_date_filters_find_a_conversation_by_any_of_its_notes(
    person, peer, clinician, make_note
):
    start = make_note(person, peer, Audience.CARE_TEAM)
    _ago(start, days=10)
    make_note(person, clinician, Audience.CARE_TEAM, answers=start)
    recent = selectors.FeedFilters(since=timezone.now() - timedelta(days=2))
    older = selectors.FeedFilters(until=timezone.now() - timedelta(days=5))
    assert list(selectors.shared_feed(viewer=peer, filters=recent)) == [start]
    assert list(selectors.shared_feed(viewer=peer, filters=older)) == [start]
    quiet = selectors.FeedFilters(
        since=timezone.now() - timedelta(days=8), until=timezone.now() - timedelta(days=5)
    )
    assert list(selectors.shared_feed(viewer=peer, filters=quiet)) == []


# The menu's count.


def test_the_menu_counts_the_shared_notes_and_answers_not_read_yet(
    person, peer, clinician, make_note
):
    start = make_note(person, clinician, Audience.CARE_TEAM)
    make_note(person, clinician, Audience.CARE_TEAM, answers=start)
    make_note(person, peer, Audience.CARE_TEAM, answers=start)  # one's own
    make_note(person, clinician, Audience.CLINICAL_TEAM)  # not in the feed
    make_note(person, clinician, Audience.CARE_TEAM, signed=False)  # a draft
    assert selectors.waiting_work(viewer=peer).unread_shared == 2
    NoteRead.objects.create(note=start, reader=peer)
    assert selectors.waiting_work(viewer=peer).unread_shared == 1


@pytest.mark.parametrize("persona", ["researcher", "coordinator"])
def test_who_has_no_feed_has_no_count(request, persona):
    assert selectors.waiting_work(viewer=request.getfixturevalue(persona)).unread_shared is None


def test_the_menus_counts_stay_one_query_at_1_and_at_50_conversations(
    person, peer, clinician, make_note, django_assert_num_queries
):
    def conversation():
        start = make_note(person, clinician, Audience.CARE_TEAM)
        make_note(person, clinician, Audience.CARE_TEAM, answers=start)

    conversation()
    with django_assert_num_queries(1):
        assert selectors.waiting_work(viewer=peer).unread_shared == 2
    for _ in range(49):
        conversation()
    with django_assert_num_queries(1):
        assert selectors.waiting_work(viewer=peer).unread_shared == 100


def test_the_menu_shows_the_count_with_words_for_screen_readers(
    client, person, peer, clinician, make_note
):
    make_note(person, clinician, Audience.CARE_TEAM)
    client.force_login(peer)
    page = client.get(reverse("home")).content.decode()
    assert '1<span class="visually-hidden"> unread</span>' in page


# The pages.


def _reads(note, via):
    return LogEntry.objects.get_for_object(note).filter(
        action=LogEntry.Action.ACCESS, additional_data__via=via
    )


def test_the_feed_card_offers_the_answer_and_the_conversation_one_tap_away(
    client, person, peer, clinician, make_note
):
    start = make_note(person, peer, Audience.CARE_TEAM, body="Her first day went well.")
    make_note(person, clinician, Audience.CARE_TEAM, answers=start, body="Glad to hear.")
    client.force_login(clinician)
    page = unescape(client.get(reverse("shared:feed")).content.decode())
    assert "Her first day went well." in page and "Glad to hear." in page
    assert f'href="{reverse("notes:new", args=[person.pk])}?answer={start.pk}"' in page
    assert f'href="{reverse("shared:conversation", args=[start.pk])}"' in page


def test_a_long_conversation_shows_its_latest_answers_on_the_card_and_keeps_the_rest_new(
    client, person, peer, clinician, make_note
):
    start = make_note(person, peer, Audience.CARE_TEAM)
    answers = [
        make_note(person, clinician, Audience.CARE_TEAM, answers=start, body=f"Answer {n}")
        for n in range(5)
    ]
    client.force_login(peer)
    page = client.get(reverse("shared:feed")).content.decode()
    assert "5 answers, the last" in page and "2 earlier answers" in page
    assert "Answer 4" in page and "Answer 1" not in page
    read = set(NoteRead.objects.filter(reader=peer).values_list("note", flat=True))
    assert read == {start.pk, *(a.pk for a in answers[2:])}
    assert selectors.waiting_work(viewer=peer).unread_shared == 2


def test_the_conversation_page_shows_the_thread_oldest_first_and_marks_it_read(
    client, person, peer, clinician, make_note
):
    start = make_note(person, peer, Audience.CARE_TEAM, body="First words.")
    first = make_note(person, clinician, Audience.CARE_TEAM, answers=start, body="An answer.")
    second = make_note(person, peer, Audience.CARE_TEAM, answers=start, body="Thanks.")
    _ago(first, minutes=5)
    client.force_login(clinician)
    response = client.get(reverse("shared:conversation", args=[start.pk]))
    page = response.content.decode()
    assert page.index("First words.") < page.index("An answer.") < page.index("Thanks.")
    assert [n.unread for n in response.context["conversation"].notes] == [True, False, True]
    assert selectors.waiting_work(viewer=clinician).unread_shared == 0
    for note in (start, first, second):
        assert _reads(note, "conversation").get().actor == clinician


def test_an_answers_address_leads_to_its_place_in_the_conversation(
    client, person, peer, clinician, make_note
):
    start = make_note(person, peer, Audience.CARE_TEAM)
    answer = make_note(person, clinician, Audience.CARE_TEAM, answers=start)
    client.force_login(peer)
    response = client.get(reverse("shared:conversation", args=[answer.pk]))
    assert response.url == reverse("shared:conversation", args=[start.pk]) + f"#note-{answer.pk}"


def test_a_conversation_one_may_not_read_looks_like_one_that_does_not_exist(
    client, person, peer, clinician, other_clinician, make_note
):
    peers_only = make_note(person, peer, Audience.PEER_TEAM)
    shared = make_note(person, peer, Audience.CARE_TEAM)
    client.force_login(clinician)
    assert client.get(reverse("shared:conversation", args=[peers_only.pk])).status_code == 404
    client.force_login(other_clinician)
    assert client.get(reverse("shared:conversation", args=[shared.pk])).status_code == 404
    assert client.get(reverse("shared:conversation", args=[999_999])).status_code == 404
    assert not NoteRead.objects.exists()


def _page_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_conversation_page_makes_the_same_queries_at_1_and_at_50_answers(
    client, person, peer, clinician, make_note
):
    start = make_note(person, peer, Audience.CARE_TEAM)
    make_note(person, clinician, Audience.CARE_TEAM, answers=start).addenda.create(
        author=clinician, body="More"
    )
    client.force_login(peer)
    url = reverse("shared:conversation", args=[start.pk])
    one = _page_queries(client, url)
    for _ in range(49):
        make_note(person, clinician, Audience.CARE_TEAM, answers=start).addenda.create(
            author=clinician, body="More"
        )
    assert _page_queries(client, url) == one


def test_the_answer_page_shows_the_thread_above_the_form_and_stores_the_link(
    client, person, peer, clinician, make_note
):
    start = make_note(person, peer, Audience.CARE_TEAM, body="First words.")
    make_note(person, peer, Audience.CARE_TEAM, answers=start, body="A second thought.")
    client.force_login(clinician)
    url = reverse("notes:new", args=[person.pk]) + f"?answer={start.pk}"
    page = client.get(url).content.decode()
    assert page.index("First words.") < page.index("A second thought.") < page.index("<textarea")
    response = client.post(url, {"body": "Seen her today.", "audience": "care_team", "sign": "1"})
    assert response.status_code == 302, response.context["form"].errors
    answer = Note.objects.latest("pk")
    assert answer.body == "Seen her today." and answer.answers_note == start and answer.is_signed


def test_the_answer_page_opens_with_the_audience_of_the_note_it_answers(
    client, person, peer, clinician, make_note
):
    start = make_note(person, peer, Audience.CARE_TEAM)
    client.force_login(clinician)
    url = reverse("notes:new", args=[person.pk]) + f"?answer={start.pk}"
    form = client.get(url).context["form"]
    assert form["audience"].value() == Audience.CARE_TEAM


def test_the_note_form_offers_the_care_team_to_let_know_with_who_reads_what(
    client, person, peer, peer_b, clinician, other_clinician
):
    client.force_login(peer)
    page = client.get(reverse("notes:new", args=[person.pk])).content.decode()
    assert "Let these teammates know" in page
    assert f'value="{peer_b.pk}"' in page and f'value="{clinician.pk}"' in page
    assert f'value="{other_clinician.pk}"' not in page
    assert 'data-audiences="peer_team care_team"' in page  # peer_b
    assert 'data-audiences="care_team"' in page  # the clinicians


def test_signing_from_the_form_with_a_teammate_who_cannot_read_says_so_on_the_field(
    client, person, peer, clinician
):
    client.force_login(peer)
    response = client.post(
        reverse("notes:new", args=[person.pk]),
        {"body": "x", "audience": "peer_team", "mentions": [clinician.pk], "sign": "1"},
    )
    assert response.status_code == 200
    assert "cannot read a note" in " ".join(response.context["form"].errors["mentions"])
    assert not Notification.objects.exists()
    draft = Note.objects.get()
    assert list(draft.mentions.all()) == [clinician] and not draft.is_signed


def test_a_drafts_page_keeps_the_teammates_to_let_know_and_signing_tells_them(
    client, person, peer, clinician
):
    draft = services.note_start(
        acting_user=peer, client=person, body="x", audience=Audience.CARE_TEAM, mentions=[clinician]
    )
    client.force_login(peer)
    form = client.get(reverse("notes:detail", args=[draft.pk])).context["form"]
    assert form["mentions"].value() == [clinician.pk]
    page = reverse("notes:detail", args=[draft.pk])
    response = versioned(client, page).post(
        reverse("notes:save", args=[draft.pk]),
        {"body": "She starts Monday.", "audience": "care_team", "mentions": [clinician.pk]},
    )
    assert response.status_code == 302 and not Notification.objects.exists()
    versioned(client, page).post(
        reverse("notes:save", args=[draft.pk]),
        {"body": "She starts Monday.", "audience": "care_team", "sign": "1"},
    )
    draft.refresh_from_db()
    assert draft.is_signed and not Notification.objects.exists()  # unticked before signing


def test_an_answers_page_links_to_its_conversation(client, person, peer, clinician, make_note):
    start = make_note(person, peer, Audience.CARE_TEAM)
    answer = make_note(person, clinician, Audience.CARE_TEAM, answers=start)
    client.force_login(peer)
    page = client.get(reverse("notes:detail", args=[answer.pk])).content.decode()
    assert f'href="{reverse("shared:conversation", args=[start.pk])}#note-{answer.pk}"' in page
