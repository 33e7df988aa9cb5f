"""What the browser may keep and may do: every response to a signed-in user
says ``Cache-Control: private, no-store`` (so the back button on a shared
computer shows no note after sign-out), and every response denies the
browser features the app never uses (``Permissions-Policy``)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_max_age

from clients import services as client_services
from clients.choices import ConsentMethod, Decision, Purpose
from interventions.choices import Audience, NoteStatus
from interventions.models import Note
from peersupport.audit import acting_as
from tests.factories import ClientFactory, put_on_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(peer, clinician, coordinator):
    person = ClientFactory(display_name="Hélène")
    put_on_team(person, peer)
    put_on_team(person, clinician)
    client_services.consent_record(
        acting_user=coordinator,
        client=person,
        purpose=Purpose.CARE_TEAM_SHARING,
        decision=Decision.GIVEN,
        method=ConsentMethod.VERBAL,
        decided_on=timezone.localdate() - timedelta(days=1),
    )
    return person


def _note(person, author, *, signed=True):
    with acting_as(author):
        return Note.objects.create(
            client=person,
            author=author,
            audience=Audience.CARE_TEAM,
            body="Talked about the housing list.",
            status=NoteStatus.SIGNED if signed else NoteStatus.DRAFT,
            signed_at=timezone.now() if signed else None,
        )


def _directives(response):
    return {part.strip().split("=")[0] for part in response["Cache-Control"].split(",")}


def _is_not_kept(response):
    return {"no-store", "private"} <= _directives(response)


def test_a_persons_page_is_not_kept_by_the_browser(client, peer, person):
    client.force_login(peer)
    response = client.get(reverse("clients:detail", args=[person.pk]))
    assert response.status_code == 200 and _is_not_kept(response)


def test_a_note_is_not_kept_by_the_browser(client, peer, person):
    note = _note(person, peer)
    client.force_login(peer)
    response = client.get(reverse("notes:detail", args=[note.pk]))
    assert response.status_code == 200 and _is_not_kept(response)


def test_the_shared_feed_is_not_kept_by_the_browser(client, clinician, peer, person):
    _note(person, peer)
    client.force_login(clinician)
    response = client.get(reverse("shared:feed"))
    assert response.status_code == 200 and _is_not_kept(response)


def test_the_audit_trail_is_not_kept_by_the_browser(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("audit"))
    assert response.status_code == 200 and _is_not_kept(response)


def test_an_export_file_is_not_kept_by_the_browser(client, researcher):
    client.force_login(researcher)
    response = client.get(reverse("logbook:export"), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert _is_not_kept(response)


def test_an_htmx_fragment_is_not_kept_by_the_browser(client, peer, person):
    draft = _note(person, peer, signed=False)
    client.force_login(peer)
    response = client.post(
        reverse("notes:save", args=[draft.pk]),
        {"body": "Half a sentence", "audience": "care_team"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and _is_not_kept(response)
    assert "<html" not in response.content.decode()


def test_a_redirect_to_a_signed_in_user_is_not_kept_either(client, peer):
    client.force_login(peer)
    response = client.get(reverse("home").rstrip("/") + "/clients")
    assert response.status_code in (301, 302) and _is_not_kept(response)


def test_a_views_own_cache_rules_are_kept_and_tightened(client, peer):
    # The session status is never_cache: max-age=0 stays, no-store is there.
    client.force_login(peer)
    response = client.get(reverse("session"))
    assert get_max_age(response) == 0 and _is_not_kept(response)


def test_the_sign_in_page_denies_the_browser_features_the_app_never_uses(client):
    response = client.get(reverse("login"))
    policy = dict(item.strip().split("=") for item in response["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "serial"):
        assert policy[feature] == "()"
    # The calendar's copy button writes to the clipboard: not denied.
    assert "clipboard-write" not in policy


def test_signed_in_pages_deny_the_same_features(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("home"))
    assert "camera=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
