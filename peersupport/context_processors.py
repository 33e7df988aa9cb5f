"""Template context shared by every page."""

from .policy import is_signed_in
from .roles import Ability


def abilities(request):
    """``can.<ability>`` flags for templates, which never look at role names."""
    user = getattr(request, "user", None)
    granted = user.abilities if is_signed_in(user) else frozenset()
    return {"can": {ability.value: ability in granted for ability in Ability}}


# The menu entry each page belongs to, by view name first, then by namespace.
SECTION_BY_VIEW = {
    "home": "home",
    "own_account": "own_account",
    "password_change": "own_account",
    "audit": "audit",
    "shared:feed": "shared",
    "shared:conversation": "shared",
    "follow_ups:kinds": "accompaniment_kinds",
    "follow_ups:kind_create": "accompaniment_kinds",
    "follow_ups:kind_edit": "accompaniment_kinds",
    "shared:requests": "requests",
    "shared:fulfil": "requests",
    "supervision:teams": "staff_teams",
    "supervision:team_create": "staff_teams",
    "supervision:team_edit": "staff_teams",
}
SECTION_BY_NAMESPACE = {
    "clients": "people",
    "safety": "people",
    "notes": "people",
    "encounters": "encounter",
    "shared": "people",
    "logbook": "logbook",
    "research": "research",
    "partners": "partners",
    "accounts": "accounts",
    "emergency": "emergency",
    "activities": "activities",
    "notifications": "notifications",
    "follow_ups": "follow_ups",
    "referrals": "people",
    "calendar": "calendar",
    "groups": "groups",
    "work": "work",
    "me": "me",
    "supervision": "supervision",
    "overview": "overview",
}

# The entries grouped under "Administration" for coordinators.
ADMIN_SECTIONS = frozenset(
    {
        "accounts",
        "activities",
        "accompaniment_kinds",
        "partners",
        "emergency",
        "audit",
        "supervision",
        "staff_teams",
    }
)


def navigation(request):
    """``nav_section``: which menu entry the page belongs to, so the menu can say
    where you are."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return {"nav_section": None, "admin_sections": ADMIN_SECTIONS}
    section = SECTION_BY_VIEW.get(match.view_name)
    if section is None and match.namespaces:
        section = SECTION_BY_NAMESPACE.get(match.namespaces[0])
    return {"nav_section": section, "admin_sections": ADMIN_SECTIONS}
