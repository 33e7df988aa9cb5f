"""Checking a second-factor code: an app's code once, a recovery code once,
wrong codes throttled on the device they were meant for only."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from peersupport.second_factor import (
    MALFORMED,
    THROTTLED,
    WRONG,
    has_second_factor,
    verify_code,
)
from tests.accounts.two_factor_tools import a_while_later, next_time_step, phone_for, with_app

pytestmark = pytest.mark.django_db


def _refusal(user, code) -> str:
    with pytest.raises(ValidationError) as refused:
        verify_code(user, code)
    return refused.value.code


def test_the_apps_current_code_is_accepted_once(peer):
    device, _ = with_app(peer)
    code = phone_for(device).now()
    assert verify_code(peer, code) == device
    assert _refusal(peer, code) == WRONG


def test_a_recovery_code_is_accepted_once_and_only_once(peer):
    _, codes = with_app(peer)
    assert isinstance(verify_code(peer, codes[0]), StaticDevice)
    assert _refusal(peer, codes[0]) == WRONG
    a_while_later(peer)
    assert isinstance(verify_code(peer, codes[1]), StaticDevice)


def test_codes_are_read_without_spaces_dashes_or_capitals(peer):
    device, codes = with_app(peer)
    code = phone_for(device).now()
    assert verify_code(peer, f" {code[:3]} {code[3:]} ") == device
    assert isinstance(verify_code(peer, codes[0].upper()[:4] + "-" + codes[0][4:]), StaticDevice)


def test_a_wrong_app_code_counts_against_the_app_only(peer):
    device, codes = with_app(peer)
    right = phone_for(device).now()
    wrong = "000000" if right != "000000" else "111111"
    assert _refusal(peer, wrong) == WRONG
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # The recovery codes were not tried, so they are not held back.
    assert StaticDevice.objects.get(user=peer).throttling_failure_count == 0
    assert isinstance(verify_code(peer, codes[0]), StaticDevice)


def test_after_wrong_codes_even_the_right_one_waits(peer):
    device, _ = with_app(peer)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=5, throttling_failure_timestamp=timezone.now()
    )
    with pytest.raises(ValidationError) as refused:
        verify_code(peer, phone_for(device).now())
    assert refused.value.code == THROTTLED
    assert "Try again in 16 seconds" in refused.value.messages[0]


def test_the_wait_ends(peer):
    device, _ = with_app(peer)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=5,
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=17),
    )
    assert verify_code(peer, phone_for(device).now()) == device


def test_something_that_is_no_code_is_explained_and_counts_no_failure(peer):
    device, _ = with_app(peer)
    assert _refusal(peer, "12345") == MALFORMED
    assert _refusal(peer, "") == MALFORMED
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_another_persons_code_does_not_work(peer, other_peer):
    device, codes = with_app(peer)
    with_app(other_peer)
    assert _refusal(other_peer, phone_for(device).now()) == WRONG
    assert _refusal(other_peer, codes[0]) == WRONG


def test_an_app_not_confirmed_yet_is_no_second_factor(peer):
    device = two_factor.setup_device(user=peer)
    assert not has_second_factor(peer)
    assert _refusal(peer, phone_for(device).now()) == WRONG


def test_a_confirmed_app_is_a_second_factor(peer):
    assert not has_second_factor(peer)
    device, _ = with_app(peer)
    next_time_step(device)
    assert has_second_factor(peer)
