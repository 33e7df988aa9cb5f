"""Access helpers every app uses.

Confidential models each get their own policy module (``<app>/access.py``);
this one holds what they share: ability checks that answer 404, so a page a
user may not use looks exactly like a page that does not exist.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from .policy import has_ability
from .roles import Ability

View = Callable[..., HttpResponse]


def require_ability(user: Any, ability: Ability) -> None:
    """Raise 404 unless ``user`` may do ``ability``."""
    if not has_ability(user, ability):
        raise Http404


def ability_required(ability: Ability) -> Callable[[View], View]:
    """View decorator: the view exists only for users with ``ability``."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require_ability(request.user, ability)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
