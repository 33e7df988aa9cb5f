"""Security headers and password storage on every kind of page."""

import pytest
from django.conf import settings
from django.urls import reverse


def _csp(response):
    return dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["login", "home", "accounts:list", "password_change"])
def test_every_page_forbids_inline_and_foreign_scripts(client, coordinator, url_name):
    client.force_login(coordinator)
    response = client.get(reverse(url_name))
    policy = _csp(response)
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    page = response.content.decode()
    assert "<script>" not in page
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
