"""What the audit app adds to pages of the apps below it (``peersupport.slots``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from . import selectors
from .browsers import browser_in_words

OWN_SIGN_INS_SHOWN = 10


def own_sign_ins(request: HttpRequest, *, account: Any) -> dict[str, Any]:
    """The own account page (``OWN_ACCOUNT_PAGE``): the person's last sign-ins,
    the failures against their username since their previous sign-in marked."""
    found = selectors.own_sign_ins(viewer=request.user, account=account, limit=OWN_SIGN_INS_SHOWN)
    previous = found["previous_sign_in"]
    for event in found["events"]:
        event.browser = browser_in_words(event.user_agent)
        event.is_new_failure = event.is_failure and (previous is None or event.at > previous)
    return {
        "own_sign_ins": found["events"],
        "own_sign_ins_previous": previous,
        "own_sign_ins_failures": found["failures_since"],
    }
