"""A request the site refuses before any view runs gets a page that says why."""

import pytest
from django.core.exceptions import DisallowedHost
from django.test import Client, RequestFactory
from django.urls import reverse

from clients.models import Client as Person
from peersupport.views.errors import bad_request

LONG = "x" * 5000


@pytest.fixture
def csrf_client(peer):
    # As a browser does: the CSRF check reads the POST first.
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(peer)
    return browser


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "What you sent is too large"), ("fr", "Ce que vous avez envoyé est trop volumineux")],
)
def test_a_form_too_large_gets_a_page_in_the_persons_language(
    csrf_client, settings, language, title
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    csrf_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = csrf_client.post(reverse("clients:create"), {"display_name": LONG})
    assert response.status_code == 400
    page = response.content.decode()
    assert f"<h1>{title}</h1>" in page
    assert 'class="navbar-brand"' in page  # the site's own layout
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_a_form_with_too_many_fields_gets_the_same_page(csrf_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = csrf_client.post(reverse("clients:create"), {f"field{n}": "x" for n in range(20)})
    assert response.status_code == 400
    assert "<h1>What you sent is too large</h1>" in response.content.decode()


def test_other_refusals_keep_a_bare_page_that_needs_no_request():
    request = RequestFactory().get("/", HTTP_HOST="evil.example")
    response = bad_request(request, DisallowedHost("evil.example"))
    assert response.status_code == 400
    assert "<h1>The site could not read this request</h1>" in response.content.decode()


def test_the_urls_name_the_handler():
    from peersupport import urls

    assert urls.handler400 == "peersupport.views.errors.bad_request"
