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
A provider may also name its templates, by region of the page
(``templates={"actions": "interventions/person/actions.html"}``): the page
includes, in each region, the templates every provider named for it
(``panels.<region>`` in the template), so the lower page's template names
nothing of the app above either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Provider = Callable[..., dict[str, Any]]


class Slot:
    def __init__(self, name: str) -> None:
        self.name = name
        self._providers: list[Provider] = []
        self._templates: dict[Provider, dict[str, str]] = {}

    def register(self, provider: Provider, *, templates: dict[str, str] | None = None) -> Provider:
        if provider not in self._providers:
            self._providers.append(provider)
        if templates:
            self._templates[provider] = templates
        return provider

    def context(
        self, request: HttpRequest, *, taken: Iterable[str] = (), **kwargs: Any
    ) -> dict[str, Any]:
        """What every provider adds. A key the page already set (``taken``) or
        that two providers both set is a wiring mistake, refused loudly rather
        than letting a panel silently replace the page's own value."""
        merged: dict[str, Any] = {}
        panels: dict[str, list[str]] = {}
        for provider in self._providers:
            for region, template in self._templates.get(provider, {}).items():
                panels.setdefault(region, []).append(template)
        if panels:
            if "panels" in set(taken):
                raise ImproperlyConfigured(f"The {self.name} sets 'panels' itself")
            merged["panels"] = panels
        for provider in self._providers:
            added = provider(request, **kwargs)
            clashing = (set(taken) | merged.keys()) & added.keys()
            if clashing:
                raise ImproperlyConfigured(
                    f"{provider.__module__}.{provider.__name__} would replace "
                    f"{sorted(clashing)} on the {self.name}"
                )
            merged.update(added)
        return merged


# The signed-in user's home page: counts of what waits for them.
HOME_PAGE = Slot("home page")
# A person's page (clients:detail), given ``client``: their timeline and notes.
PERSON_PAGE = Slot("person page")
# A partner's page (partners:detail), given ``partner``: what was sent there.
PARTNER_PAGE = Slot("partner page")
# An encounter's page (encounters:detail), given ``encounter``: what follows from it.
ENCOUNTER_PAGE = Slot("encounter page")
# A staff member's account page (accounts:detail), given ``account``: who backs
# them, their onboarding, their time (region ``sections``).
ACCOUNT_PAGE = Slot("account page")
# The signed-in user's own account page (accounts:own), given ``account`` (the
# user): their sign-ins, their second factor (region ``sections``).
OWN_ACCOUNT_PAGE = Slot("own account page")
