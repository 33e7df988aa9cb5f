"""What the two-factor tests share: an app set up for a user, and the codes a
phone would show, computed with pyotp (another TOTP implementation than the
one that checks them)."""

import base64
from datetime import timedelta

import pyotp
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from tests.factories import TEST_PASSWORD


def phone_for(device: TOTPDevice) -> pyotp.TOTP:
    """The authenticator app holding ``device``'s secret."""
    return pyotp.TOTP(base64.b32encode(device.bin_key).decode("ascii"))


def phone_from_secret(secret: str) -> pyotp.TOTP:
    """The app, set up by typing the secret the page shows."""
    return pyotp.TOTP(secret.replace(" ", ""))


def with_app(user) -> tuple[TOTPDevice, list[str]]:
    """Set up an app for ``user`` as the setup page does; its device and recovery codes."""
    device = two_factor.setup_device(user=user)
    codes = two_factor.second_factor_confirm(user=user, device=device, code=phone_for(device).now())
    device.refresh_from_db()
    next_time_step(device)
    return device, codes


def next_time_step(device: TOTPDevice) -> None:
    """As if the app had shown its next code: a code is accepted once, so a
    test that gives the current code again stands for half a minute later."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)


def a_while_later(user) -> None:
    """As if the wait after the last wrong code (1 s after one, 2 s after two...)
    were over; the count of failures stays."""
    earlier = timezone.now() - timedelta(hours=1)
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user, throttling_failure_timestamp__isnull=False).update(
            throttling_failure_timestamp=earlier
        )


def password_signed_in(user, browser: Client | None = None) -> Client:
    """A browser past the password step, through the sign-in form."""
    browser = browser or Client()
    response = browser.post(
        reverse("login"), {"username": user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302, response.content
    return browser
