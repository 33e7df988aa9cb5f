"""When an encounter may have happened: one rule, in Encounter.clean."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from interventions import services
from interventions.models import Activity, Encounter

pytestmark = pytest.mark.django_db


def log(peer, person, when):
    return services.encounter_log(
        acting_user=peer,
        client=person,
        occurred_at=when,
        setting="street",
        activities=[Activity.objects.first()],
    )


@pytest.mark.parametrize(
    "when",
    [
        timezone.make_aware(datetime(1990, 5, 1, 10, 0)),
        timezone.now() + timedelta(hours=1),
        timezone.now() - timedelta(days=2 * 365 + 1),
    ],
    ids=["1990", "in an hour", "just over two years ago"],
)
def test_an_impossible_encounter_date_is_refused_on_its_field(peer, person, when):
    with pytest.raises(ValidationError) as refused:
        log(peer, person, when)
    assert "occurred_at" in refused.value.message_dict
    assert not Encounter.objects.exists()


@pytest.mark.parametrize(
    "when",
    [
        timezone.now() + timedelta(minutes=3),
        timezone.now() - timedelta(days=700),
    ],
    ids=["a fast phone clock", "logged late, within two years"],
)
def test_a_plausible_encounter_date_is_accepted(peer, person, when):
    assert log(peer, person, when).pk


def test_the_form_says_which_dates_are_allowed(client, peer, person):
    client.force_login(peer)
    response = client.post(
        reverse("encounters:new"),
        {
            "client": person.pk,
            "setting": "street",
            "activities": [Activity.objects.first().pk],
            "occurred_at": "1990-05-01T10:00",
        },
    )
    assert response.status_code == 200 and not Encounter.objects.exists()
    [message] = response.context["form"].errors["occurred_at"]
    assert "between" in message and "cannot be in the future or more than two years ago" in message
