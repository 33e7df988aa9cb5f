"""Two-factor sign-in screens: the second step after the password, setting up
an app, recovery codes, the account pages' panels and a coordinator's reset."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from audit.models import SignInEvent
from peersupport.second_factor import has_second_factor
from tests.accounts.two_factor_tools import (
    a_while_later,
    next_time_step,
    password_signed_in,
    phone_for,
    phone_from_secret,
    with_app,
)

pytestmark = pytest.mark.django_db

VERIFY = reverse("two_factor_verify")
SETUP = reverse("two_factor_setup")
CODES = reverse("two_factor_recovery_codes")
HOME = reverse("home")


def _wrong(device) -> str:
    return "000000" if phone_for(device).now() != "000000" else "111111"


def _session_key(browser: Client) -> str:
    return browser.cookies["sessionid"].value


def _is_signed_out(browser: Client) -> bool:
    response = browser.get(HOME)
    return response.status_code == 302 and response.url.startswith(reverse("login"))


# The second step.


def test_after_the_password_a_user_with_an_app_is_asked_for_a_code(peer):
    with_app(peer)
    browser = password_signed_in(peer)
    response = browser.get(HOME)
    assert response.status_code == 302
    assert response.url == f"{VERIFY}?next=%2F"


def test_the_code_field_works_without_script_and_brings_up_the_digit_keypad(peer):
    with_app(peer)
    page = password_signed_in(peer).get(VERIFY).content.decode()
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page
    assert f'<form method="post" action="{VERIFY}"' in page


def test_the_right_code_opens_the_page_the_person_was_going_to(peer):
    device, _ = with_app(peer)
    browser = password_signed_in(peer)
    response = browser.post(VERIFY, {"code": phone_for(device).now(), "next": "/follow-ups/"})
    assert response.status_code == 302
    assert response.url == "/follow-ups/"
    assert browser.get(HOME).status_code == 200


def test_a_next_address_on_another_site_is_ignored(peer):
    device, _ = with_app(peer)
    browser = password_signed_in(peer)
    response = browser.post(
        VERIFY, {"code": phone_for(device).now(), "next": "https://elsewhere.example/"}
    )
    assert response.url == HOME


def test_a_wrong_code_is_explained_on_its_field_and_recorded(peer):
    device, _ = with_app(peer)
    browser = password_signed_in(peer)
    response = browser.post(VERIFY, {"code": _wrong(device)})
    assert response.status_code == 200
    assert "This code is not right" in response.context["form"].errors["code"][0]
    assert browser.get(HOME).status_code == 302
    event = SignInEvent.objects.get(kind=SignInEvent.Kind.SECOND_FACTOR_FAILED)
    assert (event.user, event.address) == (peer, "127.0.0.1")
    assert _wrong(device) not in str(vars(event))


def test_a_try_while_wrong_codes_hold_the_app_back_is_refused_and_recorded(peer):
    device, _ = with_app(peer)
    browser = password_signed_in(peer)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=4, throttling_failure_timestamp=timezone.now()
    )
    response = browser.post(VERIFY, {"code": phone_for(device).now()})
    assert "Too many wrong codes. Try again in" in response.context["form"].errors["code"][0]
    assert SignInEvent.objects.filter(kind=SignInEvent.Kind.SECOND_FACTOR_FAILED).exists()


def test_the_right_code_is_recorded_among_the_sign_ins(peer):
    device, _ = with_app(peer)
    password_signed_in(peer).post(VERIFY, {"code": phone_for(device).now()})
    kinds = list(SignInEvent.objects.filter(user=peer).values_list("kind", flat=True))
    assert kinds == [SignInEvent.Kind.SECOND_FACTOR_PASSED, SignInEvent.Kind.SIGNED_IN]


def test_a_recovery_code_signs_in_once(peer):
    _, codes = with_app(peer)
    first = password_signed_in(peer)
    page = first.get(VERIFY, {"use": "recovery"}).content.decode()
    assert "Recovery code" in page
    assert 'inputmode="numeric"' not in page  # recovery codes hold letters
    response = first.post(VERIFY, {"code": codes[0], "use": "recovery"})
    assert response.status_code == 302
    assert first.get(HOME).status_code == 200

    second = password_signed_in(peer)
    response = second.post(VERIFY, {"code": codes[0], "use": "recovery"})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert second.get(HOME).status_code == 302


def test_the_session_key_changes_at_the_password_and_again_at_the_code(peer):
    device, _ = with_app(peer)
    browser = Client()
    before = browser.session.session_key
    password_signed_in(peer, browser)
    after_password = _session_key(browser)
    assert after_password != before
    browser.post(VERIFY, {"code": phone_for(device).now()})
    after_code = _session_key(browser)
    assert after_code != after_password
    assert not Session.objects.filter(session_key=after_password).exists()
    # A copy of the half-signed-in session's cookie opens nothing.
    stolen = Client()
    stolen.cookies["sessionid"] = after_password
    assert _is_signed_out(stolen)


def test_a_code_given_at_an_earlier_sign_in_does_not_carry_over(peer):
    device, _ = with_app(peer)
    browser = password_signed_in(peer)
    browser.post(VERIFY, {"code": phone_for(device).now()})
    next_time_step(device)
    # Signing in again in the same browser (the test client keeps the session).
    browser.force_login(peer)
    assert browser.get(HOME).url.startswith(VERIFY)


def test_someone_signed_in_without_an_app_is_not_asked(peer):
    browser = password_signed_in(peer)
    assert browser.get(HOME).status_code == 200
    assert browser.get(VERIFY).status_code == 302


# Setting it up.


def test_the_setup_page_draws_the_qr_code_itself_and_shows_the_key(client, peer):
    client.force_login(peer)
    response = client.get(SETUP)
    page = response.content.decode()
    device = TOTPDevice.objects.get(user=peer, confirmed=False)
    assert '<svg width="220" height="220"' in page
    assert "<img" not in page
    assert two_factor.secret_for_typing(device) in page
    assert 'autocomplete="one-time-code"' in page


def test_a_wrong_code_at_setup_is_explained_and_turns_nothing_on(client, peer):
    client.force_login(peer)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=peer)
    response = client.post(SETUP, {"code": _wrong(device)})
    assert response.status_code == 200
    assert "This code is not right" in response.context["form"].errors["code"][0]
    assert not has_second_factor(peer)


def test_setting_up_with_the_typed_key_shows_ten_recovery_codes_once(client, peer):
    client.force_login(peer)
    secret = client.get(SETUP).context["secret"]
    response = client.post(SETUP, {"code": phone_from_secret(secret).now()})
    assert response.status_code == 302
    assert response.url == CODES
    shown = client.get(CODES).context["codes"]
    assert len(shown) == 10
    assert client.get(CODES).context["codes"] is None
    assert has_second_factor(peer)


@override_settings(TWO_FACTOR_REQUIRED_FOR_ROLES=True)
def test_setting_up_verifies_this_session_and_ends_the_others(coordinator):
    laptop = password_signed_in(coordinator)
    phone = password_signed_in(coordinator)
    assert laptop.get(HOME).url.startswith(SETUP)
    secret = laptop.get(SETUP).context["secret"]
    laptop.post(SETUP, {"code": phone_from_secret(secret).now()})
    assert laptop.get(HOME).status_code == 200
    assert _is_signed_out(phone)


def test_an_app_cannot_be_replaced_with_the_password_alone(peer):
    device, _ = with_app(peer)
    browser = password_signed_in(peer)
    response = browser.get(SETUP)
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    assert browser.post(SETUP, {"code": "123456"}).url.startswith(VERIFY)
    assert list(TOTPDevice.objects.filter(user=peer)) == [device]


def test_replacing_the_app_after_the_code(peer):
    device, _ = with_app(peer)
    browser = password_signed_in(peer)
    browser.post(VERIFY, {"code": phone_for(device).now()})
    secret = browser.get(SETUP).context["secret"]
    response = browser.post(SETUP, {"code": phone_from_secret(secret).now()})
    assert response.url == CODES
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert browser.get(HOME).status_code == 200


def test_new_recovery_codes_are_shown_once_and_the_old_ones_stop_working(peer):
    device, old = with_app(peer)
    browser = password_signed_in(peer)
    browser.post(VERIFY, {"code": phone_for(device).now()})
    response = browser.post(CODES)
    assert response.url == CODES
    new = browser.get(CODES).context["codes"]
    assert len(new) == 10
    assert set(new).isdisjoint(old)
    again = password_signed_in(peer)
    assert again.post(VERIFY, {"code": old[0], "use": "recovery"}).status_code == 200
    a_while_later(peer)
    assert again.post(VERIFY, {"code": new[0], "use": "recovery"}).status_code == 302


def test_recovery_codes_without_an_app_send_to_setup(client, peer):
    client.force_login(peer)
    assert client.get(CODES).url == SETUP
    assert client.post(CODES).url == SETUP


# The account pages.


def test_ones_own_page_says_off_and_offers_to_set_it_up(client, peer):
    client.force_login(peer)
    page = client.get(reverse("own_account")).content.decode()
    assert "Two-factor sign-in" in page
    assert "Off" in page
    assert f'href="{SETUP}"' in page
    assert "Required for you" not in page


@override_settings(TWO_FACTOR_REQUIRED_FOR_ROLES=True)
def test_ones_own_page_says_on_why_it_is_required_and_what_is_left(researcher):
    _, codes = with_app(researcher)
    browser = password_signed_in(researcher)
    browser.post(VERIFY, {"code": codes[0], "use": "recovery"})
    page = browser.get(reverse("own_account")).content.decode()
    assert "On" in page
    assert "Required for you:" in page
    assert "You may export research data." in page
    assert "9 recovery codes left." in page
    assert "Replace the app" in page


def test_a_coordinator_sees_an_accounts_second_factor_and_its_reset(client, coordinator, peer):
    reset = reverse("accounts:two_factor_reset", args=[peer.pk])
    client.force_login(coordinator)
    page = client.get(reverse("accounts:detail", args=[peer.pk])).content.decode()
    assert "Two-factor sign-in" in page
    assert reset not in page
    with_app(peer)
    page = client.get(reverse("accounts:detail", args=[peer.pk])).content.decode()
    assert f'href="{reset}"' in page


def test_the_reset_asks_for_confirmation_then_resets_and_records(client, coordinator, peer):
    device, _ = with_app(peer)
    victim_browser = password_signed_in(peer)
    victim_browser.post(VERIFY, {"code": phone_for(device).now()})
    reset = reverse("accounts:two_factor_reset", args=[peer.pk])
    client.force_login(coordinator)
    confirm = client.get(reset)
    assert confirm.status_code == 200
    assert has_second_factor(peer)  # a GET changes nothing
    response = client.post(reset)
    assert response.url == reverse("accounts:detail", args=[peer.pk])
    assert not has_second_factor(peer)
    event = SignInEvent.objects.get(kind=SignInEvent.Kind.SECOND_FACTOR_RESET)
    assert (event.user, event.actor, event.address) == (peer, coordinator, "127.0.0.1")
    assert _is_signed_out(victim_browser)


@pytest.mark.parametrize("persona", ["peer", "clinician", "researcher"])
def test_only_a_coordinator_may_reset_anyone(client, request, persona, other_peer):
    with_app(other_peer)
    client.force_login(request.getfixturevalue(persona))
    reset = reverse("accounts:two_factor_reset", args=[other_peer.pk])
    assert client.post(reset).status_code == 404
    assert has_second_factor(other_peer)
