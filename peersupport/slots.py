"""How a page of a lower app shows what a higher app adds, without importing it.

Dependencies run one way (README, "How the code is laid out"): the core knows
no feature app, and the register knows nothing of encounters or notes. Yet
the home page counts work waiting in the interventions app, and a person's
page shows their timeline. So the page names a slot, and the app above fills
it from its ``AppConfig.ready()``:

    # interventions/apps.py
    PERSON_PAGE.register(panels.person_page)

Each provider receives the request and the page's keyword arguments and
returns extra template context; the page merges what every provider returns.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

Provider = Callable[..., dict[str, Any]]


class Slot:
    def __init__(self, name: str) -> None:
        self.name = name
        self._providers: list[Provider] = []

    def register(self, provider: Provider) -> Provider:
        if provider not in self._providers:
            self._providers.append(provider)
        return provider

    def context(self, request: HttpRequest, **kwargs: Any) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for provider in self._providers:
            merged.update(provider(request, **kwargs))
        return merged


# The signed-in user's home page: counts of what waits for them.
HOME_PAGE = Slot("home page")
# A person's page (clients:detail), given ``client``: their timeline and notes.
PERSON_PAGE = Slot("person page")
