"""The overview's world, built by hand so every count on the page can be
worked out on paper: people active, inactive, becoming inactive, closed and
merged; encounters this week, last week and ten weeks ago; follow-ups open,
done and cancelled; drafts fresh and old, a signed note; consents ending,
superseded and expired; the safety exception used and reviewed; requests for
a peer open and answered; onboarding steps late and done; partners checked
lately, long ago and never."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from agenda.choices import FollowUpStatus
from agenda.models import FollowUp
from clients.choices import ConsentMethod, Decision, Purpose
from clients.models import Consent
from interventions.choices import Audience, NoteStatus, PeerRequestStatus, ReviewStatus
from interventions.models import EmergencyAccess, Encounter, Note, PeerRequest
from overview.selectors import monday_of
from partners.models import Partner
from peersupport.models import StaffTeam
from peersupport.roles import Role
from staff.choices import OnboardingStep
from staff.models import OnboardingItem
from tests.factories import ClientFactory, UserFactory, put_on_team

SECRET = "She told me about the eviction notice."


def at_noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=timezone.get_current_timezone())


def encounter(author, *, day, setting="street", client=None, participants=(), anonymous=None):
    row = Encounter.objects.create(
        client=client,
        anonymous_count=anonymous,
        occurred_at=at_noon(day),
        setting=setting,
        author=author,
        next_steps=SECRET,
    )
    row.participants.set(participants)
    return row


def follow_up(client, holder, *, days, status=FollowUpStatus.OPEN):
    return FollowUp.objects.create(
        client=client,
        assigned_to=holder,
        created_by=holder,
        due_on=timezone.localdate() + timedelta(days=days),
        what=SECRET,
        status=status,
        closed_at=None if status == FollowUpStatus.OPEN else timezone.now(),
        closed_by=None if status == FollowUpStatus.OPEN else holder,
    )


def note(client, author, *, days_ago, status=NoteStatus.DRAFT):
    row = Note.objects.create(
        client=client,
        author=author,
        audience=Audience.PEER_TEAM,
        body=SECRET,
        status=status,
        signed_at=timezone.now() if status == NoteStatus.SIGNED else None,
    )
    Note.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return row


def consent(client, purpose, *, expires_in, decided_ago=30, decision=Decision.GIVEN, by):
    today = timezone.localdate()
    return Consent.objects.create(
        client=client,
        purpose=purpose,
        decision=decision,
        decided_on=today - timedelta(days=decided_ago),
        method=ConsentMethod.VERBAL if decision == Decision.GIVEN else "",
        expires_on=None if expires_in is None else today + timedelta(days=expires_in),
        recorded_by=by,
    )


def partner(name, *, checked_days_ago, is_active=True):
    updated = (
        None if checked_days_ago is None else timezone.now() - timedelta(days=checked_days_ago)
    )
    return Partner.objects.create(
        name=name, kind="shelter", status_updated_at=updated, is_active=is_active
    )


@dataclass
class World:
    peer: Any
    other_peer: Any
    clinician: Any
    people: dict[str, Any] = field(default_factory=dict)
    team: Any = None


@pytest.fixture
def world(settings, coordinator, peer, other_peer, clinician):
    settings.CLIENT_INACTIVE_AFTER_DAYS = 90
    settings.PARTNER_STATUS_STALE_DAYS = 14
    today = timezone.localdate()
    ago = lambda days: today - timedelta(days=days)  # noqa: E731
    w = World(peer, other_peer, clinician)
    # Active, on the peer's and the clinician's teams (the other peer left it).
    active = ClientFactory(display_name="Hélène Active", last_contact_on=ago(5))
    put_on_team(active, peer)
    put_on_team(active, clinician)
    put_on_team(active, other_peer, left_on=ago(3))
    # Inactive: no contact for 100 days.
    inactive = ClientFactory(display_name="Inès Inactive", last_contact_on=ago(100))
    put_on_team(inactive, peer)
    # A closed file and a merged record: on the peer's team, counted nowhere.
    closed = ClientFactory(display_name="Claude Closed", last_contact_on=ago(2), closed_on=ago(1))
    closed.closed_reason = "moved"
    closed.save()
    put_on_team(closed, peer)
    merged = ClientFactory(display_name="Marc Merged", last_contact_on=ago(2), merged_into=active)
    put_on_team(merged, peer)
    # The other peer's people: one turns inactive in 5 days (85 days without a
    # contact), one in 20 days (70), so only the first is "becoming inactive".
    soon = ClientFactory(display_name="Sophie Soon", last_contact_on=ago(85))
    put_on_team(soon, other_peer)
    later = ClientFactory(display_name="Laurent Later", last_contact_on=ago(70))
    put_on_team(later, other_peer)
    w.people = dict(
        active=active, inactive=inactive, closed=closed, merged=merged, soon=soon, later=later
    )

    # Encounters: this week, last week (one with the clinician taking part, one
    # anonymous), ten weeks ago.
    this_monday = monday_of(today)
    encounter(peer, day=this_monday, setting="street", client=active)
    encounter(
        peer,
        day=this_monday - timedelta(days=5),
        setting="clinic",
        client=active,
        participants=[clinician],
    )
    encounter(clinician, day=this_monday - timedelta(days=4), setting="shelter", anonymous=3)
    encounter(peer, day=this_monday - timedelta(weeks=10), setting="street", client=active)

    # Follow-ups: one overdue each for the peer and the clinician; a cancelled,
    # a done and a future one that are not overdue.
    follow_up(active, peer, days=-3)
    follow_up(active, peer, days=-1, status=FollowUpStatus.CANCELLED)
    follow_up(active, peer, days=-2, status=FollowUpStatus.DONE)
    follow_up(active, peer, days=2)
    follow_up(active, clinician, days=-5)

    # Drafts: one old each for the peer and the clinician; a fresh draft, a
    # signed note and an old draft on the merged record are not counted.
    note(active, peer, days_ago=10)
    note(active, peer, days_ago=2)
    note(active, peer, days_ago=20, status=NoteStatus.SIGNED)
    note(active, clinician, days_ago=8)
    note(merged, peer, days_ago=30)

    # Consents: sharing ends in 10 days for the active person (research in 60:
    # not yet); research ends in 5 days for the inactive one, whose sharing
    # ending in 3 days was withdrawn since; expired, and on a closed file: not counted.
    consent(active, Purpose.CARE_TEAM_SHARING, expires_in=10, by=peer)
    consent(active, Purpose.RESEARCH, expires_in=60, by=peer)
    consent(inactive, Purpose.RESEARCH, expires_in=5, by=peer)
    consent(inactive, Purpose.CARE_TEAM_SHARING, expires_in=3, decided_ago=40, by=peer)
    consent(
        inactive,
        Purpose.CARE_TEAM_SHARING,
        expires_in=None,
        decided_ago=10,
        decision=Decision.WITHDRAWN,
        by=peer,
    )
    consent(soon, Purpose.RESEARCH, expires_in=-1, by=peer)
    consent(closed, Purpose.RESEARCH, expires_in=4, by=peer)

    # The safety exception: one use to review, one reviewed.
    for status in (ReviewStatus.PENDING, ReviewStatus.REVIEWED):
        EmergencyAccess.objects.create(
            client=active,
            user=clinician,
            reason="risk_to_self",
            justification=SECRET,
            expires_at=timezone.now() - timedelta(hours=1),
            review_status=status,
        )
    # Requests for a peer: one open; one answered, one cancelled.
    for status in (
        PeerRequestStatus.OPEN,
        PeerRequestStatus.FULFILLED,
        PeerRequestStatus.CANCELLED,
    ):
        PeerRequest.objects.create(
            client=active, requested_by=clinician, reason=SECRET, status=status
        )
    # Onboarding: one step late for the peer; a late step done, a step not due
    # yet, and a late step of a deactivated peer are not counted.
    gone = UserFactory(username="gone_peer", roles=[Role.PEER], is_active=False)
    OnboardingItem.objects.create(
        peer=peer, step=OnboardingStep.OFFICE, due_on=ago(2), created_by=coordinator
    )
    OnboardingItem.objects.create(
        peer=peer,
        step=OnboardingStep.ID_CARD,
        due_on=ago(5),
        done_on=ago(1),
        created_by=coordinator,
    )
    OnboardingItem.objects.create(
        peer=other_peer,
        step=OnboardingStep.TRAINING,
        due_on=today + timedelta(days=3),
        created_by=coordinator,
    )
    OnboardingItem.objects.create(
        peer=gone, step=OnboardingStep.OFFICE, due_on=ago(9), created_by=coordinator
    )
    # Partners: never checked, checked 20 days ago (stale); checked 2 days ago
    # (fresh); a partner no longer active (left out).
    partner("Never Checked Shelter", checked_days_ago=None)
    partner("Long Ago Drop-in", checked_days_ago=20)
    partner("Fresh Food Bank", checked_days_ago=2)
    partner("Closed For Good", checked_days_ago=None, is_active=False)

    w.team = StaffTeam.objects.create(name="Street team")
    w.team.members.set([peer])
    StaffTeam.objects.create(name="Retired team", is_active=False)
    return w
