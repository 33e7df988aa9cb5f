"""The pages of follow-ups, as the people who use them see them: what a
worker holds, a person's open follow-ups above the timeline, what is due on
the home page, an encounter's next steps made a follow-up in one tap, an
accompaniment logged as its encounter, and the coordinators' counts that never
show a word of what was promised. Each list is read in a fixed number of
queries, whether it holds one row or fifty."""

from datetime import time, timedelta

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agenda.choices import FollowUpStatus
from agenda.models import AccompanimentKind, FollowUp
from clients.models import Client as Person
from interventions.models import Encounter, Notification
from partners.models import Partner
from peersupport.roles import Role
from tests.factories import ClientFactory, UserFactory, put_on_team
from tests.form_versions import versioned

SECRET = "Call the housing office back about the flat."


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def read_entries(follow_up):
    return LogEntry.objects.get_for_object(follow_up).filter(action=LogEntry.Action.ACCESS)


# The worker's list.


def test_my_list_shows_what_i_hold_the_earliest_due_first_overdue_in_words(
    client, peer, make_follow_up
):
    later = make_follow_up(days=3, what="Later one")
    overdue = make_follow_up(days=-2, what="Overdue one")
    client.force_login(peer)
    page = client.get(reverse("follow_ups:list")).content.decode()
    assert page.index("Overdue one") < page.index("Later one")
    assert "Overdue" in page
    assert "was due" in page
    assert read_entries(later).count() == 1
    assert read_entries(overdue).count() == 1


def test_my_list_leaves_out_what_others_hold_until_i_ask_for_my_teams(
    client, peer, clinician, make_follow_up
):
    make_follow_up(assigned_to=clinician, what="The promise of the clinician")
    client.force_login(peer)
    mine = client.get(reverse("follow_ups:list")).content.decode()
    assert "The promise of the clinician" not in mine
    teams = client.get(reverse("follow_ups:list"), {"scope": "teams"}).content.decode()
    assert "The promise of the clinician" in teams


def test_done_follow_ups_have_their_own_tab(client, peer, make_follow_up):
    follow_up = make_follow_up(what="Finished business")
    follow_up.status, follow_up.closed_at, follow_up.closed_by = "done", timezone.now(), peer
    follow_up.save()
    client.force_login(peer)
    assert "Finished business" not in client.get(reverse("follow_ups:list")).content.decode()
    done = client.get(reverse("follow_ups:list"), {"status": "done"}).content.decode()
    assert "Finished business" in done


@pytest.mark.parametrize("scope", ["mine", "teams"])
def test_the_list_takes_as_many_queries_for_fifty_rows_as_for_one(
    client, peer, make_follow_up, scope
):
    client.force_login(peer)
    url = reverse("follow_ups:list") + f"?scope={scope}"
    make_follow_up()
    one = queries_for(client, url)
    for days in range(49):
        make_follow_up(days=days % 20 - 5)
    assert queries_for(client, url) == one


# Promising something.


def test_a_follow_up_is_promised_from_the_person_s_page(client, peer, person):
    client.force_login(peer)
    page = client.get(reverse("clients:detail", args=[person.pk])).content.decode()
    new_url = reverse("follow_ups:new") + f"?client={person.pk}"
    assert new_url in page
    form = client.get(new_url).content.decode()
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    assert f'value="{due}"' in form
    response = client.post(
        new_url, {"what": SECRET, "due_on": due, "assigned_to": peer.pk}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("clients:detail", args=[person.pk])
    follow_up = FollowUp.objects.get()
    assert (follow_up.client, follow_up.what, follow_up.assigned_to) == (person, SECRET, peer)
    assert SECRET in response.content.decode()


def test_a_follow_up_on_its_own_asks_who_it_is_about(client, peer, person):
    client.force_login(peer)
    due = (timezone.localdate() + timedelta(days=2)).isoformat()
    client.post(
        reverse("follow_ups:new"),
        {"client": person.pk, "what": SECRET, "due_on": due, "assigned_to": peer.pk},
    )
    assert FollowUp.objects.get().client == person


def test_a_due_day_far_away_is_explained_on_the_field(client, peer, person):
    client.force_login(peer)
    response = client.post(
        reverse("follow_ups:new") + f"?client={person.pk}",
        {"what": SECRET, "due_on": "2031-01-01", "assigned_to": peer.pk},
    )
    assert response.status_code == 200
    assert "a follow-up is due within the coming year" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_a_person_off_my_teams_is_not_offered_and_answers_404(client, other_clinician, person):
    client.force_login(other_clinician)
    response = client.get(reverse("follow_ups:new") + f"?client={person.pk}")
    assert response.status_code == 404


def test_a_person_i_see_whose_file_is_closed_is_refused_with_403(client, peer, person):
    Person.objects.filter(pk=person.pk).update(closed_on=timezone.localdate())
    client.force_login(peer)
    response = client.get(reverse("follow_ups:new") + f"?client={person.pk}")
    assert response.status_code == 403


def test_an_accompaniment_asks_a_kind_a_time_and_a_place(client, peer, person, court_kind):
    client.force_login(peer)
    url = reverse("follow_ups:new") + f"?client={person.pk}&kind=accompaniment"
    refused = client.post(
        url,
        {"kind": court_kind.pk, "due_on": timezone.localdate().isoformat(), "assigned_to": peer.pk},
    )
    assert "This field is required." in refused.content.decode()
    partner = Partner.objects.create(name="Palais de justice", kind="legal")
    client.post(
        url,
        {
            "kind": court_kind.pk,
            "due_on": timezone.localdate().isoformat(),
            "due_time": "09:30",
            "duration_minutes": "120",
            "place_partner": partner.pk,
            "assigned_to": peer.pk,
        },
    )
    accompaniment = FollowUp.objects.get()
    assert accompaniment.kind == court_kind
    assert accompaniment.due_time == time(9, 30)
    assert accompaniment.place_partner == partner
    assert accompaniment.what == "Court"


def test_handing_a_follow_up_to_a_colleague_tells_them(client, peer, clinician, person):
    client.force_login(peer)
    due = (timezone.localdate() + timedelta(days=2)).isoformat()
    client.post(
        reverse("follow_ups:new") + f"?client={person.pk}",
        {"what": SECRET, "due_on": due, "assigned_to": clinician.pk},
    )
    assert Notification.objects.filter(recipient=clinician, kind="follow_up_assigned").exists()


# An encounter's next steps.


def test_an_encounter_s_next_steps_become_a_follow_up_in_one_tap(client, peer, person):
    encounter = Encounter.objects.create(
        client=person, author=peer, setting="street", next_steps="Bring the lease form"
    )
    client.force_login(peer)
    page = client.get(reverse("encounters:detail", args=[encounter.pk])).content.decode()
    url = reverse("follow_ups:new") + f"?encounter={encounter.pk}"
    assert url in page
    form = client.get(url).content.decode()
    assert "Bring the lease form" in form
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    client.post(url, {"what": "Bring the lease form", "due_on": due, "assigned_to": peer.pk})
    follow_up = FollowUp.objects.get()
    assert follow_up.from_encounter == encounter
    page = client.get(reverse("encounters:detail", args=[encounter.pk])).content.decode()
    assert reverse("follow_ups:detail", args=[follow_up.pk]) in page


def test_a_coordinator_sees_the_encounter_but_not_its_follow_ups(
    client, peer, coordinator, person, make_follow_up
):
    encounter = Encounter.objects.create(
        client=person, author=peer, setting="street", next_steps="Bring the lease form"
    )
    make_follow_up(from_encounter=encounter, what="Bring the lease form")
    client.force_login(coordinator)
    page = client.get(reverse("encounters:detail", args=[encounter.pk])).content.decode()
    assert "Bring the lease form" not in page
    assert reverse("follow_ups:new") not in page


def test_the_encounter_page_lists_its_follow_ups_in_fixed_queries(
    client, peer, person, make_follow_up
):
    encounter = Encounter.objects.create(
        client=person, author=peer, setting="street", next_steps="Many things"
    )
    client.force_login(peer)
    url = reverse("encounters:detail", args=[encounter.pk])
    make_follow_up(from_encounter=encounter)
    one = queries_for(client, url)
    for _ in range(49):
        make_follow_up(from_encounter=encounter)
    assert queries_for(client, url) == one


# The person's page.


def test_the_person_s_page_shows_open_follow_ups_above_the_timeline(
    client, peer, person, make_follow_up
):
    Encounter.objects.create(client=person, author=peer, setting="street")
    make_follow_up(what="Open promise")
    client.force_login(peer)
    page = client.get(reverse("clients:detail", args=[person.pk])).content.decode()
    assert "Open promise" in page
    assert page.index("Open promise") < page.index('id="activity-heading"')
    assert "Mark done" in page


def test_the_person_s_page_takes_as_many_queries_for_fifty_follow_ups_as_for_one(
    client, peer, person, make_follow_up, court_kind
):
    client.force_login(peer)
    url = reverse("clients:detail", args=[person.pk])
    make_follow_up()
    one = queries_for(client, url)
    for number in range(49):
        make_follow_up(days=number % 10, kind=court_kind if number % 2 else None)
    assert queries_for(client, url) == one


# The home page.


def test_the_home_page_shows_today_s_accompaniment_and_what_is_overdue(
    client, peer, make_follow_up, court_kind
):
    make_follow_up(days=0, kind=court_kind, what="Hearing at ten")
    make_follow_up(days=-3, what="Late promise")
    make_follow_up(days=4, what="Next week's promise")
    client.force_login(peer)
    page = client.get(reverse("home")).content.decode()
    assert "Hearing at ten" in page
    assert "Late promise" in page
    assert "Next week's promise" not in page
    assert "Overdue" in page


def test_the_home_page_leaves_the_due_card_out_when_nothing_is_due(client, peer, make_follow_up):
    make_follow_up(days=4, what="Next week's promise")
    client.force_login(peer)
    page = client.get(reverse("home")).content.decode()
    assert "Due today and overdue" not in page
    assert "Nothing waits for you today." in page  # shown by the style sheet when no card is


def test_the_home_page_shows_eight_due_lines_and_how_many_more(client, peer, make_follow_up):
    for number in range(11):
        make_follow_up(days=-number, what=f"Promise number {number}")
    client.force_login(peer)
    page = client.get(reverse("home")).content.decode()
    assert sum(f"Promise number {n}<" in page for n in range(11)) == 8
    assert "and 3 more: all my follow-ups" in page


def test_a_coordinator_s_home_has_no_overdue_card_when_none_is_overdue(
    client, coordinator, make_follow_up
):
    make_follow_up(days=3)
    client.force_login(coordinator)
    assert "Overdue follow-ups" not in client.get(reverse("home")).content.decode()


def test_the_home_page_takes_as_many_queries_for_fifty_due_as_for_one(client, peer, make_follow_up):
    client.force_login(peer)
    make_follow_up(days=0)
    one = queries_for(client, reverse("home"))
    for number in range(49):
        make_follow_up(days=-(number % 20))
    assert queries_for(client, reverse("home")) == one


def test_a_coordinator_s_home_counts_overdue_follow_ups_per_worker_without_a_word(
    client, coordinator, peer, make_follow_up
):
    make_follow_up(days=-2, what=SECRET)
    client.force_login(coordinator)
    page = client.get(reverse("home")).content.decode()
    assert "Overdue follow-ups" in page
    assert str(peer) in page
    assert SECRET not in page
    assert "Hélène" not in page


# A follow-up's page, done, cancelled.


def test_the_follow_up_s_page_is_read_and_recorded_as_read(client, peer, make_follow_up):
    follow_up = make_follow_up(what=SECRET)
    client.force_login(peer)
    page = client.get(reverse("follow_ups:detail", args=[follow_up.pk])).content.decode()
    assert SECRET in page
    assert read_entries(follow_up).count() == 1


def test_marking_done_records_who_and_when(client, peer, make_follow_up):
    follow_up = make_follow_up()
    client.force_login(peer)
    client.post(reverse("follow_ups:done", args=[follow_up.pk]), {"outcome": ""})
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.DONE
    assert follow_up.closed_by == peer


def test_cancelling_keeps_the_follow_up(client, peer, make_follow_up):
    follow_up = make_follow_up()
    client.force_login(peer)
    assert client.get(reverse("follow_ups:cancel", args=[follow_up.pk])).status_code == 405
    client.post(reverse("follow_ups:cancel", args=[follow_up.pk]))
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.CANCELLED


def test_someone_off_the_team_cannot_close_it_and_nothing_changes(
    client, other_clinician, make_follow_up
):
    follow_up = make_follow_up()
    client.force_login(other_clinician)
    assert client.post(reverse("follow_ups:cancel", args=[follow_up.pk])).status_code == 404
    assert client.post(reverse("follow_ups:done", args=[follow_up.pk])).status_code == 404
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.OPEN


def test_a_closed_follow_up_refuses_to_be_closed_again(client, peer, make_follow_up):
    follow_up = make_follow_up()
    client.force_login(peer)
    client.post(reverse("follow_ups:done", args=[follow_up.pk]))
    assert client.post(reverse("follow_ups:cancel", args=[follow_up.pk])).status_code == 403


def test_editing_changes_the_words_and_the_day(client, peer, make_follow_up):
    follow_up = make_follow_up()
    client.force_login(peer)
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    versioned(client).post(
        reverse("follow_ups:edit", args=[follow_up.pk]),
        {"what": "New words", "due_on": due, "assigned_to": peer.pk},
    )
    follow_up.refresh_from_db()
    assert (follow_up.what, follow_up.due_on.isoformat()) == ("New words", due)


# An accompaniment becomes its encounter.


def test_an_accompaniment_done_is_offered_as_an_encounter_filled_in(
    client, peer, make_follow_up, court_kind, court_activity
):
    accompaniment = make_follow_up(days=-1, kind=court_kind, duration_minutes=90)
    client.force_login(peer)
    response = client.post(
        reverse("follow_ups:done", args=[accompaniment.pk]),
        {"outcome": "Postponed to March."},
        follow=True,
    )
    assert "Log as encounter" in response.content.decode()
    form = client.get(reverse("follow_ups:encounter", args=[accompaniment.pk]))
    fields = form.context["form"].initial
    assert fields["setting"] == "court"
    assert fields["duration_minutes"] == 90
    assert fields["activities"] == [court_activity]
    assert fields["outcome"] == "Postponed to March."
    assert timezone.localtime(fields["occurred_at"]).time() == time(10, 0)


def test_saving_the_encounter_links_it_to_the_accompaniment(
    client, peer, make_follow_up, court_kind, court_activity
):
    accompaniment = make_follow_up(days=-1, kind=court_kind, duration_minutes=90)
    client.force_login(peer)
    when = (timezone.localdate() - timedelta(days=1)).isoformat() + "T10:00"
    response = client.post(
        reverse("follow_ups:encounter", args=[accompaniment.pk]),
        {
            "setting": "court",
            "activities": [court_activity.pk],
            "occurred_at": when,
            "duration_minutes": "90",
            "outcome": "It went well.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    accompaniment.refresh_from_db()
    encounter = Encounter.objects.get()
    assert encounter.client == accompaniment.client
    assert accompaniment.encounter == encounter
    assert accompaniment.status == FollowUpStatus.DONE
    assert accompaniment.outcome == "It went well."


def test_a_shelter_partner_makes_a_shelter_encounter_with_that_partner(
    client, peer, make_follow_up, court_kind
):
    shelter = Partner.objects.create(name="Halte du coin", kind="shelter")
    accompaniment = make_follow_up(days=-1, kind=court_kind, place_partner=shelter)
    client.force_login(peer)
    fields = (
        client.get(reverse("follow_ups:encounter", args=[accompaniment.pk])).context["form"].initial
    )
    assert (fields["setting"], fields["partner"]) == ("shelter", shelter)


def test_an_accompaniment_later_today_is_logged_at_the_present_time_at_the_latest(
    client, peer, make_follow_up, court_kind
):
    accompaniment = make_follow_up(days=2, kind=court_kind)
    client.force_login(peer)
    fields = (
        client.get(reverse("follow_ups:encounter", args=[accompaniment.pk])).context["form"].initial
    )
    assert fields["occurred_at"] <= timezone.now() + timedelta(minutes=10)


# The coordinators' counts.


def test_the_workers_page_counts_and_never_shows_a_word(
    client, coordinator, peer, clinician, make_follow_up
):
    make_follow_up(days=-1, what=SECRET)
    make_follow_up(days=0, what=SECRET)
    make_follow_up(days=3, assigned_to=clinician, what=SECRET)
    client.force_login(coordinator)
    response = client.get(reverse("follow_ups:workers"))
    page = response.content.decode()
    loads = {
        load.worker: (load.overdue, load.due_today, load.open) for load in response.context["loads"]
    }
    assert loads == {peer: (1, 1, 2), clinician: (0, 0, 1)}
    assert SECRET not in page
    assert "Hélène" not in page


def test_the_workers_page_takes_as_many_queries_for_fifty_workers_as_for_one(
    client, coordinator, person, make_follow_up
):
    client.force_login(coordinator)
    url = reverse("follow_ups:workers")
    make_follow_up(days=-1)
    one = queries_for(client, url)
    for number in range(49):
        worker = UserFactory(username=f"worker{number}", roles=[Role.PEER])
        put_on_team(person, worker)
        make_follow_up(assigned_to=worker, days=number % 5 - 2)
    assert len(client.get(url).context["loads"]) == 50
    assert queries_for(client, url) == one


# The kinds.


def test_coordinators_add_a_kind_with_the_activity_its_encounter_records(
    client, coordinator, court_activity
):
    client.force_login(coordinator)
    form = client.get(reverse("follow_ups:kind_create")).content.decode()
    token = form.split('name="submission_token" value="')[1].split('"')[0]
    client.post(
        reverse("follow_ups:kind_create"),
        {
            "name_en": "Bank",
            "name_fr": "Banque",
            "activity": court_activity.pk,
            "position": 70,
            "submission_token": token,
        },
    )
    assert AccompanimentKind.objects.get(name_en="Bank").activity == court_activity


def test_a_retired_kind_is_no_longer_offered_to_new_accompaniments(
    client, coordinator, peer, person, court_kind
):
    client.force_login(coordinator)
    client.post(reverse("follow_ups:kind_retire", args=[court_kind.pk]))
    client.force_login(peer)
    form = client.get(reverse("follow_ups:new") + f"?client={person.pk}&kind=accompaniment")
    assert court_kind not in form.context["form"].fields["kind"].queryset


def test_the_kinds_list_takes_as_many_queries_for_fifty_kinds_as_for_one(
    client, coordinator, court_activity
):
    client.force_login(coordinator)
    AccompanimentKind.objects.all().delete()
    AccompanimentKind.objects.create(name_en="K0", name_fr="K0", activity=court_activity)
    one = queries_for(client, reverse("follow_ups:kinds"))
    for number in range(1, 50):
        AccompanimentKind.objects.create(
            name_en=f"K{number}", name_fr=f"K{number}", activity=court_activity
        )
    assert queries_for(client, reverse("follow_ups:kinds")) == one


def test_the_menu_leads_workers_to_their_follow_ups_and_not_coordinators(client, peer, coordinator):
    link = f'href="{reverse("follow_ups:list")}"'
    client.force_login(peer)
    assert link in client.get(reverse("clients:list")).content.decode()
    client.force_login(coordinator)
    assert link not in client.get(reverse("clients:list")).content.decode()


def test_nobody_reads_a_follow_up_of_someone_else_s_person_in_a_list(
    client, other_clinician, make_follow_up
):
    make_follow_up(what=SECRET)
    elsewhere = ClientFactory(display_name="Elsewhere")
    put_on_team(elsewhere, other_clinician)
    client.force_login(other_clinician)
    for scope in ("mine", "teams"):
        page = client.get(reverse("follow_ups:list"), {"scope": scope}).content.decode()
        assert SECRET not in page


def test_the_person_s_page_says_near_the_top_how_many_are_open_and_overdue(
    client, peer, person, make_follow_up
):
    make_follow_up(days=-1)
    make_follow_up(days=2)
    client.force_login(peer)
    page = client.get(reverse("clients:detail", args=[person.pk])).content.decode()
    assert "2 open follow-ups, 1 overdue" in page
    assert 'href="#agenda-due"' in page
    assert 'id="agenda-due"' in page


def test_a_follow_up_on_its_own_offers_the_members_of_my_teams_only(
    client, peer, other_peer, clinician, other_clinician, person
):
    client.force_login(peer)
    offered = client.get(reverse("follow_ups:new")).context["form"].fields["assigned_to"]
    assert set(offered.queryset) == {peer, other_peer, clinician}
