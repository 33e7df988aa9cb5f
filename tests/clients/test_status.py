from datetime import timedelta

import pytest
from django.utils import timezone

from clients import services, status
from clients.choices import Situation, Status
from clients.models import Client
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def _days_ago(days):
    return timezone.localdate() - timedelta(days=days)


def test_a_person_without_contact_for_90_days_becomes_inactive():
    assert status.status_of(ClientFactory(last_contact_on=_days_ago(90))) == Status.ACTIVE
    assert status.status_of(ClientFactory(last_contact_on=_days_ago(91))) == Status.INACTIVE


def test_the_inactivity_delay_is_a_setting(settings):
    settings.CLIENT_INACTIVE_AFTER_DAYS = 30
    assert status.status_of(ClientFactory(last_contact_on=_days_ago(31))) == Status.INACTIVE


def test_a_new_contact_makes_an_inactive_person_active_again(coordinator):
    person = ClientFactory(last_contact_on=_days_ago(200))
    services.client_record_situation(
        acting_user=coordinator, client=person, situation=Situation.STREET
    )
    person.refresh_from_db()
    assert status.status_of(person) == Status.ACTIVE


def test_an_older_contact_recorded_late_does_not_move_the_last_contact_back(coordinator):
    person = ClientFactory(last_contact_on=_days_ago(1))
    services.client_record_situation(
        acting_user=coordinator,
        client=person,
        situation=Situation.STREET,
        recorded_on=_days_ago(50),
    )
    person.refresh_from_db()
    assert person.last_contact_on == _days_ago(1)


def test_closing_needs_a_reason_and_reopening_makes_the_person_active(coordinator):
    from django.core.exceptions import ValidationError

    person = ClientFactory(last_contact_on=_days_ago(300))
    with pytest.raises(ValidationError):
        services.client_close(acting_user=coordinator, client=person, reason="")
    services.client_close(acting_user=coordinator, client=person, reason="moved")
    assert status.status_of(person) == Status.CLOSED
    services.client_reopen(acting_user=coordinator, client=person)
    assert status.status_of(person) == Status.ACTIVE


def test_the_database_filter_agrees_with_the_derived_status(coordinator):
    people = {
        Status.ACTIVE: ClientFactory(last_contact_on=_days_ago(3)),
        Status.INACTIVE: ClientFactory(last_contact_on=_days_ago(120)),
        Status.CLOSED: ClientFactory(closed_on=_days_ago(1), closed_reason="moved"),
    }
    annotated = status.with_status(Client.objects.all())
    for state, person in people.items():
        assert list(Client.objects.filter(status.status_filter(state))) == [person]
        assert annotated.get(pk=person.pk).status == state == status.status_of(person)
