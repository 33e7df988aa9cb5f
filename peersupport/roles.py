"""Roles and what they allow: the one place that maps the two.

The rest of the code asks ``user.can(Ability.X)``; it never tests role names,
so a role can gain or lose an ability here without touching views or templates.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PEER = "peer", _("Peer support worker")
    CLINICIAN = "clinician", _("Clinician")
    RESEARCHER = "researcher", _("Researcher")
    COORDINATOR = "coordinator", _("Coordinator")


class Ability(StrEnum):
    """Something a user may do in the product, independent of any one record."""

    MANAGE_ACCOUNTS = "manage_accounts"
    VIEW_AUDIT_TRAIL = "view_audit_trail"
    # The register of people served (clients app).
    USE_REGISTER = "use_register"
    SEE_ALL_CLIENTS = "see_all_clients"
    JOIN_CARE_TEAMS = "join_care_teams"
    MANAGE_CARE_TEAMS = "manage_care_teams"
    MERGE_CLIENTS = "merge_clients"
    # Encounters and notes (interventions app).
    REQUEST_PEER = "request_peer"
    TAKE_PEER_REQUESTS = "take_peer_requests"
    MANAGE_ACTIVITIES = "manage_activities"
    REVIEW_EMERGENCY_ACCESS = "review_emergency_access"
    # The implementation logbook (logbook app).
    CONTRIBUTE_LOGBOOK = "contribute_logbook"
    READ_LOGBOOK = "read_logbook"
    KEEP_LOGBOOK = "keep_logbook"
    VIEW_PROGRAMME_STATS = "view_programme_stats"
    # The directory of community partners.
    VIEW_PARTNERS = "view_partners"
    MANAGE_PARTNERS = "manage_partners"
    # Say whether a partner is open, reduced or closed (partners app).
    UPDATE_PARTNER_STATUS = "update_partner_status"
    # Support groups (groups app): run one and record its sessions.
    RUN_GROUPS = "run_groups"
    # The programme's staff (staff app): log work that is not an encounter.
    LOG_WORK = "log_work"
    # Be supervised: a supervisor, reference persons, a wellness action plan,
    # debriefings asked for, time counted by kind, an onboarding checklist.
    BE_SUPERVISED = "be_supervised"
    # Name supervisors and reference persons, keep onboarding checklists,
    # staff teams and the declarations of dual relationships.
    MANAGE_STAFF = "manage_staff"
    # The coordinator's overview of the whole programme (overview app).
    VIEW_OVERVIEW = "view_overview"


_FIELD_WORK = frozenset(
    {
        Ability.USE_REGISTER,
        Ability.JOIN_CARE_TEAMS,
        Ability.VIEW_PARTNERS,
        Ability.CONTRIBUTE_LOGBOOK,
        Ability.UPDATE_PARTNER_STATUS,
        Ability.RUN_GROUPS,
        Ability.LOG_WORK,
    }
)

ABILITIES_BY_ROLE: dict[Role, frozenset[Ability]] = {
    Role.PEER: _FIELD_WORK | {Ability.TAKE_PEER_REQUESTS, Ability.BE_SUPERVISED},
    Role.CLINICIAN: _FIELD_WORK | {Ability.REQUEST_PEER},
    # Researchers study the programme, never the people: no register at all.
    Role.RESEARCHER: frozenset(
        {
            Ability.VIEW_PARTNERS,
            Ability.CONTRIBUTE_LOGBOOK,
            Ability.READ_LOGBOOK,
            Ability.KEEP_LOGBOOK,
            Ability.VIEW_PROGRAMME_STATS,
            Ability.LOG_WORK,
        }
    ),
    Role.COORDINATOR: frozenset(
        {
            Ability.MANAGE_ACCOUNTS,
            Ability.VIEW_AUDIT_TRAIL,
            Ability.USE_REGISTER,
            Ability.SEE_ALL_CLIENTS,
            Ability.MANAGE_CARE_TEAMS,
            Ability.MERGE_CLIENTS,
            Ability.VIEW_PARTNERS,
            Ability.MANAGE_PARTNERS,
            Ability.REVIEW_EMERGENCY_ACCESS,
            Ability.MANAGE_ACTIVITIES,
            Ability.READ_LOGBOOK,
            Ability.VIEW_PROGRAMME_STATS,
            Ability.UPDATE_PARTNER_STATUS,
            Ability.LOG_WORK,
            Ability.MANAGE_STAFF,
            Ability.VIEW_OVERVIEW,
        }
    ),
}

ROLE_DESCRIPTIONS: dict[Role, str] = {
    Role.PEER: _(
        "Meets people in the clinic and in the community, logs encounters and "
        "keeps confidential notes."
    ),
    Role.CLINICIAN: _(
        "Works with peers on shared cases and reads the notes peers choose to share."
    ),
    Role.RESEARCHER: _(
        "Keeps the implementation logbook and studies the programme, never the people it serves."
    ),
    Role.COORDINATOR: _("Runs accounts, roles, teams and the audit trail."),
}


def abilities_for(roles) -> frozenset[Ability]:
    """Everything the given roles allow together."""
    granted: set[Ability] = set()
    for role in roles:
        granted |= ABILITIES_BY_ROLE[Role(role)]
    return frozenset(granted)


def roles_with(ability: Ability) -> list[Role]:
    """The roles that allow ``ability`` (for "who may do this" queries)."""
    return [role for role in Role if ability in ABILITIES_BY_ROLE[role]]
