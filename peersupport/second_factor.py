"""Checking a second-factor code (django-otp) given by a signed-in user.

The sign-in's second step (accounts) and the safety exception (interventions),
which asks for a code again, both check codes here: the core is the one
package both may import. Who must have a second factor, and setting one up,
are the accounts app's (``accounts/two_factor.py``).

A code is tried on one device, chosen by its shape, never on each device in
turn: django-otp counts a failure on every device a code is tried on, so a
mistyped app code would otherwise also hold back the recovery codes.
"""

from __future__ import annotations

import math
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

# What an authenticator app shows, and what StaticToken.random_token() makes.
APP_CODE = re.compile(r"^\d{6}$")
RECOVERY_CODE = re.compile(r"^[a-z2-7]{8}$")

# Why a code was refused (the ValidationError's code).
MALFORMED = "malformed"
WRONG = "wrong_code"
THROTTLED = "throttled"


def normalised(code: str | None) -> str:
    """A code as typed, without the spaces and dashes people add to read it."""
    return re.sub(r"[\s-]", "", code or "").lower()


def has_second_factor(user: Any) -> bool:
    """Whether ``user`` set up an authenticator app (recovery codes come with it)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def verify_code(user: Any, code: str | None) -> Device:
    """The device of ``user`` that accepts ``code`` (an app's code, or a recovery
    code, which is then used up); otherwise a ValidationError saying why, whose
    code is MALFORMED, WRONG or THROTTLED."""
    code = normalised(code)
    if APP_CODE.match(code):
        model: type[Device] = TOTPDevice
    elif RECOVERY_CODE.match(code):
        model = StaticDevice
    else:
        raise ValidationError(
            _("Enter the 6-digit code your app shows, or one of your recovery codes."),
            code=MALFORMED,
        )
    refusal = None
    # The row is locked while it is checked, so two requests cannot both use
    # one code; the refusal is raised after the block, which would otherwise
    # roll back the failure django-otp counts.
    with transaction.atomic():
        device = model.objects.devices_for_user(user, confirmed=True).select_for_update().first()
        if device is None:
            refusal = _wrong()
        else:
            allowed, details = device.verify_is_allowed()
            if not allowed:
                refusal = _throttled((details or {}).get("locked_until"))
            elif not device.verify_token(code):
                refusal = _wrong()
    if refusal is not None:
        raise refusal
    return device


def _wrong() -> ValidationError:
    return ValidationError(
        _("This code is not right. Check the time on your phone, or use a recovery code."),
        code=WRONG,
    )


def _throttled(until) -> ValidationError:
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds())) if until else 60
    if seconds > 90:
        minutes = math.ceil(seconds / 60)
        wait = ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}
    else:
        wait = ngettext("%(count)s second", "%(count)s seconds", seconds) % {"count": seconds}
    return ValidationError(
        _("Too many wrong codes. Try again in %(wait)s.") % {"wait": wait}, code=THROTTLED
    )
