import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from clients import services
from clients.choices import Decision, JoinedHow, Purpose, Situation, TeamRole
from clients.models import CareTeamMembership, Client, ClientMerge, Consent, LivingSituation
from tests.db_snapshot import snapshot
from tests.factories import ClientFactory, put_on_team

pytestmark = pytest.mark.django_db


def test_a_peer_who_registers_someone_joins_their_team(peer):
    person = services.client_register(
        acting_user=peer, details={"display_name": "Noémie"}, situation=Situation.ENCAMPMENT
    )
    membership = person.memberships.get()
    assert (membership.member, membership.team_role, membership.how) == (
        peer,
        TeamRole.PEER,
        JoinedHow.REGISTERED,
    )
    assert person.living_situations.get().situation == Situation.ENCAMPMENT


def test_a_coordinator_who_registers_someone_does_not_join_their_team(coordinator):
    person = services.client_register(acting_user=coordinator, details={"display_name": "Zoé"})
    assert not person.memberships.exists()


def test_registration_is_audited_with_its_author(peer):
    person = services.client_register(acting_user=peer, details={"display_name": "Zoé"})
    entry = LogEntry.objects.get_for_object(person).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == peer


def test_a_changed_detail_is_audited_with_old_and_new_values(peer):
    person = services.client_register(acting_user=peer, details={"display_name": "Zoé"})
    services.client_update(
        acting_user=peer, client=person, details={"display_name": "Zoé B.", "phone": "514"}
    )
    entry = LogEntry.objects.get_for_object(person).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.changes_dict["display_name"] == ["Zoé", "Zoé B."]
    assert entry.changes_dict["phone"] == ["", "514"]


def test_situations_build_a_history_and_the_newest_is_current(coordinator):
    from clients.selectors import with_current_situation

    person = ClientFactory()
    for situation in [Situation.STREET, Situation.EMERGENCY_SHELTER, Situation.HOUSED_SUPPORTIVE]:
        services.client_record_situation(
            acting_user=coordinator, client=person, situation=situation
        )
    assert person.living_situations.count() == 3
    current = with_current_situation(Client.objects.filter(pk=person.pk)).get()
    assert current.current_situation == Situation.HOUSED_SUPPORTIVE


def test_a_peer_account_cannot_be_put_on_a_team_as_a_clinician(coordinator, peer):
    person = ClientFactory()
    with pytest.raises(ValidationError) as error:
        services.team_add_member(
            acting_user=coordinator, client=person, member=peer, team_role=TeamRole.CLINICIAN
        )
    assert "team_role" in error.value.error_dict
    assert not person.memberships.exists()


def test_someone_already_on_the_team_is_not_added_twice(coordinator, peer):
    person = ClientFactory()
    services.team_add_member(
        acting_user=coordinator, client=person, member=peer, team_role=TeamRole.PEER
    )
    with pytest.raises(ValidationError, match="already on this care team"):
        services.team_add_member(
            acting_user=coordinator, client=person, member=peer, team_role=TeamRole.PEER
        )


def test_leaving_a_team_keeps_the_membership_in_the_history(coordinator, peer):
    person = ClientFactory()
    membership = put_on_team(person, peer)
    services.team_end_membership(acting_user=coordinator, membership=membership)
    membership.refresh_from_db()
    assert membership.left_on is not None and membership.ended_by == coordinator
    again = services.team_add_member(
        acting_user=coordinator, client=person, member=peer, team_role=TeamRole.PEER
    )
    assert person.memberships.count() == 2 and again.is_current


def test_joining_a_team_needs_a_reason(other_peer):
    person = ClientFactory()
    with pytest.raises(ValidationError):
        services.team_join(acting_user=other_peer, client=person, reason="  ")
    membership = services.team_join(
        acting_user=other_peer, client=person, reason="Met at the drop-in"
    )
    assert membership.how == JoinedHow.JOINED and membership.reason == "Met at the drop-in"


@pytest.fixture
def two_records(coordinator, peer, clinician, other_peer):
    keep = ClientFactory(display_name="Jean-François", aliases="JF")
    away = ClientFactory(
        display_name="Jeff",
        legal_first_name="Jean-François",
        legal_last_name="Roy",
        birth_year=1985,
        phone="514 555 0000",
    )
    put_on_team(keep, peer)
    put_on_team(away, peer)  # on both: ends up on the kept team once
    put_on_team(away, other_peer)
    services.client_record_situation(
        acting_user=coordinator, client=away, situation=Situation.STREET
    )
    services.consent_record(
        acting_user=coordinator, client=away, purpose=Purpose.RESEARCH, decision=Decision.REFUSED
    )
    return keep, away


def test_merge_moves_everything_to_the_kept_record(coordinator, peer, other_peer, two_records):
    keep, away = two_records
    ids = {
        "clients.LivingSituation": [s.pk for s in away.living_situations.all()],
        "clients.Consent": [c.pk for c in away.consents.all()],
        "clients.CareTeamMembership": sorted(m.pk for m in away.memberships.all()),
    }
    merge = services.client_merge(
        acting_user=coordinator, keep=keep, merge_away=away, reason="Same person, two nicknames"
    )
    keep.refresh_from_db()
    away.refresh_from_db()
    assert away.merged_into == keep
    assert not LivingSituation.objects.filter(client=away).exists()
    assert not Consent.objects.filter(client=away).exists()
    assert keep.consents.get().decision == Decision.REFUSED
    current = CareTeamMembership.objects.filter(client=keep, left_on__isnull=True)
    assert sorted(m.member.username for m in current) == ["other_peer", "peer"]
    assert keep.alias_list == ["JF", "Jeff"]  # the legal name was already known
    assert (keep.legal_last_name, keep.birth_year, keep.phone) == ("Roy", 1985, "514 555 0000")
    # The merge record names every row that moved (peer's duplicate membership was ended).
    assert merge.moved == ids
    assert len(ids["clients.CareTeamMembership"]) == 2


def test_merge_is_audited_and_explained_on_the_kept_record(coordinator, two_records):
    keep, away = two_records
    services.client_merge(acting_user=coordinator, keep=keep, merge_away=away, reason="Same")
    merge = ClientMerge.objects.get(kept=keep)
    assert (merge.merged_display_name, merge.reason, merge.merged_by) == (
        "Jeff",
        "Same",
        coordinator,
    )
    merge_type = ContentType.objects.get_for_model(ClientMerge)
    entry = LogEntry.objects.get(content_type=merge_type, object_pk=str(merge.pk))
    assert entry.actor == coordinator
    # The history of the merged-away record is still there.
    assert LogEntry.objects.get_for_object(away).filter(action=LogEntry.Action.CREATE).exists()


def test_a_record_cannot_be_merged_twice_or_with_itself(coordinator, two_records):
    keep, away = two_records
    with pytest.raises(ValidationError):
        services.client_merge(acting_user=coordinator, keep=keep, merge_away=keep, reason="x")
    services.client_merge(acting_user=coordinator, keep=keep, merge_away=away, reason="x")
    other = ClientFactory()
    with pytest.raises(ValidationError):
        services.client_merge(acting_user=coordinator, keep=other, merge_away=away, reason="x")


def test_search_ignores_case_and_accents():
    from clients.models import fold

    person = ClientFactory(display_name="Hélène", aliases="Lène\nTi-Lou", legal_last_name="Côté")
    for query in ["helene", "HÉLÈNE", "lene", "ti-lou", "cote"]:
        assert list(Client.objects.filter(search_text__contains=fold(query))) == [person], query


def test_fold_treats_hyphens_and_apostrophes_as_spaces():
    from clients.models import fold

    assert fold("Jean-François") == fold("jean  francois") == "jean francois"
    assert fold("D’Amour") == fold("d'amour") == fold("D‘amour") == "d amour"
    assert fold("Marie–Ève — Ti-Lou") == "marie eve ti lou"


def test_a_person_with_a_very_long_list_of_names_saves_and_is_found_by_the_first(coordinator):
    from clients.models import SEARCH_TEXT_BYTES, fold

    # Hundreds of other names, some in a script of three bytes a character: the
    # searched text stays within what PostgreSQL's name index can hold.
    aliases = "\n".join(f"Surnom {n} 東京" for n in range(400))
    person = ClientFactory(display_name="Hélène Tremblay", aliases=aliases, legal_last_name="Côté")
    person.refresh_from_db()
    assert len(person.search_text.encode()) <= SEARCH_TEXT_BYTES
    assert person.search_text.startswith("helene tremblay cote surnom 0 東京")
    # Never cut inside a character: the text is still valid where it ends.
    assert fold(person.search_text) == person.search_text
    for query in ["tremblay", "cote", "surnom 1 東"]:
        assert list(Client.objects.filter(search_text__contains=fold(query))) == [person], query
    # The last names of a list that long are beyond it (found by the others).
    assert "surnom 399" not in person.search_text


def test_merge_takes_details_that_belong_together_as_a_whole(coordinator):
    keep = ClientFactory(birth_year_no_answer="prefers_not", gender="")
    away = ClientFactory(
        birth_year=1980,
        birth_year_estimated=True,
        gender="self_described",
        gender_self_described="genderqueer",
    )
    services.client_merge(acting_user=coordinator, keep=keep, merge_away=away, reason="Same")
    keep.refresh_from_db()
    # A real year wins over "prefers not to answer", and brings its estimate flag along.
    assert (keep.birth_year, keep.birth_year_estimated, keep.birth_year_no_answer) == (
        1980,
        True,
        "",
    )
    assert (keep.gender, keep.gender_self_described) == ("self_described", "genderqueer")


@pytest.mark.parametrize("no_answer", ["not_asked", "doesnt_know", "prefers_not"])
def test_merge_a_real_answer_wins_over_a_no_answer_code(coordinator, no_answer):
    keep = ClientFactory(
        legal_name_no_answer=no_answer,
        birth_year_no_answer=no_answer,
        gender=no_answer,
        health_coverage="not_asked" if no_answer == "doesnt_know" else no_answer,
    )
    away = ClientFactory(
        legal_first_name="Jean",
        legal_last_name="Roy",
        birth_year=1975,
        gender="man",
        health_coverage="has_card",
    )
    services.client_merge(acting_user=coordinator, keep=keep, merge_away=away, reason="Same")
    keep.refresh_from_db()
    assert (keep.legal_first_name, keep.legal_last_name, keep.legal_name_no_answer) == (
        "Jean",
        "Roy",
        "",
    )
    assert (keep.birth_year, keep.birth_year_no_answer) == (1975, "")
    assert keep.gender == "man"
    assert keep.health_coverage == "has_card"


def test_merge_keeps_the_kept_records_real_answers_and_fills_a_no_answer_code(coordinator):
    keep = ClientFactory(birth_year=1990, gender="woman", health_coverage="expired")
    away = ClientFactory(
        birth_year=1970,
        gender="man",
        health_coverage="has_card",
        legal_name_no_answer="prefers_not",
    )
    services.client_merge(acting_user=coordinator, keep=keep, merge_away=away, reason="Same")
    keep.refresh_from_db()
    assert (keep.birth_year, keep.gender, keep.health_coverage) == (1990, "woman", "expired")
    # Nothing on the kept record: the duplicate's recorded refusal is better than nothing.
    assert keep.legal_name_no_answer == "prefers_not"


def test_merge_does_not_trade_one_no_answer_code_for_another(coordinator):
    keep = ClientFactory(gender="prefers_not", health_coverage="prefers_not")
    away = ClientFactory(gender="not_asked", health_coverage="unknown")
    services.client_merge(acting_user=coordinator, keep=keep, merge_away=away, reason="Same")
    keep.refresh_from_db()
    assert (keep.gender, keep.health_coverage) == ("prefers_not", "prefers_not")


def test_merge_keeps_an_estimated_year_estimated(coordinator):
    keep = ClientFactory()
    away = ClientFactory(birth_year=1980, birth_year_estimated=True)
    services.client_merge(acting_user=coordinator, keep=keep, merge_away=away, reason="Same")
    keep.refresh_from_db()
    assert (keep.birth_year, keep.birth_year_estimated) == (1980, True)


def test_an_intake_in_the_future_is_refused_on_its_field(peer):
    from datetime import timedelta

    from django.utils import timezone

    with pytest.raises(ValidationError) as error:
        services.client_register(
            acting_user=peer,
            details={"display_name": "X", "intake_date": timezone.localdate() + timedelta(days=3)},
        )
    assert "intake_date" in error.value.error_dict
    assert not Client.objects.exists()


def test_a_withdrawal_recorded_with_a_past_date_still_counts_from_today(coordinator):
    from datetime import timedelta

    from django.utils import timezone

    from clients.access import has_consent_in_force

    person = ClientFactory()
    services.consent_record(
        acting_user=coordinator,
        client=person,
        purpose=Purpose.CARE_TEAM_SHARING,
        decision=Decision.GIVEN,
        method="verbal",
    )
    withdrawal = services.consent_record(
        acting_user=coordinator,
        client=person,
        purpose=Purpose.CARE_TEAM_SHARING,
        decision=Decision.WITHDRAWN,
        decided_on=timezone.localdate() - timedelta(days=5),
    )
    assert withdrawal.decided_on == timezone.localdate()
    assert not has_consent_in_force(person, Purpose.CARE_TEAM_SHARING)


def test_the_data_migration_refolds_names_stored_before_hyphens_were_folded():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("clients.migrations.0002_refold_names_without_hyphens_or_apostrophes")
    person = ClientFactory(
        display_name="Jean-François", aliases="Ti-Lou", legal_last_name="D’Amour"
    )
    # As stored by the earlier fold, which kept hyphens and apostrophes.
    Client.objects.filter(pk=person.pk).update(
        search_text="jean-francois d’amour ti-lou", display_key="jean-francois"
    )
    migration.refold_names(apps, None)
    person.refresh_from_db()
    assert (person.search_text, person.display_key) == (
        "jean francois d amour ti lou",
        "jean francois",
    )
    assert person.display_name == "Jean-François"


def _days_ago(days):
    from datetime import timedelta

    from django.utils import timezone

    return timezone.localdate() - timedelta(days=days)


def test_registering_someone_met_months_ago_does_not_make_today_their_last_contact(peer):
    from clients.choices import Status
    from clients.status import status_of

    person = services.client_register(
        acting_user=peer, details={"display_name": "Met in spring", "intake_date": _days_ago(100)}
    )
    person.refresh_from_db()
    assert person.last_contact_on == _days_ago(100)
    assert status_of(person) == Status.INACTIVE


def test_correcting_the_intake_date_moves_a_last_contact_that_came_from_it(peer):
    person = services.client_register(acting_user=peer, details={"display_name": "Late entry"})
    services.client_update(acting_user=peer, client=person, details={"intake_date": _days_ago(200)})
    person.refresh_from_db()
    assert person.last_contact_on == _days_ago(200)


def test_correcting_the_intake_date_keeps_a_later_real_contact(peer):
    person = services.client_register(
        acting_user=peer, details={"display_name": "Seen since", "intake_date": _days_ago(200)}
    )
    services.client_record_situation(
        acting_user=peer, client=person, situation=Situation.STREET, recorded_on=_days_ago(10)
    )
    services.client_update(acting_user=peer, client=person, details={"intake_date": _days_ago(150)})
    person.refresh_from_db()
    assert person.last_contact_on == _days_ago(10)


# Every service that changes something asks the policy itself: called by
# someone who may not, it refuses and changes nothing, whatever the view did.


def _elsewhere():
    return Client.objects.get(display_name="Someone else")


REFUSED_CALLS = {
    "register, researcher": (
        "researcher",
        lambda user, person: services.client_register(
            acting_user=user, details={"display_name": "Zoé"}
        ),
    ),
    "register, no role": (
        "outsider",
        lambda user, person: services.client_register(
            acting_user=user, details={"display_name": "Zoé"}
        ),
    ),
    "edit, off the team": (
        "other_peer",
        lambda user, person: services.client_update(
            acting_user=user, client=person, details={"phone": "514"}
        ),
    ),
    "situation, off the team": (
        "other_clinician",
        lambda user, person: services.client_record_situation(
            acting_user=user, client=person, situation=Situation.STREET
        ),
    ),
    "consent, off the team": (
        "other_peer",
        lambda user, person: services.consent_record(
            acting_user=user,
            client=person,
            purpose=Purpose.RESEARCH,
            decision=Decision.REFUSED,
        ),
    ),
    "withdrawal, off the team": (
        "other_peer",
        lambda user, person: services.consent_withdraw(
            acting_user=user, client=person, purpose=Purpose.RESEARCH
        ),
    ),
    "withdrawal through the record form, off the team": (
        "other_peer",
        lambda user, person: services.consent_record(
            acting_user=user,
            client=person,
            purpose=Purpose.RESEARCH,
            decision=Decision.WITHDRAWN,
        ),
    ),
    "close, off the team": (
        "other_peer",
        lambda user, person: services.client_close(acting_user=user, client=person, reason="moved"),
    ),
    "reopen an open file": (
        "peer",
        lambda user, person: services.client_reopen(acting_user=user, client=person),
    ),
    "add to the team, a peer on it": (
        "peer",
        lambda user, person: services.team_add_member(
            acting_user=user,
            client=person,
            member=_elsewhere().memberships.first().member,
            team_role=TeamRole.PEER,
        ),
    ),
    "end a membership, a clinician on the team": (
        "clinician",
        lambda user, person: services.team_end_membership(
            acting_user=user, membership=person.memberships.first()
        ),
    ),
    "join, a coordinator": (
        "coordinator",
        lambda user, person: services.team_join(acting_user=user, client=person, reason="Met them"),
    ),
    "join, a researcher": (
        "researcher",
        lambda user, person: services.team_join(acting_user=user, client=person, reason="Met them"),
    ),
    "merge, a peer on both teams": (
        "peer",
        lambda user, person: services.client_merge(
            acting_user=user, keep=person, merge_away=_elsewhere(), reason="Same"
        ),
    ),
}


@pytest.mark.parametrize("name", list(REFUSED_CALLS))
def test_a_service_refuses_who_may_not_and_changes_nothing(request, person, name):
    persona, call = REFUSED_CALLS[name]
    user = request.getfixturevalue(persona)
    if name == "merge, a peer on both teams":
        put_on_team(_elsewhere(), user)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        call(user, person)
    assert snapshot() == before


def test_a_closed_file_refuses_every_change_but_a_withdrawal_and_reopening(
    peer, coordinator, person
):
    services.client_close(acting_user=coordinator, client=person, reason="moved")
    before = snapshot()
    for call in (
        lambda: services.client_update(acting_user=peer, client=person, details={"phone": "1"}),
        lambda: services.client_record_situation(
            acting_user=peer, client=person, situation=Situation.STREET
        ),
        lambda: services.consent_record(
            acting_user=peer, client=person, purpose=Purpose.RESEARCH, decision=Decision.REFUSED
        ),
        lambda: services.client_close(acting_user=peer, client=person, reason="moved"),
        lambda: services.client_merge(
            acting_user=coordinator, keep=person, merge_away=_elsewhere(), reason="Same"
        ),
    ):
        with pytest.raises(PermissionDenied):
            call()
        assert snapshot() == before
    services.consent_withdraw(acting_user=peer, client=person, purpose=Purpose.RESEARCH)
    services.client_reopen(acting_user=peer, client=person)
    person.refresh_from_db()
    assert person.closed_on is None


def test_a_deactivated_account_changes_nothing(peer, person):
    peer.is_active = False
    peer.save()
    peer.refresh_from_db()
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.client_update(acting_user=peer, client=person, details={"phone": "514"})
    with pytest.raises(PermissionDenied):
        services.consent_withdraw(acting_user=peer, client=person, purpose=Purpose.RESEARCH)
    assert snapshot() == before


def test_a_refused_closing_leaves_the_callers_copy_open(coordinator):
    person = ClientFactory()
    with pytest.raises(ValidationError):
        services.client_close(acting_user=coordinator, client=person, reason="")
    assert person.closed_on is None
    services.client_close(acting_user=coordinator, client=person, reason="moved")
    person.refresh_from_db()
    assert person.closed_on is not None


def test_a_merged_record_is_still_explained_as_merged_to_who_may_merge(coordinator, person):
    # The existing refusal stays a ValidationError (shown on the form), not a 403.
    services.client_merge(
        acting_user=coordinator, keep=person, merge_away=_elsewhere(), reason="Same"
    )
    with pytest.raises(ValidationError, match="already been merged"):
        services.client_merge(
            acting_user=coordinator, keep=person, merge_away=_elsewhere(), reason="Again"
        )


def test_a_peer_already_on_the_team_who_joins_is_told_so_on_the_form(peer, person):
    with pytest.raises(ValidationError, match="already on this care team"):
        services.team_join(acting_user=peer, client=person, reason="Met them again")
