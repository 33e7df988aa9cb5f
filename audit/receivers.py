"""Sign-ins, sign-outs, failures and lock-outs, from the signals Django and
django-axes send, into the record of sign-ins. Connected in ``AuditConfig.ready``."""

from __future__ import annotations

from typing import Any

from .models import SignInEvent
from .services import record_sign_in_event

# Set on a request whose failed attempt was already recorded as a lock-out.
_RECORDED = "_sign_in_event_recorded"


def signed_in(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    record_sign_in_event(SignInEvent.Kind.SIGNED_IN, request=request, user=user)


def signed_out(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    # Signing out without being signed in (an old tab) is not an event.
    if user is not None:
        record_sign_in_event(SignInEvent.Kind.SIGNED_OUT, request=request, user=user)


def sign_in_failed(
    sender: Any, credentials: dict | None = None, request: Any = None, **kwargs: Any
) -> None:
    if request is not None and getattr(request, _RECORDED, False):
        return
    # Django has already masked the password in ``credentials``; only the
    # username is read anyway.
    username = (credentials or {}).get("username", "")
    record_sign_in_event(SignInEvent.Kind.FAILED, request=request, username=username)


def locked_out(sender: Any, request: Any = None, username: Any = None, **kwargs: Any) -> None:
    """django-axes refused the attempt: the one that reached the failure limit,
    or one made during the lock-out. It is the same attempt Django reports as
    failed (axes hears of the failure first, and says so before the audit
    app's receiver runs), so it is recorded once, as a lock-out."""
    record_sign_in_event(SignInEvent.Kind.LOCKED_OUT, request=request, username=username or "")
    if request is not None:
        setattr(request, _RECORDED, True)
