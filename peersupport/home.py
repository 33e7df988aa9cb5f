"""What each role's home page offers.

One entry per tool; the home page shows a section for every role a user
holds, listing the tools of that role that the user's abilities allow. Later
capabilities add their entries here.
"""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .roles import ROLE_DESCRIPTIONS, Ability, Role


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

PEER_REQUESTS = Tool(
    _("Requests for a peer"),
    _("People a clinician would like a peer to meet; take one or assign a peer."),
    "shared:requests",
    waiting="open_peer_requests",
)

TOOLS_BY_ROLE: dict[Role, list[Tool]] = {
    Role.PEER: [MY_PEOPLE, REGISTER, PEER_REQUESTS, PARTNERS, LOGBOOK],
    Role.CLINICIAN: [MY_PEOPLE, REGISTER, PARTNERS, LOGBOOK],
    Role.RESEARCHER: [
        Tool(
            _("Implementation logbook"),
            _("Entries by stage and theme; code them, keep the codebook and the stages."),
            "logbook:list",
            Ability.KEEP_LOGBOOK,
        ),
        PROGRAMME_ACTIVITY,
        PARTNERS,
    ],
    Role.COORDINATOR: [
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
