"""What each role's home page offers.

The top of the page is the user's day: cards of what is due, waiting or
slipping, which the apps that keep that work provide through the HOME_PAGE
slot (``peersupport.slots``), built from the ``Card`` and ``Line`` below so
that every card reads the same on a phone. Below the day, one entry per tool;
the home page shows a section for every role a user holds, listing the tools
of that role that the user's abilities allow. Later capabilities add their
entries here.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, QuerySet, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .audit import export_record_policy
from .audit_words import DATASETS
from .policy import has_ability
from .roles import ROLE_DESCRIPTIONS, Ability, Role

# The day's cards ---------------------------------------------------------------

# A card shows this many lines at once; up to HOME_FOLDED more open under
# "and N more" (a list that long is better read on its own page, which the
# card links to when there is one).
HOME_LINES = 5
HOME_FOLDED = 45


@dataclass(frozen=True)
class Line:
    """One line of a card: what it is about, when in words, where the work is done."""

    text: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class Card:
    """A card of the day. ``total`` counts every row, ``lines`` the first ones
    loaded; ``links`` lead to the full lists (empty when none exists)."""

    key: str  # the card's heading id, unique on the page
    title: str
    lines: list[Line]
    total: int
    links: list[Line] = field(default_factory=list)

    @property
    def shown(self) -> list[Line]:
        return self.lines[:HOME_LINES]

    @property
    def folded(self) -> list[Line]:
        return self.lines[HOME_LINES:]

    @property
    def not_loaded(self) -> int:
        return self.total - len(self.lines)

    def __bool__(self) -> bool:
        # A card with nothing in it is left out of the page.
        return self.total > 0


def first_rows(rows: QuerySet[Any], limit: int = HOME_LINES + HOME_FOLDED) -> tuple[list[Any], int]:
    """The first ``limit`` rows and how many there are in all, in one query
    whatever their number (a window count rides along with each row)."""
    loaded = list(rows.annotate(home_total=Window(Count("pk")))[:limit])
    return loaded, (loaded[0].home_total if loaded else 0)


def card_of(
    key: str,
    rows: QuerySet[Any],
    *,
    title: Callable[[int], str],
    line: Callable[[Any], Line],
    links: Iterable[Line] = (),
) -> Card:
    """A card of the first rows of ``rows`` (one query), titled from their count;
    ``links`` to the full lists only when there is more than the card shows at once."""
    loaded, total = first_rows(rows)
    shown_links = list(links) if total > HOME_LINES else []
    return Card(key, title(total), [line(row) for row in loaded], total, shown_links)


def count_card(key: str, title: str | Promise, lines: Iterable[tuple[int | None, Line]]) -> Card:
    """A card of counts, one line each, leaving out the counts that are zero or
    not for this viewer (None)."""
    kept = [line for count, line in lines if count]
    return Card(key, str(title), kept, len(kept))


def ago_in_words(day: date, today: date | None = None) -> str:
    """How long ago ``day`` was, as people say it: today, yesterday, 3 days
    ago, 2 weeks ago, 4 months ago."""
    days = ((today or timezone.localdate()) - day).days
    if days <= 0:
        return gettext("today")
    if days == 1:
        return gettext("yesterday")
    if days < 14:
        return ngettext("%(count)d day ago", "%(count)d days ago", days) % {"count": days}
    if days < 60:
        weeks = days // 7
        return ngettext("%(count)d week ago", "%(count)d weeks ago", weeks) % {"count": weeks}
    if days < 730:
        months = days // 30
        return ngettext("%(count)d month ago", "%(count)d months ago", months) % {"count": months}
    years = days // 365
    return ngettext("%(count)d year ago", "%(count)d years ago", years) % {"count": years}


def until_in_words(day: date, today: date | None = None) -> str:
    """How soon ``day`` comes: today, tomorrow, in 12 days."""
    days = (day - (today or timezone.localdate())).days
    if days <= 0:
        return gettext("today")
    if days == 1:
        return gettext("tomorrow")
    return ngettext("in %(count)d day", "in %(count)d days", days) % {"count": days}


# The exports of the last days, for those who watch what leaves the product.
RECENT_EXPORT_DAYS = 14
# Where each dataset is exported from, for those who do not read the trail.
EXPORTED_FROM = {"logbook": "logbook:list", "research_encounters": "research:activity"}


def recent_exports(*, viewer: Any) -> Card:
    """Exports made in the last RECENT_EXPORT_DAYS days that ``viewer`` may see
    (``export_record_policy``), newest first."""
    since = timezone.now() - timedelta(days=RECENT_EXPORT_DAYS)
    rows = (
        export_record_policy.visible_to(viewer)
        .filter(created_at__gte=since)
        .select_related("user")
        .order_by("-created_at", "-pk")
    )
    # Those who read the trail go to it; a researcher goes back to where the
    # export was made (the logbook, or the programme's activity).
    reads_trail = has_ability(viewer, Ability.VIEW_AUDIT_TRAIL)

    def line(record: Any) -> Line:
        what = DATASETS.get(record.dataset, record.dataset)
        text = ngettext(
            "%(who)s exported %(what)s, %(count)d row",
            "%(who)s exported %(what)s, %(count)d rows",
            record.row_count,
        ) % {"who": record.user, "what": what, "count": record.row_count}
        where = "audit" if reads_trail else EXPORTED_FROM.get(record.dataset, "home")
        return Line(text, reverse(where), ago_in_words(timezone.localdate(record.created_at)))

    def title(total: int) -> str:
        return ngettext(
            "%(count)d export in the last two weeks",
            "%(count)d exports in the last two weeks",
            total,
        ) % {"count": total}

    if not export_record_policy.can(viewer, export_record_policy.Action.VIEW):
        return Card("home-exports", "", [], 0)
    return card_of("home-exports", rows, title=title, line=line)


# The tools of each role --------------------------------------------------------


@dataclass(frozen=True)
class Tool:
    title: str | Promise
    description: str | Promise
    url_name: str
    ability: Ability | None = None
    # A count of what waits there (an attribute of the ``waiting`` object the
    # HOME_PAGE slot provides); the tool is offered only to those for whom
    # that count exists.
    waiting: str | None = None

    @property
    def url(self) -> str:
        return reverse(self.url_name)


MY_PEOPLE = Tool(
    _("My people"),
    _("The people whose care team you are on; find someone already registered."),
    "clients:list",
    Ability.USE_REGISTER,
)
REGISTER = Tool(
    _("Register a person"),
    _("A name they use is enough to start."),
    "clients:create",
    Ability.USE_REGISTER,
)
PARTNERS = Tool(
    _("Community partners"),
    _("Shelters, drop-ins, clinics and services to refer people to."),
    "partners:list",
    Ability.VIEW_PARTNERS,
)

REFERRALS = Tool(
    _("Referrals"),
    _("People sent to a partner organisation, and what came of it."),
    "referrals:list",
    Ability.USE_REGISTER,
)

LOGBOOK = Tool(
    _("Implementation logbook"),
    _("Write what happened in the programme: a debriefing, a team meeting, a decision."),
    "logbook:list",
    Ability.CONTRIBUTE_LOGBOOK,
)

PROGRAMME_ACTIVITY = Tool(
    _("Programme activity"),
    _("De-identified counts of the peer work, and the pseudonymised data for analysis."),
    "research:activity",
    Ability.VIEW_PROGRAMME_STATS,
)

GROUPS = Tool(
    _("Support groups"),
    _("Groups you facilitate: record a session, who came and how many."),
    "groups:list",
    Ability.RUN_GROUPS,
)

OTHER_WORK = Tool(
    _("Meetings, supervision and training"),
    _("Log work that is not an encounter, and see your time by kind."),
    "work:list",
    Ability.LOG_WORK,
)

MY_WELLBEING = Tool(
    _("My supervision and wellbeing"),
    _("Your supervisor, your wellness action plan, a debriefing when you need one."),
    "me:profile",
    Ability.BE_SUPERVISED,
)

PEER_REQUESTS = Tool(
    _("Requests for a peer"),
    _("People a clinician would like a peer to meet; take one or assign a peer."),
    "shared:requests",
    waiting="open_peer_requests",
)

TOOLS_BY_ROLE: dict[Role, list[Tool]] = {
    Role.PEER: [
        MY_PEOPLE,
        REGISTER,
        PEER_REQUESTS,
        GROUPS,
        MY_WELLBEING,
        OTHER_WORK,
        REFERRALS,
        PARTNERS,
        LOGBOOK,
    ],
    Role.CLINICIAN: [MY_PEOPLE, REGISTER, GROUPS, REFERRALS, OTHER_WORK, PARTNERS, LOGBOOK],
    Role.RESEARCHER: [
        Tool(
            _("Implementation logbook"),
            _("Entries by stage and theme; code them, keep the codebook and the stages."),
            "logbook:list",
            Ability.KEEP_LOGBOOK,
        ),
        PROGRAMME_ACTIVITY,
        OTHER_WORK,
        PARTNERS,
    ],
    Role.COORDINATOR: [
        Tool(
            _("Programme overview"),
            _("Caseloads, encounters per week, what is overdue, partners to check."),
            "overview:index",
            Ability.VIEW_OVERVIEW,
        ),
        Tool(
            _("Supervision and onboarding"),
            _("Name each peer’s supervisor and reference persons; keep onboarding on track."),
            "supervision:peers",
            Ability.MANAGE_STAFF,
        ),
        Tool(
            _("Support groups"),
            _("The programme’s groups, their sessions and how many came."),
            "groups:list",
            Ability.SEE_ALL_CLIENTS,
        ),
        OTHER_WORK,
        Tool(
            _("People served"),
            _("The whole register: care teams, duplicates, closed files."),
            "clients:list",
            Ability.SEE_ALL_CLIENTS,
        ),
        Tool(
            _("Care team joins"),
            _("Who joined a person’s care team on their own, and why."),
            "clients:joins",
            Ability.MANAGE_CARE_TEAMS,
        ),
        PEER_REQUESTS,
        REFERRALS,
        Tool(
            _("Follow-ups per worker"),
            _("How many follow-ups each worker has open and overdue, never what they say."),
            "follow_ups:workers",
            Ability.MANAGE_CARE_TEAMS,
        ),
        Tool(
            _("Safety exceptions to review"),
            _("Every time someone opened notes for safety; review each use."),
            "emergency:queue",
            Ability.REVIEW_EMERGENCY_ACCESS,
            waiting="emergency_to_review",
        ),
        Tool(
            _("Implementation logbook"),
            _("Read how the programme is being implemented, stage by stage."),
            "logbook:list",
            Ability.READ_LOGBOOK,
        ),
        PROGRAMME_ACTIVITY,
        Tool(
            _("Community partners"),
            _("Keep the directory of partner organisations up to date."),
            "partners:list",
            Ability.MANAGE_PARTNERS,
        ),
        Tool(
            _("Accounts and roles"),
            _("Create accounts, assign roles, deactivate those who have left."),
            "accounts:list",
            Ability.MANAGE_ACCOUNTS,
        ),
        Tool(
            _("Activities"),
            _("The list of activities peers choose from when they log an encounter."),
            "activities:list",
            Ability.MANAGE_ACTIVITIES,
        ),
    ],
}

EVERYONE_TOOLS = [
    Tool(_("Change my password"), _("Choose a new password for your account."), "password_change"),
]


@dataclass(frozen=True)
class ShownTool:
    tool: Tool
    count: int | None = None  # what waits there, when the tool counts anything


@dataclass(frozen=True)
class RoleSection:
    role: Role
    description: str | Promise
    tools: list[ShownTool]


def sections_for(user: Any, waiting: Any = None) -> list[RoleSection]:
    """One section per role the user holds, in the order roles are declared.
    ``waiting`` holds the viewer's counts of waiting work, from the
    ``HOME_PAGE`` slot (``peersupport.slots``); None when no app provides them."""

    def shown(tool: Tool) -> ShownTool | None:
        if tool.ability is not None and not user.can(tool.ability):
            return None
        if tool.waiting is None:
            return ShownTool(tool)
        count = getattr(waiting, tool.waiting, None)
        return None if count is None else ShownTool(tool, count)

    return [
        RoleSection(
            role=role,
            description=ROLE_DESCRIPTIONS[role],
            tools=[entry for entry in map(shown, TOOLS_BY_ROLE[role]) if entry is not None],
        )
        for role in user.sorted_roles()
    ]
