"""What the register adds to the pages of the core (peersupport.slots): the
viewer's people on the home page."""

from typing import Any

from django.http import HttpRequest

from . import today

# Where the register's cards go on the home page, by region of that page.
HOME_PAGE_TEMPLATES = {
    "today": "clients/home/today.html",
    "work": "clients/home/work.html",
}


def home_page(request: HttpRequest) -> dict[str, Any]:
    """The people on the viewer's care teams not seen for a while and those whose
    consent is about to expire; programme-wide expiring consents for those who
    see the whole register."""
    user = request.user
    return {
        "clients_home_not_seen": today.not_seen(viewer=user),
        "clients_home_consents": today.consents_expiring(viewer=user),
        "clients_home_consents_everywhere": today.consents_expiring_everywhere(viewer=user),
    }
