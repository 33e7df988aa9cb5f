"""Two-factor sign-in: who must have it, setting it up, recovery codes, a
coordinator's reset, and the session's state between password and code.

Built on django-otp: an authenticator app (``TOTPDevice``) and ten single-use
recovery codes (``StaticDevice``). Codes are checked in
``peersupport.second_factor``, which the safety exception uses too.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

import qrcode
import qrcode.image.svg
from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import SignInEvent
from audit.services import record_sign_in_event
from peersupport import audit as audit_events
from peersupport.audit import acting_as, record_event
from peersupport.models import User
from peersupport.query import ascii_digits
from peersupport.roles import Ability, Role
from peersupport.second_factor import MALFORMED, has_second_factor, normalised, verify_code

from .access import Action, account_policy

RECOVERY_CODES = 10
# In the session: signed in with the password, the code still to be given.
PENDING = "two_factor_pending"
# In the session, until shown once: the recovery codes just made.
NEW_RECOVERY_CODES = "two_factor_new_recovery_codes"

# Changes to one's own second factor, in the account's history
# (``additional_data["event"]``). Codes given, refused and a coordinator's
# reset go to the record of sign-ins (``audit.services.record_sign_in_event``).
# (peersupport.audit names them, for the history's words.)
SECOND_FACTOR_ENABLED = audit_events.SECOND_FACTOR_ENABLED
RECOVERY_CODES_RENEWED = audit_events.RECOVERY_CODES_RENEWED


# Who must have it ------------------------------------------------------------


def required_because(user: Any) -> list[str]:
    """Why ``user`` must sign in with a second factor, in words for them; empty
    when they need not. Asked on every request of an unverified user, so it
    reads settings first and the user's roles (one cached query) only then."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    reasons = []
    if settings.TWO_FACTOR_REQUIRED_FOR_ALL:
        reasons.append(_("Every account needs it here."))
    if settings.TWO_FACTOR_REQUIRED_FOR_ROLES:
        if user.can(Ability.MANAGE_ACCOUNTS):
            reasons.append(_("You manage accounts and read the audit trail."))
        # The safety exception opens to coordinators and to clinicians on the
        # person's care team; any clinician may be put on a team any day, and
        # an emergency leaves no time to set an app up, so every clinician.
        if user.can(Ability.SEE_ALL_CLIENTS) or user.has_role(Role.CLINICIAN):
            reasons.append(_("You may open a person's notes with the safety exception."))
        # Logbook exports (READ_LOGBOOK) and research exports (VIEW_PROGRAMME_STATS).
        if user.can(Ability.READ_LOGBOOK) or user.can(Ability.VIEW_PROGRAMME_STATS):
            reasons.append(_("You may export research data."))
    return reasons


def is_two_factor_required(user: Any) -> bool:
    return bool(required_because(user))


@dataclass(frozen=True)
class TwoFactorStatus:
    """What the account pages show of one account's second factor."""

    has_second_factor: bool
    required_because: list[str] = field(default_factory=list)
    recovery_codes_left: int = 0

    @property
    def is_required(self) -> bool:
        return bool(self.required_because)


def two_factor_status(user: User) -> TwoFactorStatus:
    enabled = has_second_factor(user)
    left = 0
    if enabled:
        left = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return TwoFactorStatus(
        has_second_factor=enabled,
        required_because=required_because(user),
        recovery_codes_left=left,
    )


# Setting it up ---------------------------------------------------------------


def setup_device(*, user: User) -> TOTPDevice:
    """The app being set up: an unconfirmed device, kept across reloads of the
    page so the code already scanned stays the right one. A confirmed device,
    if any, keeps working until the new one is confirmed."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret as apps ask for it when typed (base32), in groups of four."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The setup address as an inline SVG drawn here: no image service sees the
    secret, and the page needs no inline style or script (CSP)."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, border=2
    )
    svg = image.get_image()
    # Sized by its viewBox; the attributes are presentation, not inline style.
    svg.set("width", "220")
    svg.set("height", "220")
    svg.set("role", "img")
    svg.set("aria-label", _("QR code to scan with your authenticator app"))
    svg.set("class", "two-factor-qr")
    # qrcode built this markup from the device's address alone (no user text).
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308


@transaction.atomic
def second_factor_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the app being set up with a code it shows; replace any earlier
    app and recovery codes. Returns the new recovery codes (shown once).

    The account's sessions end, since they were opened without this app; the
    view keeps the one the person is using (``update_session_auth_hash``)."""
    if device.user_id != user.pk or device.confirmed:
        raise ValidationError({"code": _("Start again from your account page.")})
    code = normalised(code)
    if not (ascii_digits(code) and len(code) == 6):
        raise ValidationError({"code": _("Enter the 6 digits your app shows.")})
    if not device.verify_token(code):
        raise ValidationError(
            {
                "code": _(
                    "This code is not right. Scan the code again or check the time on your phone."
                )
            }
        )
    TOTPDevice.objects.devices_for_user(user, confirmed=None).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    user.end_all_sessions()
    _record(user, acting_user=user, event=SECOND_FACTOR_ENABLED)
    return codes


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    if not has_second_factor(user):
        raise ValidationError(_("Set up an authenticator app first."))
    codes = _new_recovery_codes(user)
    _record(user, acting_user=user, event=RECOVERY_CODES_RENEWED)
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.devices_for_user(user, confirmed=None).delete()
    device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def second_factor_reset(
    *, acting_user: User, user: User, request: HttpRequest | None = None
) -> None:
    """A coordinator removes a person's app and recovery codes (a lost phone):
    they sign in with their password alone next time and set it up again if
    they must. Their sessions end, since whoever holds the phone may hold one.
    Recorded with the coordinator's address when ``request`` is given."""
    if not account_policy.can(acting_user, Action.SET_PASSWORD, user):
        raise ValidationError(_("Only a coordinator may reset someone's second factor."))
    TOTPDevice.objects.devices_for_user(user, confirmed=None).delete()
    StaticDevice.objects.devices_for_user(user, confirmed=None).delete()
    user.end_all_sessions()
    record_sign_in_event(
        SignInEvent.Kind.SECOND_FACTOR_RESET, request=request, user=user, actor=acting_user
    )


# Signing in ------------------------------------------------------------------


def mark_sign_in(sender, request, user, **kwargs) -> None:
    """At every sign-in (``user_logged_in``): a user who has a second factor
    must give a code before anything else; a code given in an earlier sign-in
    of the same session does not count."""
    if request is None or not hasattr(request, "session"):
        return
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session[PENDING] = has_second_factor(user)


def second_factor_passed(request: HttpRequest, device) -> None:
    """The code was right: the session is verified, under a new key."""
    otp_login(request, device)
    request.session.pop(PENDING, None)
    # As at the password: whoever knew the key of the half-signed-in session
    # (set before the code was given) cannot ride on the verified one.
    request.session.cycle_key()
    record_sign_in_event(SignInEvent.Kind.SECOND_FACTOR_PASSED, request=request, user=device.user)


def check_sign_in_code(*, request: HttpRequest, code: str):
    """The second step's check for the user signed in on ``request``: the device
    that accepts ``code``, or a ValidationError; a wrong code, and a try while
    wrong codes hold the app back, are recorded (never the code)."""
    try:
        return verify_code(request.user, code)
    except ValidationError as refusal:
        if refusal.code != MALFORMED:
            record_sign_in_event(
                SignInEvent.Kind.SECOND_FACTOR_FAILED, request=request, user=request.user
            )
        raise


def _record(user: User, *, acting_user: User, event: str) -> None:
    """A change to the account's second factor, in its history. Never a code or a secret."""
    with acting_as(acting_user):
        record_event(
            user,
            action=LogEntry.Action.UPDATE,
            changes={"second_factor": ["", event]},
            extra={"event": event},
        )
