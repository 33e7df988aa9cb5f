"""Security headers and password storage on every kind of page."""

import re

import pytest
from django.conf import settings
from django.urls import reverse


def _csp(response):
    return dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "signed_in"),
    [("login", False), ("home", True), ("accounts:list", True), ("password_change", True)],
)
def test_every_page_forbids_inline_and_foreign_scripts(client, coordinator, url_name, signed_in):
    if signed_in:
        client.force_login(coordinator)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    policy = _csp(response)
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    page = response.content.decode()
    assert "<script" in page  # the page does load scripts, from files
    assert not INLINE_SCRIPT.search(page)
    assert " style=" not in page
    assert " onclick=" not in page and " onsubmit=" not in page


@pytest.mark.django_db
def test_pages_load_no_asset_from_another_site(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("home")).content.decode()
    assert "https://" not in page and "http://" not in page and 'src="//' not in page


def test_passwords_are_hashed_with_argon2():
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.django_db
def test_pages_are_not_framed_and_send_no_referrer_elsewhere(client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_the_language_switch_does_not_send_people_to_another_site(client):
    response = client.post(
        reverse("set_language"), {"language": "fr", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response.url == "/"


@pytest.mark.django_db
def test_sign_in_does_not_send_people_to_another_site(client, peer):
    from tests.factories import TEST_PASSWORD

    response = client.post(
        reverse("login") + "?next=https://evil.example/",
        {"username": "peer", "password": TEST_PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response.url == reverse("home")


@pytest.mark.django_db
def test_the_account_admin_is_read_only_even_for_a_superuser(client, peer):
    from peersupport.models import User
    from tests.db_snapshot import snapshot
    from tests.factories import UserFactory

    root = UserFactory(username="root", is_staff=True, is_superuser=True, roles=["coordinator"])
    client.force_login(root)
    url = reverse("admin:peersupport_user_change", args=[peer.pk])
    assert client.get(url).status_code == 200
    before = snapshot()
    response = client.post(url, {"username": "renamed", "is_active": ""})
    assert response.status_code == 403
    assert snapshot() == before
    assert client.get(reverse("admin:peersupport_user_add")).status_code == 403
    assert User.objects.get(pk=peer.pk).username == "peer"
