"""Reads of the register: what each selector returns, for whom, and in how many queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clients import selectors, services
from clients.choices import ConsentState, Decision, JoinedHow, Purpose, Situation, Status
from clients.models import Client
from tests.factories import ClientFactory, UserFactory, put_on_team

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _days_ago(days):
    return TODAY - timedelta(days=days)


@pytest.fixture
def elsewhere(person):
    return Client.objects.get(display_name="Someone else")


def _names(clients):
    return [c.display_name for c in clients]


def test_client_list_shows_a_peer_their_own_people_only(peer, other_peer, person, elsewhere):
    assert _names(selectors.client_list(viewer=peer)) == ["Hélène"]
    assert _names(selectors.client_list(viewer=other_peer)) == ["Someone else"]


def test_client_list_shows_nobody_to_who_may_not_use_the_register(researcher, outsider, person):
    assert not selectors.client_list(viewer=researcher).exists()
    assert not selectors.client_list(viewer=outsider).exists()


def test_the_register_puts_the_viewers_people_first(coordinator, person, elsewhere):
    put_on_team(elsewhere, coordinator, team_role="reference")
    rows = [row for part in selectors.register(viewer=coordinator).parts for row in part]
    assert _names(rows) == ["Someone else", "Hélène"]
    assert [row.on_my_team for row in rows] == [True, False]


def test_client_list_is_by_name_whoever_is_on_the_viewers_teams(coordinator, person, elsewhere):
    put_on_team(elsewhere, coordinator, team_role="reference")
    assert _names(selectors.client_list(viewer=coordinator)) == ["Hélène", "Someone else"]


def test_client_list_annotates_status_situation_and_consent(coordinator, person):
    services.client_record_situation(
        acting_user=coordinator, client=person, situation=Situation.STREET
    )
    services.consent_record(
        acting_user=coordinator, client=person, purpose=Purpose.RESEARCH, decision=Decision.REFUSED
    )
    row = selectors.client_list(viewer=coordinator).get(pk=person.pk)
    assert row.status == Status.ACTIVE
    assert (row.current_situation, row.current_situation_on) == (Situation.STREET, TODAY)
    assert row.consent_research_decision == Decision.REFUSED


def test_client_list_filters(coordinator, person, elsewhere):
    services.client_close(acting_user=coordinator, client=elsewhere, reason="moved")
    F = selectors.ClientFilters

    def names(**filters):
        return _names(selectors.client_list(viewer=coordinator, filters=F(**filters)))

    assert names(q="lene") == ["Hélène"]  # an alias, folded
    assert names(status=Status.CLOSED) == ["Someone else"]
    assert names(consent_purpose=Purpose.RESEARCH, consent_state=ConsentState.NOT_ASKED) == [
        "Hélène",
        "Someone else",
    ]


def test_client_list_is_one_query(coordinator, person, django_assert_num_queries):
    assert coordinator.abilities  # the viewer's roles are read once per request
    with django_assert_num_queries(1):
        list(selectors.client_list(viewer=coordinator))


def test_others_matching_shows_only_the_findable_fields_of_people_off_my_teams(
    other_peer, peer, person
):
    (found,) = selectors.others_matching(viewer=other_peer, q="hélène")
    assert found == {
        "pk": person.pk,
        "display_name": "Hélène",
        "birth_year": 1971,
        "status": Status.ACTIVE,
    }
    assert selectors.others_matching(viewer=peer, q="helene") == []  # already on the team


def test_others_matching_needs_two_letters_and_the_name_used(other_peer, person):
    person.aliases = "Ti-Lou"
    person.save()
    assert selectors.others_matching(viewer=other_peer, q="h") == []
    assert selectors.others_matching(viewer=other_peer, q="ti lou") == []  # an alias: private


def test_others_matching_finds_nothing_for_who_does_not_join_teams(coordinator, person):
    assert selectors.others_matching(viewer=coordinator, q="helene") == []


def test_matches_findable_query(person):
    person.aliases = "Ti-Lou"
    person.save()
    assert selectors.matches_findable_query(person, "HEL")
    assert not selectors.matches_findable_query(person, "h")
    assert not selectors.matches_findable_query(person, "ti-lou")


def test_client_summary_loads_the_page_in_a_fixed_number_of_queries(
    coordinator, person, django_assert_num_queries
):
    services.client_record_situation(
        acting_user=coordinator, client=person, situation=Situation.STREET
    )
    with django_assert_num_queries(5):
        summary = selectors.client_summary(person)
    with django_assert_num_queries(0):
        assert len(summary.memberships.all()) == 2
        assert [m.member.username for m in summary.memberships.all()]
        assert len(summary.living_situations.all()) == 1
        assert summary.living_situations.all()[0].recorded_by == coordinator
        assert list(summary.consents.all()) == []
        assert list(summary.merges_received.all()) == []


def test_care_team_lists_each_person_once(coordinator, peer, other_peer, person):
    for days in (30, 10):
        put_on_team(person, other_peer, left_on=_days_ago(days))
    put_on_team(person, peer, left_on=_days_ago(5))  # left once, on the team again now
    current, former = selectors.care_team(selectors.team_history(person))
    assert sorted(m.member.username for m in current) == ["clinician", "peer"]
    assert [(m.member, m.left_on) for m in former] == [(other_peer, _days_ago(10))]


def test_current_memberships_leave_out_those_who_left(coordinator, peer, clinician, person):
    services.team_end_membership(
        acting_user=coordinator, membership=person.memberships.get(member=peer)
    )
    assert [m.member for m in selectors.current_memberships(person)] == [clinician]


def test_consent_overview_gives_every_purpose_its_state_and_history(coordinator, person):
    services.consent_record(
        acting_user=coordinator,
        client=person,
        purpose=Purpose.RESEARCH,
        decision=Decision.GIVEN,
        method="verbal",
        decided_on=_days_ago(3),
    )
    services.consent_withdraw(acting_user=coordinator, client=person, purpose=Purpose.RESEARCH)
    overview = {
        item["purpose"]: item
        for item in selectors.consent_overview(selectors.client_summary(person))
    }
    assert set(overview) == set(Purpose)
    research = overview[Purpose.RESEARCH]
    assert research["state"] == ConsentState.WITHDRAWN and not research["in_force"]
    assert [r.decision for r in research["records"]] == [Decision.WITHDRAWN, Decision.GIVEN]
    assert overview[Purpose.PEER_SUPPORT]["state"] == ConsentState.NOT_ASKED
    assert overview[Purpose.PEER_SUPPORT]["newest"] is None


def test_self_joins_are_the_joins_on_ones_own_of_people_the_viewer_sees(
    coordinator, other_peer, peer, person, elsewhere
):
    joined = services.team_join(acting_user=other_peer, client=person, reason="Met at the drop-in")
    assert list(selectors.self_joins(viewer=coordinator)) == [joined]
    assert list(selectors.self_joins(viewer=peer)) == [joined]  # peer sees Hélène
    stranger = UserFactory(username="stranger", roles=["peer"])
    assert not selectors.self_joins(viewer=stranger).exists()
    assert joined.how == JoinedHow.JOINED


def test_latest_contact_on_is_the_newest_real_contact(coordinator):
    person = ClientFactory(intake_date=_days_ago(200))
    assert selectors.latest_contact_on(person) == _days_ago(200)
    services.client_record_situation(
        acting_user=coordinator, client=person, situation=Situation.STREET, recorded_on=_days_ago(9)
    )
    assert selectors.latest_contact_on(person) == _days_ago(9)


def test_lock_clients_returns_the_locked_records(person, elsewhere):
    assert selectors.lock_clients([elsewhere.pk, person.pk]) == sorted(
        [person, elsewhere], key=lambda c: c.pk
    )


def test_rows_pointing_at_a_person_cover_every_relation(coordinator, person):
    services.client_record_situation(
        acting_user=coordinator, client=person, situation=Situation.STREET
    )
    rows = {label: (field, set(qs)) for label, field, qs in selectors.rows_pointing_at(person)}
    assert rows["clients.LivingSituation"][0] == "client"
    assert rows["clients.LivingSituation"][1] == set(person.living_situations.all())
    assert rows["clients.CareTeamMembership"][1] == set(person.memberships.all())
    assert "clients.ClientMerge" in rows  # as the kept record; the one-to-one is left out
    assert rows["clients.ClientMerge"][0] == "kept"


def test_with_current_situation_takes_the_newest(coordinator, person):
    for days, situation in ((20, Situation.STREET), (2, Situation.EMERGENCY_SHELTER)):
        services.client_record_situation(
            acting_user=coordinator, client=person, situation=situation, recorded_on=_days_ago(days)
        )
    row = selectors.with_current_situation(Client.objects.filter(pk=person.pk)).get()
    assert (row.current_situation, row.current_situation_on) == (
        Situation.EMERGENCY_SHELTER,
        _days_ago(2),
    )
