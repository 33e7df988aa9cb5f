"""Access helpers every app uses.

Confidential models each get their own policy module (``<app>/access.py``);
this one holds what they share: ability checks that answer 404, so a page a
user may not use looks exactly like a page that does not exist.
"""

from functools import wraps

from django.http import Http404

from .roles import Ability


def require_ability(user, ability: Ability) -> None:
    """Raise 404 unless ``user`` may do ``ability``."""
    if not (user.is_authenticated and user.can(ability)):
        raise Http404


def ability_required(ability: Ability):
    """View decorator: the view exists only for users with ``ability``."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require_ability(request.user, ability)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
