"""The register's part of the viewer's day on the home page: the people on
their care teams not seen for a while, and the consents about to expire.
Every read starts from ``client_policy`` (clients/access.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, DateField, F, Q, QuerySet, Sum, Value, When, Window
from django.db.models.functions import Least
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext

from peersupport import kept_counts
from peersupport.home import (
    HOME_LINES,
    Card,
    Line,
    ago_in_words,
    card_of,
    first_rows,
    until_in_words,
)
from peersupport.roles import Ability

from . import consent
from .access import client_policy, newest_decisions_in_state, with_newest_decisions
from .choices import ConsentState, Purpose
from .models import Client

# A date later than any expiry, so that the soonest one wins in SQL on every
# database (LEAST skips NULLs on PostgreSQL, SQLite's MIN() does not).
_NEVER = date(9999, 12, 31)


def _on_my_teams(viewer: Any) -> QuerySet[Client]:
    """Open files of the people on the viewer's care teams today. A member has
    one current membership per person (a constraint), so the join repeats no one."""
    return client_policy.visible_to(viewer).filter(
        memberships__member=viewer, memberships__left_on__isnull=True, closed_on__isnull=True
    )


def _works_on_teams(viewer: Any) -> bool:
    return client_policy.can(viewer, client_policy.Action.VIEW) and viewer.can(
        Ability.JOIN_CARE_TEAMS
    )


def _person_url(client: Client, section: str = "") -> str:
    return reverse("clients:detail", args=[client.pk]) + section


def not_seen(*, viewer: Any, days: int | None = None, today: date | None = None) -> Card:
    """People on the viewer's care teams whose last contact is older than
    ``days`` (``PEOPLE_NOT_SEEN_DAYS``), those unseen longest first."""
    days = settings.PEOPLE_NOT_SEEN_DAYS if days is None else days
    today = today or timezone.localdate()

    def title(total: int) -> str:
        return ngettext(
            "%(count)d person not seen for %(days)d days",
            "%(count)d people not seen for %(days)d days",
            total,
        ) % {"count": total, "days": days}

    if not _works_on_teams(viewer):
        return Card("home-not-seen", "", [], 0)
    people = (
        _on_my_teams(viewer)
        .filter(last_contact_on__lt=today - timedelta(days=days))
        .order_by("last_contact_on", "pk")
    )

    def line(person: Client) -> Line:
        seen = ago_in_words(person.last_contact_on, today)
        return Line(
            str(person), _person_url(person), gettext("last seen %(when)s") % {"when": seen}
        )

    return card_of(
        "home-not-seen",
        people,
        title=title,
        line=line,
        links=[Line(gettext("All my people"), reverse("clients:list"))],
    )


def _expiring(purpose: Purpose, today: date) -> Q:
    return consent.state_filter(purpose, ConsentState.EXPIRING_SOON, today)


def _with_expiring_consents(people: QuerySet[Client], today: date) -> QuerySet[Client]:
    """Only the people with a consent expiring within EXPIRING_SOON_DAYS, each
    annotated with their newest decisions and the soonest such expiry."""
    people = with_newest_decisions(people)
    soonest = [
        Case(
            When(_expiring(purpose, today), then=F(consent.expiry_field(purpose))),
            default=Value(_NEVER),
            output_field=DateField(),
        )
        for purpose in Purpose
    ]
    anyone = Q()
    for purpose in Purpose:
        anyone |= _expiring(purpose, today)
    return people.filter(anyone).annotate(soonest_expiry=Least(*soonest))


def _full_list_links(counts: dict[str, int]) -> list[Line]:
    """One link per purpose to the register's list of the people whose consent
    for it is expiring (the list's own filter), with how many they are."""
    links = []
    for purpose in Purpose:
        count = counts.get(purpose.value) or 0
        if count:
            query = urlencode(
                {"consent_purpose": purpose.value, "consent_state": ConsentState.EXPIRING_SOON}
            )
            links.append(
                Line(
                    ngettext(
                        "%(count)d expiring: %(purpose)s",
                        "%(count)d expiring: %(purpose)s",
                        count,
                    )
                    % {"count": count, "purpose": purpose.label},
                    f"{reverse('clients:list')}?{query}",
                )
            )
    return links


def _per_purpose(today: date) -> dict[str, Any]:
    """How many of the rows have a consent for each purpose expiring, as window
    sums riding along with each row (no query of their own)."""
    return {
        f"expiring_{purpose.value}": Window(
            Sum(Case(When(_expiring(purpose, today), then=Value(1)), default=Value(0)))
        )
        for purpose in Purpose
    }


def consents_expiring(*, viewer: Any, today: date | None = None) -> Card:
    """People on the viewer's care teams with a consent expiring within
    ``consent.EXPIRING_SOON_DAYS`` days, soonest first, each line linking to the
    person's consent section; below, when there are more than the card shows at
    once, the register's lists per purpose. One query whatever their number."""
    today = today or timezone.localdate()

    def title(total: int) -> str:
        return ngettext(
            "%(count)d person’s consent ends within %(days)d days",
            "%(count)d people’s consents end within %(days)d days",
            total,
        ) % {"count": total, "days": consent.EXPIRING_SOON_DAYS}

    if not _works_on_teams(viewer):
        return Card("home-consents", "", [], 0)
    people = _with_expiring_consents(_on_my_teams(viewer), today)

    def line(person: Client) -> Line:
        states = consent.states_of(person, today)
        ending = sorted(
            (getattr(person, consent.expiry_field(purpose)), purpose.label)
            for purpose, state in states.items()
            if state == ConsentState.EXPIRING_SOON
        )
        detail = "; ".join(
            gettext("%(purpose)s ends %(when)s")
            % {"purpose": label, "when": until_in_words(expires, today)}
            for expires, label in ending
        )
        return Line(str(person), _person_url(person, "#consent-heading"), detail)

    rows = people.annotate(**_per_purpose(today)).order_by("soonest_expiry", "search_text", "pk")
    loaded, total = first_rows(rows)
    links = []
    if total > HOME_LINES:
        # More than the card shows at once: the register's lists hold them all.
        links = _full_list_links(
            {purpose.value: getattr(loaded[0], f"expiring_{purpose.value}") for purpose in Purpose}
        )
    return Card("home-consents", title(total), [line(person) for person in loaded], total, links)


def consents_expiring_everywhere(*, viewer: Any, today: date | None = None) -> Card:
    """For those who see the whole register: how many people's consents expire
    within ``consent.EXPIRING_SOON_DAYS`` days, per purpose, each count linking
    to the register's list. One query, then none for ``KEPT_COUNTS_SECONDS``."""
    today = today or timezone.localdate()
    if not (
        client_policy.can(viewer, client_policy.Action.VIEW) and viewer.can(Ability.SEE_ALL_CLIENTS)
    ):
        return Card("home-consents-everywhere", "", [], 0)

    def count() -> dict[str, int]:
        expiring = newest_decisions_in_state(viewer, ConsentState.EXPIRING_SOON, today).filter(
            client__closed_on__isnull=True
        )
        per_purpose = expiring.order_by().values("purpose").annotate(n=Count("pk"))
        return dict(per_purpose.values_list("purpose", "n"))

    # Thousands of decisions at a regional scale: counted once and kept a few
    # minutes, as the overview's figures (peersupport.kept_counts).
    counts = kept_counts.kept("consents-everywhere", viewer, count, parts=(today,))
    lines = _full_list_links(counts)
    title = ngettext(
        "Consent ending within %(days)d day, programme-wide",
        "Consents ending within %(days)d days, programme-wide",
        consent.EXPIRING_SOON_DAYS,
    ) % {"days": consent.EXPIRING_SOON_DAYS}
    return Card("home-consents-everywhere", title, lines, len(lines))
