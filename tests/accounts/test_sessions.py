"""Every session of an account ends when it is deactivated, given a temporary
password, or its owner changes their password (keeping the session they act
from); signing in gives a new session key.

Each browser is its own ``django.test.Client`` with a real session row, as a
phone and a laptop would be.
"""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts import services
from peersupport.models import User
from peersupport.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "the-old-password-1"


@pytest.fixture
def target(db):
    user = UserFactory(username="target", roles=[Role.CLINICIAN])
    user.set_password(PASSWORD)
    user.save()
    return user


def _signed_in(user) -> Client:
    """A separate browser, signed in through the sign-in form."""
    browser = Client()
    response = browser.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    assert browser.get(reverse("home")).status_code == 200
    return browser


def _is_signed_out(browser) -> bool:
    response = browser.get(reverse("home"))
    return response.status_code == 302 and response.url.startswith(reverse("login"))


def test_deactivating_an_account_ends_each_of_its_sessions(coordinator, target):
    phone, laptop = _signed_in(target), _signed_in(target)
    services.account_deactivate(acting_user=coordinator, user=target)
    assert _is_signed_out(phone)
    assert _is_signed_out(laptop)


def test_a_temporary_password_ends_each_session_of_the_account(coordinator, target):
    phone, laptop = _signed_in(target), _signed_in(target)
    services.account_set_temporary_password(
        acting_user=coordinator, user=target, password="fresh-temporary-pass"
    )
    assert _is_signed_out(phone)
    assert _is_signed_out(laptop)


def test_changing_ones_password_keeps_this_session_and_ends_the_others(target):
    phone, laptop = _signed_in(target), _signed_in(target)
    response = laptop.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "my-very-own-password",
            "new_password2": "my-very-own-password",
        },
    )
    assert response.status_code == 302
    assert _is_signed_out(phone)
    assert not _is_signed_out(laptop)


def test_ending_one_accounts_sessions_leaves_the_others_signed_in(coordinator, target, peer):
    peer.set_password(PASSWORD)
    peer.save()
    peers_phone, coordinators_laptop = _signed_in(peer), Client()
    coordinators_laptop.force_login(coordinator)
    services.account_deactivate(acting_user=coordinator, user=target)
    services.account_set_temporary_password(
        acting_user=coordinator,
        user=User.objects.get(pk=target.pk),
        password="fresh-temporary-pass",
    )
    assert not _is_signed_out(peers_phone)
    assert not _is_signed_out(coordinators_laptop)


def test_a_session_cookie_copied_before_the_change_does_not_work_after_it(coordinator, target):
    phone = _signed_in(target)
    copied = phone.cookies[settings.SESSION_COOKIE_NAME].value
    services.account_set_temporary_password(
        acting_user=coordinator, user=target, password="fresh-temporary-pass"
    )
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = copied
    assert _is_signed_out(thief)


def test_signing_in_gives_a_new_session_key_and_drops_the_old_one(target):
    browser = Client()
    # An anonymous session, as the language switch or a failed sign-in makes.
    session = browser.session
    session["django_language"] = "fr"
    session.save()
    before = browser.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=before).exists()
    browser.post(reverse("login"), {"username": "target", "password": PASSWORD})
    after = browser.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    # Someone who planted or read the old key holds nothing.
    planted = Client()
    planted.cookies[settings.SESSION_COOKIE_NAME] = before
    assert _is_signed_out(planted)
    assert not _is_signed_out(browser)
