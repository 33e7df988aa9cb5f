"""Writes of the audit app: the record of sign-ins.

``record_sign_in_event`` is the one way to add to it: Django's and
django-axes' signals call it (``audit.receivers``), and so may any app that
checks something at sign-in, such as the second factor.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from peersupport.client_address import client_address
from peersupport.models import User

from . import selectors
from .models import USER_AGENT_LENGTH, USERNAME_LENGTH, SignInEvent


def _cut(text: Any, length: int) -> str:
    # PostgreSQL refuses NUL in text; a visitor can type or send anything.
    return str(text or "").replace("\x00", "").strip()[:length]


def record_sign_in_event(
    kind: SignInEvent.Kind | str,
    *,
    request: HttpRequest | None = None,
    user: User | None = None,
    username: str | None = None,
    actor: User | None = None,
) -> SignInEvent:
    """Record one sign-in event: its kind (``SignInEvent.Kind``, e.g.
    ``"signed_in"``, ``"failed"``, ``"second_factor_failed"``,
    ``"second_factor_reset"``), the account it is about, the username typed
    (never a password), and the client address and browser of ``request``.

    Without ``user``, the account the typed username names, if any. Without
    ``actor``, whoever is signed in on ``request`` when that is someone else
    than ``user`` (a coordinator resetting a second factor)."""
    kind = SignInEvent.Kind(kind)
    if user is None and username:
        user = selectors.account_named(_cut(username, USERNAME_LENGTH))
    if not username and user is not None:
        username = user.get_username()
    if actor is None and request is not None:
        signed_in = getattr(request, "user", None)
        if signed_in is not None and signed_in.is_authenticated and signed_in != user:
            actor = signed_in
    meta = request.META if request is not None else {}
    event = SignInEvent(
        kind=kind,
        user=user,
        username=_cut(username, USERNAME_LENGTH),
        actor=actor,
        address=client_address(request) if request is not None else None,
        user_agent=_cut(meta.get("HTTP_USER_AGENT"), USER_AGENT_LENGTH),
    )
    event.full_clean()
    event.save()
    return event
