"""The rules a follow-up keeps whatever writes it: an accompaniment has a time,
a closed follow-up says when, a place is a partner or words, and its name in
lists and the audit trail never says what was promised."""

from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from agenda.choices import FollowUpStatus
from agenda.models import FollowUp
from partners.models import Partner


def test_an_accompaniment_without_a_time_is_refused_on_its_field(make_follow_up, court_kind):
    accompaniment = make_follow_up(kind=court_kind)
    accompaniment.due_time = None
    with pytest.raises(ValidationError) as refused:
        accompaniment.full_clean()
    assert "due_time" in refused.value.message_dict


def test_the_database_refuses_an_accompaniment_without_a_time(make_follow_up, court_kind):
    accompaniment = make_follow_up(kind=court_kind)
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.filter(pk=accompaniment.pk).update(due_time=None)


def test_the_database_refuses_a_closed_follow_up_without_a_closing_date(make_follow_up):
    follow_up = make_follow_up()
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.filter(pk=follow_up.pk).update(status=FollowUpStatus.DONE)


def test_the_database_refuses_an_open_follow_up_with_a_closing_date(make_follow_up):
    follow_up = make_follow_up()
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.filter(pk=follow_up.pk).update(closed_at=timezone.now())


def test_a_place_is_a_partner_or_words_not_both(make_follow_up, court_kind):
    partner = Partner.objects.create(name="Palais de justice", kind="legal")
    accompaniment = make_follow_up(kind=court_kind, place_partner=partner)
    accompaniment.place_text = "1 Notre-Dame Street East"
    with pytest.raises(ValidationError) as refused:
        accompaniment.full_clean()
    assert "place_text" in refused.value.message_dict


def test_its_name_gives_a_number_never_what_was_promised(make_follow_up, court_kind):
    follow_up = make_follow_up(what="Hélène's court date about the eviction")
    accompaniment = make_follow_up(kind=court_kind, due_time=time(9, 30))
    assert str(follow_up) == f"Follow-up {follow_up.pk}"
    assert str(accompaniment) == f"Accompaniment {accompaniment.pk}"


def test_what_was_promised_is_encrypted_at_rest(make_follow_up):
    from django.db import connection

    follow_up = make_follow_up(what="Call the housing office back about the flat.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT what FROM agenda_followup WHERE id = %s", [follow_up.pk])
        stored = cursor.fetchone()[0]
    assert "housing" not in stored
    assert FollowUp.objects.get(pk=follow_up.pk).what.startswith("Call the housing office")


def test_an_open_follow_up_is_overdue_after_its_day_only(make_follow_up):
    assert make_follow_up(days=-1).is_overdue
    assert not make_follow_up(days=0).is_overdue
    done = make_follow_up(days=-3)
    done.status, done.closed_at = FollowUpStatus.DONE, timezone.now()
    assert not done.is_overdue
