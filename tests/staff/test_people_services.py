"""The services of supervision, onboarding, the wellness plan, dual
relationships and staff teams: what they change, and what they refuse (on
which field)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from clients.models import CareTeamMembership, DualRelationship
from peersupport.models import StaffTeam
from staff import people_services as services
from staff.choices import BackingRole, OnboardingStep
from staff.models import Backing, OnboardingItem, WellnessPlan
from tests.factories import ClientFactory, put_on_team
from tests.staff.people_world import PLAN_TEXT

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _field_of(error: ValidationError) -> set[str]:
    return set(error.value.error_dict) if hasattr(error.value, "error_dict") else set()


# Supervisors and reference persons.


def test_a_coordinator_names_a_supervisor(coordinator, peer, clinician):
    backing = services.backing_set(
        acting_user=coordinator, peer=peer, backer=clinician, role=BackingRole.SUPERVISOR
    )
    assert backing.started_on == TODAY() and backing.ended_on is None
    assert backing.set_by == coordinator


def test_naming_a_new_supervisor_ends_the_current_one_the_day_it_starts(
    coordinator, peer, clinician, other_clinician
):
    first = services.backing_set(
        acting_user=coordinator,
        peer=peer,
        backer=clinician,
        role=BackingRole.SUPERVISOR,
        started_on=TODAY() - timedelta(days=30),
    )
    second = services.backing_set(
        acting_user=coordinator,
        peer=peer,
        backer=other_clinician,
        role=BackingRole.SUPERVISOR,
        started_on=TODAY() - timedelta(days=2),
    )
    first.refresh_from_db()
    assert first.ended_on == TODAY() - timedelta(days=2) and first.ended_by == coordinator
    assert second.ended_on is None
    current = Backing.objects.filter(peer=peer, role="supervisor", ended_on__isnull=True)
    assert list(current) == [second]


def test_a_new_supervisor_cannot_start_before_the_current_one(
    coordinator, peer, clinician, other_clinician
):
    services.backing_set(acting_user=coordinator, peer=peer, backer=clinician, role="supervisor")
    with pytest.raises(ValidationError) as error:
        services.backing_set(
            acting_user=coordinator,
            peer=peer,
            backer=other_clinician,
            role="supervisor",
            started_on=TODAY() - timedelta(days=5),
        )
    assert _field_of(error) == {"started_on"}
    assert Backing.objects.filter(peer=peer, ended_on__isnull=True).count() == 1


def test_a_peer_has_several_reference_persons(coordinator, peer, clinician, other_peer):
    for backer in (clinician, other_peer):
        services.backing_set(acting_user=coordinator, peer=peer, backer=backer, role="reference")
    assert Backing.objects.filter(peer=peer, role="reference", ended_on__isnull=True).count() == 2


@pytest.mark.parametrize(
    ("case", "field"),
    [("themselves", "backer"), ("again", "backer"), ("future", "started_on")],
)
def test_naming_a_backer_refuses_on_the_field(case, field, coordinator, peer, clinician):
    backer = peer if case == "themselves" else clinician
    started_on = TODAY() + timedelta(days=3) if case == "future" else TODAY()
    if case == "again":
        services.backing_set(acting_user=coordinator, peer=peer, backer=clinician, role="reference")
    before = Backing.objects.count()
    with pytest.raises(ValidationError) as error:
        services.backing_set(
            acting_user=coordinator,
            peer=peer,
            backer=backer,
            role="supervisor",
            started_on=started_on,
        )
    assert _field_of(error) == {field}
    assert Backing.objects.count() == before


def test_a_researcher_backs_nobody(coordinator, peer, researcher):
    with pytest.raises(ValidationError) as error:
        services.backing_set(
            acting_user=coordinator, peer=peer, backer=researcher, role="reference"
        )
    assert _field_of(error) == {"backer"}


def test_only_a_peer_is_backed(coordinator, clinician, other_clinician):
    with pytest.raises(ValidationError):
        services.backing_set(
            acting_user=coordinator, peer=clinician, backer=other_clinician, role="supervisor"
        )


@pytest.mark.parametrize("persona", ["peer", "clinician", "researcher", "outsider"])
def test_only_a_coordinator_names_or_ends_backers(request, persona, coordinator, peer, other_peer):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.backing_set(acting_user=user, peer=peer, backer=other_peer, role="reference")
    backing = services.backing_set(
        acting_user=coordinator, peer=peer, backer=other_peer, role="reference"
    )
    with pytest.raises(PermissionDenied):
        services.backing_end(acting_user=user, backing=backing)
    backing.refresh_from_db()
    assert backing.ended_on is None


def test_ending_a_backing_keeps_it(coordinator, peer, clinician):
    backing = services.backing_set(
        acting_user=coordinator,
        peer=peer,
        backer=clinician,
        role="supervisor",
        started_on=TODAY() - timedelta(days=10),
    )
    services.backing_end(acting_user=coordinator, backing=backing)
    backing.refresh_from_db()
    assert backing.ended_on == TODAY() and backing.ended_by == coordinator
    with pytest.raises(PermissionDenied):
        services.backing_end(acting_user=coordinator, backing=backing)


def test_a_backing_cannot_end_before_it_started(coordinator, peer, clinician):
    backing = services.backing_set(
        acting_user=coordinator, peer=peer, backer=clinician, role="supervisor"
    )
    with pytest.raises(ValidationError) as error:
        services.backing_end(
            acting_user=coordinator, backing=backing, ended_on=TODAY() - timedelta(days=1)
        )
    assert _field_of(error) == {"ended_on"}


# Onboarding.


def test_the_checklist_has_every_step_due_from_the_first_day(coordinator, peer):
    start = date(2026, 1, 31)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services.timezone, "localdate", lambda: start)
        items = services.onboarding_start(acting_user=coordinator, peer=peer, started_on=start)
    due = {item.step: item.due_on for item in items}
    assert set(due) == set(OnboardingStep)
    week = start + timedelta(days=7)
    assert due[OnboardingStep.OFFICE] == due[OnboardingStep.ID_CARD] == week
    assert due[OnboardingStep.COMPUTER] == due[OnboardingStep.RECORD_ACCESS] == week
    assert due[OnboardingStep.REFERENCE_PERSONS] == start + timedelta(days=14)
    # A month after the 31st of January is the last day of February.
    assert due[OnboardingStep.TRAINING] == date(2026, 2, 28)
    assert due[OnboardingStep.PROBATION_END] == date(2026, 4, 30)
    assert all(item.created_by == coordinator and item.done_on is None for item in items)


def test_a_checklist_is_started_once(coordinator, peer):
    services.onboarding_start(acting_user=coordinator, peer=peer)
    with pytest.raises(ValidationError):
        services.onboarding_start(acting_user=coordinator, peer=peer)
    assert OnboardingItem.objects.filter(peer=peer).count() == len(OnboardingStep)


def test_a_first_day_years_away_is_refused_on_the_field(coordinator, peer):
    with pytest.raises(ValidationError) as error:
        services.onboarding_start(
            acting_user=coordinator, peer=peer, started_on=TODAY() - timedelta(days=800)
        )
    assert _field_of(error) == {"started_on"}
    assert not OnboardingItem.objects.exists()


@pytest.mark.parametrize("persona", ["peer", "clinician", "researcher"])
def test_only_a_coordinator_keeps_a_checklist(request, persona, coordinator, peer):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.onboarding_start(acting_user=user, peer=peer)
    item = services.onboarding_start(acting_user=coordinator, peer=peer)[0]
    with pytest.raises(PermissionDenied):
        services.onboarding_item_done(acting_user=user, item=item)
    with pytest.raises(PermissionDenied):
        services.onboarding_item_update(acting_user=user, item=item, due_on=TODAY())
    item.refresh_from_db()
    assert item.done_on is None


def test_a_step_is_marked_done_and_its_due_date_changed(coordinator, peer):
    item = services.onboarding_start(acting_user=coordinator, peer=peer)[0]
    services.onboarding_item_update(
        acting_user=coordinator, item=item, due_on=TODAY() + timedelta(days=3), comment=" Desk 4 "
    )
    services.onboarding_item_done(
        acting_user=coordinator, item=item, done_on=TODAY() - timedelta(days=1)
    )
    item.refresh_from_db()
    assert item.due_on == TODAY() + timedelta(days=3) and item.comment == "Desk 4"
    assert item.done_on == TODAY() - timedelta(days=1) and item.done_by == coordinator


def test_a_step_is_not_done_in_the_future(coordinator, peer):
    item = services.onboarding_start(acting_user=coordinator, peer=peer)[0]
    with pytest.raises(ValidationError) as error:
        services.onboarding_item_done(
            acting_user=coordinator, item=item, done_on=TODAY() + timedelta(days=1)
        )
    assert _field_of(error) == {"done_on"}


# The wellness plan.


def _save(user, **parts):
    values = {
        "when_well": PLAN_TEXT,
        "early_signs": "Sleeping badly",
        "what_helps": "A walk",
        "who_to_call": "My sister",
        "shared_with_supervisor": False,
    }
    return services.wellness_plan_save(acting_user=user, **(values | parts))


def test_each_save_is_a_new_version_and_the_earlier_ones_stay(peer):
    first, saved_first = _save(peer)
    second, saved_second = _save(peer, what_helps="A walk and a call", shared_with_supervisor=True)
    assert saved_first and saved_second and first.pk != second.pk
    assert WellnessPlan.objects.filter(peer=peer).count() == 2
    first.refresh_from_db()
    assert first.what_helps == "A walk" and not first.shared_with_supervisor


def test_an_unchanged_plan_saves_nothing(peer):
    plan, _ = _save(peer)
    again, saved = _save(peer, when_well=f"  {PLAN_TEXT}  ")
    assert not saved and again.pk == plan.pk
    assert WellnessPlan.objects.filter(peer=peer).count() == 1


def test_sharing_alone_is_a_change(peer):
    _save(peer)
    _plan, saved = _save(peer, shared_with_supervisor=True)
    assert saved


def test_the_plan_is_encrypted_at_rest(peer):
    plan, _ = _save(peer)
    with connection.cursor() as cursor:
        cursor.execute("SELECT when_well FROM staff_wellnessplan WHERE id = %s", [plan.pk])
        stored = cursor.fetchone()[0]
    assert PLAN_TEXT not in stored


@pytest.mark.parametrize("persona", ["clinician", "researcher", "coordinator", "outsider"])
def test_only_a_peer_keeps_a_plan(request, persona):
    with pytest.raises(PermissionDenied):
        _save(request.getfixturevalue(persona))
    assert not WellnessPlan.objects.exists()


def test_a_plan_with_an_empty_part_saves(peer):
    plan, saved = _save(peer, who_to_call="")
    assert saved and plan.pk


# Dual relationships.


def test_a_peer_declares_and_their_words_are_encrypted(peer):
    declaration = services.declaration_make(acting_user=peer, details="Called Al in 2015")
    assert declaration.user == peer and declaration.record is None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT details FROM clients_dualrelationship WHERE id = %s", [declaration.pk]
        )
        assert "Al in 2015" not in cursor.fetchone()[0]


def test_a_declaration_without_details_saves(peer):
    assert services.declaration_make(acting_user=peer, details="").pk


def test_a_peer_declares_once(peer):
    services.declaration_make(acting_user=peer, details="2015")
    with pytest.raises(ValidationError):
        services.declaration_make(acting_user=peer, details="again")
    assert DualRelationship.objects.count() == 1


@pytest.mark.parametrize("persona", ["clinician", "researcher", "coordinator", "outsider"])
def test_only_a_peer_declares(request, persona):
    with pytest.raises(PermissionDenied):
        services.declaration_make(acting_user=request.getfixturevalue(persona), details="x")
    assert not DualRelationship.objects.exists()


def test_linking_takes_the_declarer_off_the_care_team(coordinator, peer, clinician):
    record = ClientFactory(display_name="Alexandre Old Record")
    membership = put_on_team(record, peer)
    put_on_team(record, clinician)
    declaration = services.declaration_make(acting_user=peer, details="2015")
    services.declaration_link(acting_user=coordinator, declaration=declaration, record=record)
    declaration.refresh_from_db()
    membership.refresh_from_db()
    assert declaration.record == record and declaration.linked_by == coordinator
    assert membership.left_on == TODAY() and membership.ended_by == coordinator
    # The rest of the team stays.
    assert CareTeamMembership.objects.filter(
        client=record, member=clinician, left_on__isnull=True
    ).exists()


def test_a_record_the_coordinator_cannot_see_is_refused_on_the_field(coordinator, peer):
    kept = ClientFactory(display_name="Kept")
    merged = ClientFactory(display_name="Merged away", merged_into=kept)
    declaration = services.declaration_make(acting_user=peer, details="2015")
    with pytest.raises(ValidationError) as error:
        services.declaration_link(acting_user=coordinator, declaration=declaration, record=merged)
    assert _field_of(error) == {"record"}
    declaration.refresh_from_db()
    assert declaration.record is None


@pytest.mark.parametrize("persona", ["peer", "clinician", "researcher"])
def test_only_a_coordinator_links(request, persona, peer):
    declaration = services.declaration_make(acting_user=peer, details="2015")
    record = ClientFactory()
    with pytest.raises(PermissionDenied):
        services.declaration_link(
            acting_user=request.getfixturevalue(persona), declaration=declaration, record=record
        )


# Staff teams.


def test_a_coordinator_keeps_staff_teams(coordinator, peer, clinician):
    team = services.staff_team_save(
        acting_user=coordinator, name="  Street   team ", members=[peer, clinician]
    )
    assert team.name == "Street team" and set(team.members.all()) == {peer, clinician}
    services.staff_team_save(
        acting_user=coordinator, team=team, name="Street team", members=[peer], is_active=False
    )
    team.refresh_from_db()
    assert list(team.members.all()) == [peer] and not team.is_active


def test_two_teams_never_share_a_name(coordinator):
    services.staff_team_save(acting_user=coordinator, name="Clinic A", members=[])
    with pytest.raises(ValidationError) as error:
        services.staff_team_save(acting_user=coordinator, name="clinic a", members=[])
    assert _field_of(error) == {"name"}
    assert StaffTeam.objects.count() == 1


def test_a_deactivated_account_is_not_put_on_a_team(coordinator, peer):
    peer.is_active = False
    peer.save(update_fields=["is_active"])
    with pytest.raises(ValidationError) as error:
        services.staff_team_save(acting_user=coordinator, name="Clinic B", members=[peer])
    assert _field_of(error) == {"members"}


@pytest.mark.parametrize("persona", ["peer", "clinician", "researcher", "outsider"])
def test_only_a_coordinator_keeps_teams(request, persona):
    with pytest.raises(PermissionDenied):
        services.staff_team_save(
            acting_user=request.getfixturevalue(persona), name="Mine", members=[]
        )
    assert not StaffTeam.objects.exists()
