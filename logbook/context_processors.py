"""Template context every page needs from the logbook: the menu's link."""

from typing import Any

from django.http import HttpRequest

from .access import Action, entry_policy


def logbook(request: HttpRequest) -> dict[str, Any]:
    """``can_use_logbook``: whether the menu links to the logbook, as the
    policy decides (the user's abilities are already read for the menu)."""
    return {"can_use_logbook": entry_policy.can(getattr(request, "user", None), Action.VIEW)}
