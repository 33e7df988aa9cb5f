"""Every page shows dates one way, in English and in French."""

import datetime

import pytest
from django.conf import settings
from django.template import engines
from django.urls import reverse
from django.utils import translation

from tests.factories import ClientFactory, put_on_team

DAY = datetime.date(2026, 11, 20)
MOMENT = datetime.datetime(2026, 11, 20, 14, 5, tzinfo=datetime.UTC)  # 09:05 in Toronto

EVERY_WAY = engines["django"].from_string(
    "{{ day }}|{{ day|date }}|{{ day|date:'DATE_FORMAT' }}|{{ day|date:'SHORT_DATE_FORMAT' }}"
)
EVERY_WAY_WITH_TIME = engines["django"].from_string(
    "{{ moment }}|{{ moment|date:'DATETIME_FORMAT' }}|{{ moment|date:'SHORT_DATETIME_FORMAT' }}"
)


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [
        ("en", "Nov. 20, 2026", "Nov. 20, 2026, 09:05"),
        ("fr", "20 nov. 2026", "20 nov. 2026, 09:05"),
    ],
)
def test_a_date_reads_the_same_however_a_template_asks_for_it(language, day, moment):
    with translation.override(language):
        assert EVERY_WAY.render({"day": DAY}).split("|") == [day] * 4
        assert EVERY_WAY_WITH_TIME.render({"moment": MOMENT}).split("|") == [moment] * 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown", "not_shown"),
    [("en", "Nov. 20, 2026", "11/20/2026"), ("fr", "20 nov. 2026", "20/11/2026")],
)
def test_a_persons_page_shows_its_dates_in_one_format(client, peer, language, shown, not_shown):
    person = ClientFactory(intake_date=DAY)
    put_on_team(person, peer, joined_on=DAY)
    client.force_login(peer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("clients:detail", args=[person.pk])).content.decode()
    assert page.count(shown) >= 2  # the intake date and the care team's "since"
    assert not_shown not in page
