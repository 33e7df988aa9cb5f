"""The safety exception asks for the second factor again, with the password,
of whoever has set up an authenticator app (interventions/views/emergency.py)."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from interventions.models import EmergencyAccess
from interventions.views.emergency import SECOND_FACTOR_FAILED
from tests.accounts.two_factor_tools import (
    a_while_later,
    next_time_step,
    password_signed_in,
    phone_for,
    with_app,
)
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in_with_app(clinician):
    """The clinician on the care team, signed in with password and code."""
    device, codes = with_app(clinician)
    browser = password_signed_in(clinician)
    browser.post(reverse("two_factor_verify"), {"code": phone_for(device).now()})
    next_time_step(device)
    return browser, device, codes


def _open(browser, person, **fields):
    data = {"reason": "risk_to_self", "justification": "Said they had a plan."} | fields
    return browser.post(reverse("safety:open", args=[person.pk]), data)


def _wrong(device) -> str:
    return "000000" if phone_for(device).now() != "000000" else "111111"


def _failures(event):
    return LogEntry.objects.filter(additional_data__event=event)


def test_the_form_asks_for_a_code_as_well_as_the_password(signed_in_with_app, person):
    browser, _, _ = signed_in_with_app
    form = browser.get(reverse("safety:open", args=[person.pk])).context["form"]
    assert {"password", "code"} <= set(form.fields)


def test_without_an_app_the_password_alone_is_asked_as_before(client, clinician, person):
    client.force_login(clinician)
    form = client.get(reverse("safety:open", args=[person.pk])).context["form"]
    assert "password" in form.fields
    assert "code" not in form.fields


def test_the_password_and_a_current_code_open_the_notes(signed_in_with_app, person):
    browser, device, _ = signed_in_with_app
    response = _open(browser, person, password=TEST_PASSWORD, code=phone_for(device).now())
    assert response.status_code == 302
    assert EmergencyAccess.objects.filter(client=person).count() == 1


def test_the_password_alone_is_not_enough(signed_in_with_app, person):
    browser, _, _ = signed_in_with_app
    response = _open(browser, person, password=TEST_PASSWORD)
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert not EmergencyAccess.objects.exists()


def test_a_wrong_code_opens_nothing_is_explained_and_recorded(
    signed_in_with_app, person, clinician
):
    browser, device, _ = signed_in_with_app
    response = _open(browser, person, password=TEST_PASSWORD, code=_wrong(device))
    assert "This code is not right" in response.context["form"].errors["code"][0]
    assert not EmergencyAccess.objects.exists()
    failed = _failures(SECOND_FACTOR_FAILED).get()
    assert (failed.actor, failed.additional_data["client_id"]) == (clinician, person.pk)
    assert failed.additional_data["severity"] == "high"


def test_a_wrong_code_answers_the_same_whatever_the_password(signed_in_with_app, person):
    browser, device, _ = signed_in_with_app
    right_password = _open(browser, person, password=TEST_PASSWORD, code=_wrong(device))
    a_while_later(device.user)
    wrong_password = _open(browser, person, password="not-my-password", code=_wrong(device))
    assert right_password.context["form"].errors == wrong_password.context["form"].errors
    # The password was never tried, so no wrong password was recorded either.
    assert not _failures("emergency_password_failed").exists()


def test_a_wrong_password_with_a_right_code_asks_for_a_new_code(signed_in_with_app, person):
    browser, device, _ = signed_in_with_app
    response = _open(browser, person, password="not-my-password", code=phone_for(device).now())
    errors = response.context["form"].errors
    assert "password" in errors
    assert errors["code"] == ["Enter a new code: each code works once."]
    assert _failures("emergency_password_failed").exists()
    assert not EmergencyAccess.objects.exists()


def test_a_recovery_code_opens_the_notes_once(signed_in_with_app, person):
    browser, device, codes = signed_in_with_app
    assert _open(browser, person, password=TEST_PASSWORD, code=codes[0]).status_code == 302
    a_while_later(device.user)
    response = _open(browser, person, password=TEST_PASSWORD, code=codes[0])
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert EmergencyAccess.objects.filter(client=person).count() == 1


def test_after_wrong_codes_the_exception_waits(signed_in_with_app, person):
    browser, device, _ = signed_in_with_app
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=6, throttling_failure_timestamp=timezone.now()
    )
    response = _open(browser, person, password=TEST_PASSWORD, code=phone_for(device).now())
    assert "Too many wrong codes" in response.context["form"].errors["code"][0]
    assert not EmergencyAccess.objects.exists()
