"""Every URL the project declares, requested by every persona.

Two promises, both checked by walking Django's URL resolver:

- completeness: each named URL has one row in ``MATRIX`` below, and every row
  names a URL that exists. A new view therefore cannot ship without someone
  deciding, persona by persona, what it answers;
- the answers: each persona's GET of each URL gets the status its row says.
  404 is what a page someone may not see answers (exactly like a page that
  does not exist), 403 is for a record they may see but not change that way,
  405 for a URL that only takes POST, and an anonymous visitor is sent to sign
  in (``LOGIN``).

The personas, and the records the URLs point at (``world``):
- ``peer`` and ``clinician`` are on the care team of ``person``, who agreed to
  sharing with the care team; ``other_clinician`` is on someone else's team;
- ``researcher`` and ``coordinator`` hold those roles only;
- the peer wrote a signed note shared with the care team, a draft, an
  encounter and a logbook entry; the clinician used the safety exception
  (now over) and asked for a peer for the person.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from clients.models import Client, Consent
from interventions.models import (
    Activity,
    EmergencyAccess,
    Encounter,
    Note,
    Notification,
    PeerRequest,
)
from logbook.models import Entry, Stage, Theme
from tests.factories import ClientFactory, put_on_team

PERSONAS = ("anonymous", "peer", "clinician", "other_clinician", "researcher", "coordinator")
# Sent to a sign-in page: the site's, or the admin's for /admin/.
LOGIN = "login"


@dataclass(frozen=True)
class Url:
    """One row of the matrix: the URL's arguments, and what each persona's GET gets."""

    kwargs: Callable[["World"], dict[str, Any]] | None
    anonymous: int | str
    peer: int | str
    clinician: int | str
    other_clinician: int | str
    researcher: int | str
    coordinator: int | str
    query: dict[str, str] = field(default_factory=dict)

    def expected(self) -> dict[str, int | str]:
        return {persona: getattr(self, persona) for persona in PERSONAS}


def _pk(attribute):
    def kwargs(world):
        return {"pk": getattr(world, attribute).pk}

    return kwargs


def _person(world):
    return {"pk": world.person.pk}


def _client_pk(world):
    return {"client_pk": world.person.pk}


def _consent(world):
    return {"pk": world.person.pk, "purpose": "care_team_sharing"}


def _membership(world):
    return {"pk": world.person.pk, "membership_pk": world.membership.pk}


def _referral(world):
    """A referral of the person to the world's partner (made the first time it is asked)."""
    from referrals.models import Referral, ReferralStatusChange

    referral = Referral.objects.filter(client=world.person).first()
    if referral is None:
        referral = Referral.objects.create(
            client=world.person,
            partner=world.partner,
            reason="Needs a bed for the winter.",
            created_by=world.users["peer"],
        )
        ReferralStatusChange.objects.create(
            referral=referral, status="proposed", changed_by=world.users["peer"]
        )
    return {"pk": referral.pk}


def _account(world):
    return {"pk": world.users["peer"].pk}


def _app_label(world):
    return {"app_label": "clients"}


def _site_object(world):
    return {
        "content_type_id": ContentType.objects.get_for_model(world.person).pk,
        "object_id": str(world.person.pk),
    }


def _object_id(world):
    return {"object_id": str(world.person.pk)}


def _user_id(world):
    return {"id": str(world.users["peer"].pk)}


def _random_secret(world):
    # No feed has this address: it is a guess, and a guess finds nothing.
    return {"secret": secrets.token_urlsafe(32)}


def _admin(kwargs=None):
    """A page of the admin: no persona is staff, so it sends every one to its sign-in."""
    return Url(kwargs, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN)


def _admin_model(app_label, model):
    """The five pages the admin declares for one registered model."""
    prefix = f"admin:{app_label}_{model}"
    return {
        f"{prefix}_changelist": _admin(),
        f"{prefix}_add": _admin(),
        f"{prefix}_change": _admin(_object_id),
        f"{prefix}_delete": _admin(_object_id),
        f"{prefix}_history": _admin(_object_id),
    }


def _follow_up(world, accompaniment=False):
    """A follow-up (or an accompaniment) the peer promised about the person,
    made the first time a row asks for it."""
    from agenda.models import AccompanimentKind, FollowUp

    attribute = "_matrix_accompaniment" if accompaniment else "_matrix_follow_up"
    if not hasattr(world, attribute):
        kind = _kind(world)["pk"] if accompaniment else None
        made = FollowUp.objects.create(
            client=world.person,
            what="Call the housing office back.",
            due_on=timezone.localdate(),
            due_time=timezone.localtime().time().replace(microsecond=0) if kind else None,
            assigned_to=world.users["peer"],
            created_by=world.users["peer"],
            kind=AccompanimentKind.objects.get(pk=kind) if kind else None,
        )
        setattr(world, attribute, made)
    return {"pk": getattr(world, attribute).pk}


def _accompaniment(world):
    return _follow_up(world, accompaniment=True)


def _kind(world):
    from agenda.models import AccompanimentKind

    kind, _ = AccompanimentKind.objects.get_or_create(
        name_en="Court (matrix)", defaults={"name_fr": "Tribunal (matrice)"}
    )
    return {"pk": kind.pk}


def _people_peer(world):
    return {"peer_pk": world.users["peer"].pk}


def _people_backing(world):
    """The clinician supervises the peer (made the first time a row asks)."""
    from staff.models import Backing

    backing, _ = Backing.objects.get_or_create(
        peer=world.users["peer"],
        backer=world.users["clinician"],
        defaults={"role": "supervisor", "set_by": world.users["coordinator"]},
    )
    return {"pk": backing.pk}


def _people_shared_plan(world):
    """The peer's wellness plan, shared with their supervisor, the clinician."""
    from staff.models import WellnessPlan

    _people_backing(world)
    WellnessPlan.objects.get_or_create(
        peer=world.users["peer"],
        defaults={
            "when_well": "Walks by the canal.",
            "early_signs": "Stops answering the phone.",
            "what_helps": "A day off.",
            "who_to_call": "A sister.",
            "shared_with_supervisor": True,
        },
    )
    return {"peer_pk": world.users["peer"].pk}


def _people_item(world):
    from staff.models import OnboardingItem

    item, _ = OnboardingItem.objects.get_or_create(
        peer=world.users["peer"],
        step="office",
        defaults={"due_on": timezone.localdate(), "created_by": world.users["coordinator"]},
    )
    return {"pk": item.pk}


def _people_declaration(world):
    from clients.models import DualRelationship

    declaration, _ = DualRelationship.objects.get_or_create(
        user=world.users["peer"], defaults={"details": "Came in 2015."}
    )
    return {"pk": declaration.pk}


def _people_team(world):
    from peersupport.models import StaffTeam

    team, _ = StaffTeam.objects.get_or_create(name="Street team (matrix)")
    return {"pk": team.pk}


def _group_session(world):
    """A group the peer facilitates, and a session of it yesterday that the
    person came to (made the first time a row asks for them)."""
    from groups.models import GroupAttendance, GroupSession, SupportGroup

    if not hasattr(world, "_matrix_group_session"):
        group = SupportGroup.objects.create(
            name="Entre pairs (matrix)", created_by=world.users["peer"]
        )
        group.facilitators.set([world.users["peer"]])
        session = GroupSession.objects.create(
            group=group,
            held_on=timezone.localdate() - timedelta(days=1),
            topic="Sleep",
            anonymous_count=3,
            note="Calm session.",
            recorded_by=world.users["peer"],
        )
        attendance = GroupAttendance.objects.create(
            session=session, client=world.person, recorded_by=world.users["peer"]
        )
        world._matrix_group_session = (group, session, attendance)
    return world._matrix_group_session


def _group(world):
    return {"pk": _group_session(world)[0].pk}


def _session(world):
    return {"pk": _group_session(world)[1].pk}


def _attendance(world):
    _, session, attendance = _group_session(world)
    return {"pk": session.pk, "attendance_pk": attendance.pk}


def _work_activity(world):
    """A meeting the peer logged, the clinician among who was there (made the
    first time a row asks for it)."""
    from staff.models import WorkActivity

    if not hasattr(world, "_matrix_work"):
        made = WorkActivity.objects.create(
            kind="meeting",
            occurred_on=timezone.localdate(),
            duration_minutes=60,
            author=world.users["peer"],
            note="Agreed on the rota.",
        )
        made.attendees.set([world.users["peer"], world.users["clinician"]])
        world._matrix_work = made
    return {"pk": world._matrix_work.pk}


def _debriefing_request(world):
    """A debriefing the peer asked of the clinician, as their supervisor then."""
    from staff.models import DebriefingRequest

    if not hasattr(world, "_matrix_debriefing"):
        world._matrix_debriefing = DebriefingRequest.objects.create(
            peer=world.users["peer"], supervisor=world.users["clinician"]
        )
    return {"pk": world._matrix_debriefing.pk}


# Columns: anonymous, peer, clinician (on the team), other_clinician (off it),
# researcher, coordinator.
MATRIX: dict[str, Url] = {
    # The core: home page, signing in and out, language, health.
    "home": Url(None, LOGIN, 200, 200, 200, 200, 200),
    "login": Url(None, 200, 302, 302, 302, 302, 302),
    "logout": Url(None, LOGIN, 405, 405, 405, 405, 405),
    "password_change": Url(None, LOGIN, 200, 200, 200, 200, 200),
    "own_account": Url(None, LOGIN, 200, 200, 200, 200, 200),
    "set_language": Url(None, 302, 302, 302, 302, 302, 302),
    "healthz": Url(None, 200, 200, 200, 200, 200, 200),
    # What is left of one's own session (session.js asks it); POST renews it.
    "session": Url(None, LOGIN, 200, 200, 200, 200, 200),
    # Two-factor sign-in, for one's own account. Nobody here has an app set up:
    # there is no code to ask (sent on), no recovery code to show (sent to set up).
    "two_factor_verify": Url(None, LOGIN, 302, 302, 302, 302, 302),
    "two_factor_setup": Url(None, LOGIN, 200, 200, 200, 200, 200),
    "two_factor_recovery_codes": Url(None, LOGIN, 302, 302, 302, 302, 302),
    # Accounts (coordinators).
    "accounts:list": Url(None, LOGIN, 404, 404, 404, 404, 200),
    "accounts:create": Url(None, LOGIN, 404, 404, 404, 404, 200),
    "accounts:detail": Url(_account, LOGIN, 404, 404, 404, 404, 200),
    "accounts:edit": Url(_account, LOGIN, 404, 404, 404, 404, 200),
    "accounts:password": Url(_account, LOGIN, 404, 404, 404, 404, 200),
    "accounts:deactivate": Url(_account, LOGIN, 404, 404, 404, 404, 405),
    "accounts:reactivate": Url(_account, LOGIN, 404, 404, 404, 404, 405),
    "accounts:two_factor_reset": Url(_account, LOGIN, 404, 404, 404, 404, 200),
    # The audit trail and the review of the safety exception.
    "audit": Url(None, LOGIN, 404, 404, 404, 404, 200),
    "audit_sign_ins": Url(None, LOGIN, 404, 404, 404, 404, 200),
    "emergency:queue": Url(None, LOGIN, 404, 404, 404, 404, 200),
    "emergency:review": Url(_pk("emergency"), LOGIN, 405, 405, 405, 404, 405),
    "emergency:disclosure": Url(_pk("emergency"), LOGIN, 404, 200, 404, 404, 200),
    # The partner directory.
    "partners:list": Url(None, LOGIN, 200, 200, 200, 200, 200),
    "partners:detail": Url(_pk("partner"), LOGIN, 200, 200, 200, 200, 200),
    "partners:create": Url(None, LOGIN, 404, 404, 404, 404, 200),
    "partners:edit": Url(_pk("partner"), LOGIN, 404, 404, 404, 404, 200),
    # Field workers and coordinators say whether a partner is open; researchers only read it.
    "partners:status": Url(_pk("partner"), LOGIN, 200, 200, 200, 404, 200),
    # The register.
    "clients:list": Url(None, LOGIN, 200, 200, 200, 404, 200),
    "clients:create": Url(None, LOGIN, 200, 200, 200, 404, 200),
    "clients:joins": Url(None, LOGIN, 404, 404, 404, 404, 200),
    "clients:detail": Url(_person, LOGIN, 200, 200, 404, 404, 200),
    "clients:edit": Url(_person, LOGIN, 200, 200, 404, 404, 200),
    "clients:situation": Url(_person, LOGIN, 200, 200, 404, 404, 200),
    "clients:consent_add": Url(_person, LOGIN, 200, 200, 404, 404, 200),
    "clients:consent_withdraw": Url(_consent, LOGIN, 405, 405, 405, 404, 405),
    "clients:close": Url(_person, LOGIN, 200, 200, 404, 404, 200),
    "clients:reopen": Url(_person, LOGIN, 405, 405, 405, 404, 405),
    "clients:team": Url(_person, LOGIN, 403, 403, 404, 404, 200),
    "clients:team_end": Url(_membership, LOGIN, 405, 405, 405, 404, 405),
    "clients:merge": Url(_person, LOGIN, 403, 403, 404, 404, 200),
    # Found by a search for their name: only those off the team may join it.
    "clients:join": Url(_person, LOGIN, 404, 404, 200, 404, 404, query={"q": "Hélène"}),
    "safety:open": Url(_person, LOGIN, 403, 200, 404, 404, 200),
    # Encounters, notes, the shared feed, requests for a peer, notifications.
    "encounters:new": Url(None, LOGIN, 200, 200, 200, 404, 404),
    "encounters:detail": Url(_pk("encounter"), LOGIN, 200, 200, 404, 404, 200),
    "notes:new": Url(_client_pk, LOGIN, 200, 200, 404, 404, 404),
    "notes:detail": Url(_pk("note"), LOGIN, 200, 200, 404, 404, 404),
    "notes:save": Url(_pk("draft"), LOGIN, 405, 405, 405, 404, 405),
    "notes:addendum": Url(_pk("note"), LOGIN, 405, 405, 405, 404, 405),
    "notes:audience": Url(_pk("note"), LOGIN, 405, 405, 405, 404, 405),
    "shared:feed": Url(None, LOGIN, 200, 200, 200, 404, 404),
    "shared:conversation": Url(_pk("note"), LOGIN, 200, 200, 404, 404, 404),
    "shared:requests": Url(None, LOGIN, 200, 404, 404, 404, 200),
    "shared:request_new": Url(_client_pk, LOGIN, 404, 200, 404, 404, 404),
    "shared:fulfil": Url(_pk("peer_request"), LOGIN, 405, 405, 405, 404, 405),
    "notifications:list": Url(None, LOGIN, 200, 200, 200, 200, 200),
    # Referrals: the care team's; coordinators see that they exist, never why.
    "referrals:list": Url(None, LOGIN, 200, 200, 200, 404, 200),
    "referrals:new": Url(_client_pk, LOGIN, 200, 200, 404, 404, 404),
    "referrals:detail": Url(_referral, LOGIN, 200, 200, 404, 404, 200),
    "referrals:status": Url(_referral, LOGIN, 200, 200, 404, 404, 403),
    # The calendar feed: its settings for those who may list follow-ups; the
    # feed itself opens without signing in, by its secret alone.
    "calendar:settings": Url(None, LOGIN, 200, 200, 200, 404, 404),
    "calendar:turn_on": Url(None, LOGIN, 405, 405, 405, 404, 404),
    "calendar:reset": Url(None, LOGIN, 405, 405, 405, 404, 404),
    "calendar:turn_off": Url(None, LOGIN, 405, 405, 405, 404, 404),
    "calendar:feed": Url(_random_secret, 404, 404, 404, 404, 404, 404),
    "activities:list": Url(None, LOGIN, 404, 404, 404, 404, 200),
    "activities:create": Url(None, LOGIN, 404, 404, 404, 404, 200),
    "activities:edit": Url(_pk("activity"), LOGIN, 404, 404, 404, 404, 200),
    "activities:retire": Url(_pk("activity"), LOGIN, 404, 404, 404, 404, 405),
    "activities:restore": Url(_pk("activity"), LOGIN, 404, 404, 404, 404, 405),
    # Follow-ups and accompaniments: the person's care team; coordinators count
    # them per worker and keep the kinds, never reading one.
    "follow_ups:list": Url(None, LOGIN, 200, 200, 200, 404, 404),
    "follow_ups:new": Url(None, LOGIN, 200, 200, 200, 404, 404),
    "follow_ups:workers": Url(None, LOGIN, 404, 404, 404, 404, 200),
    "follow_ups:detail": Url(_follow_up, LOGIN, 200, 200, 404, 404, 404),
    "follow_ups:edit": Url(_follow_up, LOGIN, 200, 200, 404, 404, 404),
    "follow_ups:done": Url(_follow_up, LOGIN, 200, 200, 404, 404, 404),
    "follow_ups:cancel": Url(_follow_up, LOGIN, 405, 405, 405, 404, 404),
    "follow_ups:encounter": Url(_accompaniment, LOGIN, 200, 200, 404, 404, 404),
    "follow_ups:kinds": Url(None, LOGIN, 404, 404, 404, 404, 200),
    "follow_ups:kind_create": Url(None, LOGIN, 404, 404, 404, 404, 200),
    "follow_ups:kind_edit": Url(_kind, LOGIN, 404, 404, 404, 404, 200),
    "follow_ups:kind_retire": Url(_kind, LOGIN, 404, 404, 404, 404, 405),
    "follow_ups:kind_restore": Url(_kind, LOGIN, 404, 404, 404, 404, 405),
    # Work that is not an encounter: whoever was there; a debriefing request,
    # the peer who asked and the supervisor asked (the clinician here).
    "work:list": Url(None, LOGIN, 200, 200, 200, 200, 200),
    "work:create": Url(None, LOGIN, 200, 200, 200, 200, 200),
    "work:detail": Url(_work_activity, LOGIN, 200, 200, 404, 404, 404),
    "work:edit": Url(_work_activity, LOGIN, 200, 403, 404, 404, 404),
    "work:time": Url(None, LOGIN, 200, 200, 200, 200, 200),
    "work:debriefings": Url(None, LOGIN, 200, 200, 200, 200, 200),
    "work:debriefing_ask": Url(None, LOGIN, 405, 405, 405, 405, 405),
    "work:debriefing_hold": Url(_debriefing_request, LOGIN, 403, 200, 404, 404, 404),
    "work:debriefing_withdraw": Url(_debriefing_request, LOGIN, 405, 405, 405, 405, 405),
    # The implementation logbook and the research screens.
    "logbook:list": Url(None, LOGIN, 200, 200, 200, 200, 200),
    "logbook:new": Url(None, LOGIN, 200, 200, 200, 200, 404),
    "logbook:detail": Url(_pk("entry"), LOGIN, 200, 404, 404, 200, 200),
    "logbook:edit": Url(_pk("entry"), LOGIN, 200, 404, 404, 200, 403),
    "logbook:delete": Url(_pk("entry"), LOGIN, 405, 405, 405, 405, 405),
    "logbook:restore": Url(_pk("entry"), LOGIN, 405, 405, 405, 405, 405),
    "logbook:export": Url(None, LOGIN, 404, 404, 404, 200, 200),
    "logbook:matrix": Url(None, LOGIN, 200, 200, 200, 200, 200),
    "logbook:timeline": Url(None, LOGIN, 200, 200, 200, 200, 200),
    "logbook:codebook": Url(None, LOGIN, 200, 200, 200, 200, 200),
    "logbook:theme_new": Url(None, LOGIN, 404, 404, 404, 200, 404),
    "logbook:theme_edit": Url(_pk("theme"), LOGIN, 404, 404, 404, 200, 404),
    "logbook:theme_merge": Url(_pk("theme"), LOGIN, 405, 405, 405, 405, 405),
    "logbook:stages": Url(None, LOGIN, 200, 200, 200, 200, 200),
    "logbook:stage_new": Url(None, LOGIN, 404, 404, 404, 200, 404),
    "logbook:stage_edit": Url(_pk("stage"), LOGIN, 404, 404, 404, 200, 404),
    "research:activity": Url(None, LOGIN, 404, 404, 404, 200, 200),
    "research:export": Url(None, LOGIN, 404, 404, 404, 200, 200),
    # Support groups: seen by those who work with people; changed and recorded
    # by their facilitators (here the peer); researchers study counts only.
    "groups:list": Url(None, LOGIN, 200, 200, 200, 404, 200),
    "groups:create": Url(None, LOGIN, 200, 200, 200, 404, 404),
    "groups:detail": Url(_group, LOGIN, 200, 200, 200, 404, 200),
    "groups:edit": Url(_group, LOGIN, 200, 403, 403, 404, 403),
    "groups:session_create": Url(_group, LOGIN, 200, 403, 403, 404, 403),
    "groups:session_detail": Url(_session, LOGIN, 200, 200, 200, 404, 200),
    "groups:session_edit": Url(_session, LOGIN, 200, 403, 403, 404, 403),
    "groups:session_cancel": Url(_session, LOGIN, 405, 405, 405, 404, 405),
    "groups:attendance_remove": Url(_attendance, LOGIN, 405, 405, 405, 404, 405),
    # The coordinator's overview: counts, never content, for coordinators only.
    "overview:index": Url(None, LOGIN, 404, 404, 404, 404, 200),
    "overview:workers": Url(None, LOGIN, 404, 404, 404, 404, 200),
    # A peer's own page, wellness plan and declaration; the plan shared with
    # their supervisor (the clinician) and nobody else, coordinators included.
    "me:profile": Url(None, LOGIN, 200, 404, 404, 404, 404),
    # The peer of the world keeps no plan yet: reading it sends them to write it.
    "me:wellness": Url(None, LOGIN, 302, 404, 404, 404, 404),
    "me:wellness_edit": Url(None, LOGIN, 200, 404, 404, 404, 404),
    "me:wellness_history": Url(None, LOGIN, 302, 404, 404, 404, 404),
    "me:wellness_shared": Url(_people_shared_plan, LOGIN, 302, 200, 404, 404, 404),
    "me:declare": Url(None, LOGIN, 200, 404, 404, 404, 404),
    # What coordinators keep about the staff.
    "supervision:peers": Url(None, LOGIN, 404, 404, 404, 404, 200),
    "supervision:backing_create": Url(_people_peer, LOGIN, 404, 404, 404, 404, 200),
    "supervision:backing_end": Url(_people_backing, LOGIN, 404, 404, 404, 404, 405),
    "supervision:onboarding": Url(_people_peer, LOGIN, 404, 404, 404, 404, 200),
    "supervision:onboarding_start": Url(_people_peer, LOGIN, 404, 404, 404, 404, 405),
    "supervision:onboarding_edit": Url(_people_item, LOGIN, 404, 404, 404, 404, 200),
    "supervision:onboarding_done": Url(_people_item, LOGIN, 404, 404, 404, 404, 200),
    "supervision:declarations": Url(None, LOGIN, 404, 404, 404, 404, 200),
    "supervision:declaration_link": Url(_people_declaration, LOGIN, 404, 404, 404, 404, 200),
    "supervision:teams": Url(None, LOGIN, 404, 404, 404, 404, 200),
    "supervision:team_create": Url(None, LOGIN, 404, 404, 404, 404, 200),
    "supervision:team_edit": Url(_people_team, LOGIN, 404, 404, 404, 404, 200),
    # The admin, for staff accounts only.
    "admin:index": _admin(),
    "admin:login": Url(None, 200, 200, 200, 200, 200, 200),
    # The admin sends a signed-in account that is not staff to its index, which sends it on.
    "admin:logout": Url(None, LOGIN, 302, 302, 302, 302, 302),
    "admin:password_change": _admin(),
    "admin:password_change_done": _admin(),
    "admin:jsi18n": _admin(),
    "admin:autocomplete": _admin(),
    "admin:app_list": _admin(_app_label),
    "admin:view_on_site": _admin(_site_object),
    "admin:auth_user_password_change": _admin(_user_id),
    **_admin_model("auth", "group"),
    **_admin_model("auditlog", "logentry"),
    **_admin_model("axes", "accessattempt"),
    **_admin_model("axes", "accessfailurelog"),
    **_admin_model("axes", "accesslog"),
    **_admin_model("peersupport", "user"),
    **_admin_model("partners", "partner"),
    **_admin_model("clients", "client"),
    **_admin_model("interventions", "activity"),
    **_admin_model("interventions", "emergencyaccess"),
    **_admin_model("interventions", "encounter"),
    **_admin_model("interventions", "note"),
}


@dataclass
class World:
    person: Client
    elsewhere: Client
    membership: Any
    partner: Any
    note: Note
    draft: Note
    encounter: Encounter
    entry: Entry
    theme: Theme
    stage: Stage
    emergency: EmergencyAccess
    peer_request: PeerRequest
    notification: Notification
    activity: Activity
    users: dict[str, Any]


@pytest.fixture
def world(peer, clinician, other_clinician, researcher, coordinator):
    now = timezone.now()
    person = ClientFactory(display_name="Hélène Matrix", birth_year=1971)
    membership = put_on_team(person, peer)
    put_on_team(person, clinician)
    elsewhere = ClientFactory(display_name="Someone Else")
    put_on_team(elsewhere, other_clinician)
    Consent.objects.create(
        client=person,
        purpose="care_team_sharing",
        decision="given",
        method="verbal",
        decided_on=timezone.localdate() - timedelta(days=1),
        recorded_by=coordinator,
    )
    # Wherever the partner directory lives, encounters point at it.
    partner_model = Encounter._meta.get_field("partner").related_model
    partner = partner_model.objects.create(name="Halte du coin", kind="shelter")
    note = Note.objects.create(
        client=person,
        author=peer,
        audience="care_team",
        status="signed",
        signed_at=now,
        body="Talked about the housing list.",
    )
    draft = Note.objects.create(
        client=person, author=peer, audience="peer_team", status="draft", body="Half a thought."
    )
    encounter = Encounter.objects.create(client=person, author=peer, setting="street")
    entry = Entry.objects.create(
        author=peer,
        occurred_on=date(2025, 3, 1),
        kind="observation",
        source="logbook",
        title="Team meeting",
        narrative="The clinic gave the peer a desk.",
    )
    theme = Theme.objects.create(name="Trust", polarity="neutral")
    stage = Stage.objects.create(name="Preparation", starts_on=date(2025, 1, 1))
    # Over already, so that it widens nobody's reading.
    emergency = EmergencyAccess.objects.create(
        client=person,
        user=clinician,
        reason="risk_to_self",
        justification="Said they had a plan.",
        granted_at=now - timedelta(days=2),
        expires_at=now - timedelta(days=1),
    )
    peer_request = PeerRequest.objects.create(
        client=person, requested_by=clinician, reason="Would like someone who has been there."
    )
    notification = Notification.objects.create(
        recipient=coordinator, kind="peer_requested", url="/shared/requests/"
    )
    activity = Activity.objects.create(name_en="Accompaniment", name_fr="Accompagnement")
    users = {
        "peer": peer,
        "clinician": clinician,
        "other_clinician": other_clinician,
        "researcher": researcher,
        "coordinator": coordinator,
    }
    return World(
        person=person,
        elsewhere=elsewhere,
        membership=membership,
        partner=partner,
        note=note,
        draft=draft,
        encounter=encounter,
        entry=entry,
        theme=theme,
        stage=stage,
        emergency=emergency,
        peer_request=peer_request,
        notification=notification,
        activity=activity,
        users=users,
    )


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            if inner and namespace:
                inner = f"{namespace}:{inner}"
            yield from _walk(pattern.url_patterns, inner or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def url_names() -> set[str]:
    """Every named URL the project declares, as ``namespace:name``."""
    return set(_walk(get_resolver().url_patterns))


def _sign_in_pages():
    return (reverse("login"), reverse("admin:login"))


def _no_arguments(world):
    return {}


def observe(client, world, name, row_kwargs, query=None) -> dict[str, int | str]:
    """What each persona gets for a GET of ``name``: a status, or LOGIN."""
    path = reverse(name, kwargs=row_kwargs(world) or None)
    seen = {}
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(world.users[persona])
        response = client.get(path, query or {})
        status = response.status_code
        if status == 302 and response.url.startswith(_sign_in_pages()):
            status = LOGIN
        seen[persona] = status
    return seen


def test_the_walk_finds_namespaced_and_plain_names():
    names = url_names()
    assert {"home", "healthz", "clients:detail", "notes:detail", "admin:index"} <= names


def test_every_url_the_project_declares_has_a_row_in_the_matrix():
    missing = sorted(url_names() - MATRIX.keys())
    assert missing == [], (
        "These URLs have no row in MATRIX (tests/peersupport/test_url_matrix.py). Add one per "
        "URL: how to fill its arguments from the world fixture, and the status each persona's "
        "GET must get (404 for what they may not see, 403 for what they may see but not do):\n"
        + "\n".join(missing)
    )


def test_every_row_of_the_matrix_names_a_url_that_exists():
    gone = sorted(MATRIX.keys() - url_names())
    assert gone == [], (
        "MATRIX names URLs the project no longer declares; rename or remove their rows:\n"
        + "\n".join(gone)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_persona_gets_what_the_matrix_says(client, world, name):
    if name not in url_names():
        pytest.fail(f"{name} is not a URL the project declares (see the test above)")
    row = MATRIX[name]
    seen = observe(client, world, name, row.kwargs or _no_arguments, row.query)
    expected = row.expected()
    wrong = {
        p: f"expected {expected[p]}, got {seen[p]}" for p in PERSONAS if seen[p] != expected[p]
    }
    assert wrong == {}, f"GET {name}: " + "; ".join(f"{p} {w}" for p, w in wrong.items())


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_a_deactivated_account_gets_what_an_anonymous_visitor_gets(client, world, name):
    # A coordinator who has left: the session they still hold opens nothing,
    # not even what any signed-in account may open.
    former = world.users["coordinator"]
    former.is_active = False
    former.save(update_fields=["is_active"])
    row = MATRIX[name]
    path = reverse(name, kwargs=(row.kwargs or _no_arguments)(world) or None)
    client.force_login(former)
    response = client.get(path, row.query or {})
    status = response.status_code
    if status == 302 and response.url.startswith(_sign_in_pages()):
        status = LOGIN
    assert status == row.anonymous, f"GET {name} as a deactivated account: {status}"
