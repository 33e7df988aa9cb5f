"""While the database is away: a 503 in the person's language, logged once."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from peersupport.outage import HTMX_HEADER, RETRY_AFTER_SECONDS, is_database_outage
from peersupport.session_limits import ACTIVITY_RESOLUTION, LAST_ACTIVITY
from tests.database_outage import database_down
from tests.factories import ClientFactory, put_on_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(peer):
    # Django's test client re-raises an exception that a middleware turned into
    # a response; a real server does not, and neither does this client.
    client = Client(raise_request_exception=False)
    client.force_login(peer)
    return client


@pytest.fixture
def person(peer):
    served = ClientFactory()
    put_on_team(served, peer)
    return served


def _request_errors(caplog):
    return [r for r in caplog.records if r.name == "django.request" and r.levelno >= logging.ERROR]


def _outage_lines(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "peersupport.outage"]


def test_a_signed_in_page_answers_503_with_retry_after_when_the_database_refuses(signed_in, caplog):
    with database_down():
        response = signed_in.get(reverse("home"))
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "The records are unavailable for a moment" in page
    assert "Nothing you typed is lost" in page
    # Stands alone: no menu, no sign-out form, nothing that asked who is signed in.
    assert "logout" not in page


def test_the_outage_is_logged_once_in_one_line_without_a_traceback(signed_in, caplog):
    with caplog.at_level(logging.INFO), database_down():
        signed_in.get(reverse("home"))
    assert _request_errors(caplog) == []
    lines = _outage_lines(caplog)
    assert len(lines) == 1
    assert lines[0].startswith("Database unavailable, answered 503: GET / (OperationalError:")
    assert all(r.exc_info is None for r in caplog.records if r.name == "peersupport.outage")


def test_the_page_is_in_the_language_of_the_cookie(signed_in):
    signed_in.cookies["django_language"] = "fr"
    with database_down():
        response = signed_in.get(reverse("home"))
    assert response.status_code == 503
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.content.decode()


def test_the_page_is_in_the_language_the_browser_asks_for(signed_in):
    with database_down():
        response = signed_in.get(reverse("home"), headers={"accept-language": "fr-CA,fr;q=0.9"})
    assert response.status_code == 503
    assert response["Content-Language"] == "fr"
    assert "Accept-Language" in response["Vary"]


def test_a_form_sent_during_the_outage_leads_back_to_the_form(signed_in):
    url = reverse("encounters:new") + "?client=7"
    with database_down():
        response = signed_in.post(url, {"note": "kept in the browser"})
    assert response.status_code == 503
    page = response.content.decode()
    assert f'href="{url}"' in page
    assert "Back to the form" in page


def test_an_htmx_request_gets_a_short_message_and_the_header_the_page_shows(signed_in, person):
    with database_down():
        response = signed_in.post(
            reverse("notes:new", args=[person.pk]),
            {"body": "typed while the server restarts"},
            headers={"HX-Request": "true"},
        )
    assert response.status_code == 503
    assert response[HTMX_HEADER] == "1"
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode().startswith("The records are unavailable for a moment.")


def test_a_session_save_the_database_refuses_is_the_same_503_logged_once(signed_in, caplog):
    # The page itself is read; only the session's write at response time fails
    # (a page read a minute or more after the last recorded activity stamps
    # its time into the session).
    session = signed_in.session
    session[LAST_ACTIVITY] -= ACTIVITY_RESOLUTION
    session.save()

    def session_write(sql):
        return "django_session" in sql and sql.lstrip().upper().startswith(("UPDATE", "INSERT"))

    with caplog.at_level(logging.INFO), database_down(only=session_write):
        response = signed_in.get(reverse("home"))
    assert response.status_code == 503
    assert _request_errors(caplog) == []
    assert len(_outage_lines(caplog)) == 1


def test_a_query_failing_in_a_view_is_the_same_503(signed_in, person, caplog):
    # The session and the user are read; the person's page's own query fails.
    def person_query(sql):
        return "clients_client" in sql

    with caplog.at_level(logging.INFO), database_down(only=person_query):
        response = signed_in.get(reverse("clients:detail", args=[person.pk]))
    assert response.status_code == 503
    assert _request_errors(caplog) == []
    assert len(_outage_lines(caplog)) == 1


def test_the_same_client_is_served_again_once_the_database_is_back(signed_in):
    with database_down():
        assert signed_in.get(reverse("home")).status_code == 503
    assert signed_in.get(reverse("home")).status_code == 200


def test_healthz_answers_503_while_the_database_refuses():
    with database_down():
        response = Client(raise_request_exception=False).get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": "unavailable"}}


def test_other_errors_are_not_taken_for_an_outage():
    from django.db import IntegrityError, ProgrammingError

    assert not is_database_outage(IntegrityError("duplicate key"))
    assert not is_database_outage(ProgrammingError("no such column"))
    assert not is_database_outage(ValueError("bad"))
