"""Template context shared by every page."""

from .roles import Ability


def abilities(request):
    """``can.<ability>`` flags for templates, which never look at role names."""
    user = getattr(request, "user", None)
    granted = user.abilities if user is not None and user.is_authenticated else frozenset()
    return {"can": {ability.value: ability in granted for ability in Ability}}
