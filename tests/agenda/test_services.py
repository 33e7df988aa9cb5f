"""Promising, changing, closing follow-ups and logging an accompaniment as
its encounter: each service checks the policy, refuses on the field, and
keeps what was promised out of the audit trail and out of notifications."""

from datetime import datetime, time, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from agenda import services
from agenda.choices import FollowUpStatus
from agenda.models import AccompanimentKind, FollowUp
from interventions.choices import NotificationKind
from interventions.models import Encounter, Notification

SECRET = "Hélène is afraid of her landlord"


def tomorrow():
    return timezone.localdate() + timedelta(days=1)


def test_a_follow_up_is_held_by_its_author_unless_they_name_someone(peer, person):
    follow_up = services.follow_up_create(
        acting_user=peer, client=person, what=SECRET, due_on=tomorrow()
    )
    assert follow_up.assigned_to == peer
    assert follow_up.created_by == peer
    assert follow_up.status == FollowUpStatus.OPEN


def test_someone_off_the_team_cannot_promise_anything_about_the_person(other_clinician, person):
    with pytest.raises(PermissionDenied):
        services.follow_up_create(
            acting_user=other_clinician, client=person, what=SECRET, due_on=tomorrow()
        )
    assert not FollowUp.objects.exists()


def test_the_one_in_charge_must_be_on_the_person_s_team(peer, other_clinician, person):
    with pytest.raises(ValidationError) as refused:
        services.follow_up_create(
            acting_user=peer,
            client=person,
            what=SECRET,
            due_on=tomorrow(),
            assigned_to=other_clinician,
        )
    assert "assigned_to" in refused.value.message_dict


@pytest.mark.parametrize("days", [-31, 367])
def test_a_due_day_absurdly_far_is_refused_on_its_field(peer, person, days):
    with pytest.raises(ValidationError) as refused:
        services.follow_up_create(
            acting_user=peer,
            client=person,
            what=SECRET,
            due_on=timezone.localdate() + timedelta(days=days),
        )
    assert "a follow-up is due within the coming year" in refused.value.message_dict["due_on"][0]


def test_someone_else_put_in_charge_is_told_by_record_number_only(peer, clinician, person):
    follow_up = services.follow_up_create(
        acting_user=peer, client=person, what=SECRET, due_on=tomorrow(), assigned_to=clinician
    )
    told = Notification.objects.get(recipient=clinician)
    assert told.kind == NotificationKind.FOLLOW_UP_ASSIGNED
    assert told.params == {
        "user": str(peer),
        "client_id": person.pk,
        "due_on": tomorrow().isoformat(),
    }
    assert told.url == f"/follow-ups/{follow_up.pk}/"
    assert person.display_name not in str(told.params)
    assert SECRET not in str(told.params)


def test_nobody_is_told_of_a_follow_up_they_gave_themselves(peer, person):
    services.follow_up_create(acting_user=peer, client=person, what=SECRET, due_on=tomorrow())
    assert not Notification.objects.exists()


def test_the_audit_trail_records_the_change_never_what_was_promised(peer, person):
    follow_up = services.follow_up_create(
        acting_user=peer, client=person, what=SECRET, due_on=tomorrow()
    )
    services.follow_up_close(
        acting_user=peer, follow_up=follow_up, status="done", outcome="She was relieved."
    )
    entries = LogEntry.objects.get_for_object(follow_up)
    assert entries.count() == 2
    assert all(entry.actor == peer for entry in entries)
    for entry in entries:
        written = str(entry.changes) + entry.object_repr + str(entry.additional_data)
        assert SECRET not in written
        assert "relieved" not in written
        assert "what" not in entry.changes and "outcome" not in entry.changes


def test_a_follow_up_from_an_encounter_keeps_where_it_came_from(peer, person):
    encounter = Encounter.objects.create(
        client=person, author=peer, setting="street", next_steps="Call the clinic"
    )
    follow_up = services.follow_up_create(
        acting_user=peer,
        client=person,
        what=encounter.next_steps,
        due_on=tomorrow(),
        from_encounter=encounter,
    )
    assert follow_up.from_encounter == encounter


def test_an_encounter_with_someone_else_cannot_give_a_follow_up_about_this_person(peer, person):
    from tests.factories import ClientFactory, put_on_team

    other = ClientFactory(display_name="Other")
    put_on_team(other, peer)
    encounter = Encounter.objects.create(client=other, author=peer, setting="street")
    with pytest.raises(ValidationError):
        services.follow_up_create(
            acting_user=peer,
            client=person,
            what=SECRET,
            due_on=tomorrow(),
            from_encounter=encounter,
        )


def test_a_retired_kind_is_refused_for_a_new_accompaniment(peer, person, court_kind):
    court_kind.is_active = False
    court_kind.save()
    with pytest.raises(ValidationError) as refused:
        services.follow_up_create(
            acting_user=peer,
            client=person,
            what="Hearing",
            due_on=tomorrow(),
            due_time=time(9, 0),
            kind=court_kind,
        )
    assert "kind" in refused.value.message_dict


def test_closing_records_who_and_when_and_how_it_went(peer, make_follow_up):
    follow_up = make_follow_up()
    services.follow_up_close(acting_user=peer, follow_up=follow_up, status=FollowUpStatus.CANCELLED)
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.CANCELLED
    assert follow_up.closed_by == peer
    assert follow_up.closed_at is not None


def test_a_closed_follow_up_is_not_closed_again(peer, make_follow_up):
    follow_up = make_follow_up()
    services.follow_up_close(acting_user=peer, follow_up=follow_up, status="done")
    with pytest.raises(PermissionDenied):
        services.follow_up_close(acting_user=peer, follow_up=follow_up, status="cancelled")


def test_a_second_tab_cannot_close_again_what_the_first_tab_closed(peer, make_follow_up):
    follow_up = make_follow_up()
    first_tab, second_tab = (FollowUp.objects.get(pk=follow_up.pk) for _ in range(2))
    services.follow_up_close(acting_user=peer, follow_up=first_tab, status="done")
    with pytest.raises(PermissionDenied):
        services.follow_up_close(acting_user=peer, follow_up=second_tab, status="cancelled")
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.DONE


def test_an_edit_from_a_stale_tab_does_not_reopen_what_was_closed(peer, make_follow_up):
    follow_up = make_follow_up()
    stale = FollowUp.objects.get(pk=follow_up.pk)
    services.follow_up_close(acting_user=peer, follow_up=follow_up, status="done")
    with pytest.raises(PermissionDenied):
        services.follow_up_update(acting_user=peer, follow_up=stale, what="Changed words")
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.closed_by) == (FollowUpStatus.DONE, peer)


def test_handing_a_follow_up_over_tells_the_new_holder(peer, clinician, make_follow_up):
    follow_up = make_follow_up()
    services.follow_up_update(acting_user=peer, follow_up=follow_up, assigned_to=clinician)
    assert Notification.objects.filter(recipient=clinician).count() == 1
    services.follow_up_update(acting_user=peer, follow_up=follow_up, what="Changed words")
    assert Notification.objects.filter(recipient=clinician).count() == 1


def test_an_edit_keeping_an_old_due_day_is_not_refused_for_it(peer, make_follow_up):
    # Overdue for weeks, the day it was due is kept while the text changes.
    follow_up = make_follow_up()
    FollowUp.objects.filter(pk=follow_up.pk).update(
        due_on=timezone.localdate() - timedelta(days=60)
    )
    follow_up.refresh_from_db()
    services.follow_up_update(acting_user=peer, follow_up=follow_up, what="New words")
    follow_up.refresh_from_db()
    assert follow_up.what == "New words"


def test_an_accompaniment_stays_one(peer, make_follow_up, court_kind):
    accompaniment = make_follow_up(kind=court_kind)
    with pytest.raises(ValidationError):
        services.follow_up_update(acting_user=peer, follow_up=accompaniment, kind=None)


def _encounter_arguments(follow_up, activity):
    when = timezone.make_aware(
        datetime.combine(timezone.localdate() - timedelta(days=1), time(10, 0))
    )
    return {
        "client": follow_up.client,
        "occurred_at": when,
        "duration_minutes": 90,
        "setting": "court",
        "partner": None,
        "activities": [activity],
        "participants": [],
        "situation": "",
        "next_steps": "",
        "note_body": "",
        "note_audience": None,
    }


def test_an_accompaniment_becomes_its_encounter_and_is_done(
    peer, make_follow_up, court_kind, court_activity
):
    accompaniment = make_follow_up(kind=court_kind, days=-1)
    encounter = services.accompaniment_log_encounter(
        acting_user=peer,
        follow_up=accompaniment,
        outcome="The hearing was postponed.",
        **_encounter_arguments(accompaniment, court_activity),
    )
    accompaniment.refresh_from_db()
    assert accompaniment.encounter == encounter
    assert accompaniment.status == FollowUpStatus.DONE
    assert accompaniment.closed_by == peer
    assert accompaniment.outcome == "The hearing was postponed."
    assert list(encounter.activities.all()) == [court_activity]


def test_two_tabs_cannot_log_the_same_accompaniment_twice(
    peer, make_follow_up, court_kind, court_activity
):
    accompaniment = make_follow_up(kind=court_kind, days=-1)
    first_tab, second_tab = (FollowUp.objects.get(pk=accompaniment.pk) for _ in range(2))
    arguments = _encounter_arguments(accompaniment, court_activity)
    services.accompaniment_log_encounter(acting_user=peer, follow_up=first_tab, **arguments)
    with pytest.raises(PermissionDenied):
        services.accompaniment_log_encounter(acting_user=peer, follow_up=second_tab, **arguments)
    assert Encounter.objects.filter(client=accompaniment.client).count() == 1


def test_an_accompaniment_already_done_becomes_its_encounter_once(
    peer, make_follow_up, court_kind, court_activity
):
    accompaniment = make_follow_up(kind=court_kind, days=-1)
    services.follow_up_close(acting_user=peer, follow_up=accompaniment, status="done")
    services.accompaniment_log_encounter(
        acting_user=peer,
        follow_up=accompaniment,
        **_encounter_arguments(accompaniment, court_activity),
    )
    with pytest.raises(PermissionDenied):
        services.accompaniment_log_encounter(
            acting_user=peer,
            follow_up=accompaniment,
            **_encounter_arguments(accompaniment, court_activity),
        )
    assert Encounter.objects.count() == 1


def test_the_encounter_of_an_accompaniment_is_with_the_person_accompanied(
    peer, make_follow_up, court_kind, court_activity
):
    from tests.factories import ClientFactory, put_on_team

    accompaniment = make_follow_up(kind=court_kind, days=-1)
    other = ClientFactory(display_name="Other")
    put_on_team(other, peer)
    arguments = _encounter_arguments(accompaniment, court_activity) | {"client": other}
    with pytest.raises(ValidationError):
        services.accompaniment_log_encounter(acting_user=peer, follow_up=accompaniment, **arguments)
    assert not Encounter.objects.exists()


def test_coordinators_keep_the_kinds_and_a_name_is_used_once(coordinator, peer):
    kind = services.kind_save(
        acting_user=coordinator,
        kind=AccompanimentKind(name_en="Bank", name_fr="Banque", position=5),
    )
    with pytest.raises(ValidationError) as refused:
        services.kind_save(
            acting_user=coordinator, kind=AccompanimentKind(name_en="bank", name_fr="Autre")
        )
    assert "name_en" in refused.value.message_dict
    with pytest.raises(Exception):  # noqa: B017 (Http404, the page that does not exist)
        services.kind_save(acting_user=peer, kind=kind)


def test_retiring_a_kind_keeps_it_and_the_last_one_stays_offered(coordinator):
    for kind in AccompanimentKind.objects.all()[1:]:
        services.kind_set_offered(acting_user=coordinator, kind=kind, offered=False)
    last = AccompanimentKind.objects.get(is_active=True)
    with pytest.raises(ValidationError):
        services.kind_set_offered(acting_user=coordinator, kind=last, offered=False)
    assert AccompanimentKind.objects.filter(is_active=False).exists()
