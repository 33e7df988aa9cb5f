"""Fixed lists of the interventions app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Setting(models.TextChoices):
    """Where an encounter took place."""

    STREET = "street", _("Street or outreach")
    SHELTER = "shelter", _("Shelter")
    PARTNER = "partner", _("Community partner")
    CLINIC = "clinic", _("Clinic")
    COURT = "court", _("Court")
    HOSPITAL = "hospital", _("Hospital")
    HOME = "home", _("The person’s home")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video call")
    OTHER = "other", _("Other")


# Settings where the place is usually one of the partners in the directory.
SETTINGS_WITH_PARTNER = frozenset({Setting.SHELTER, Setting.PARTNER})


class Audience(models.TextChoices):
    """Who may read a note, chosen by its author."""

    PEER_TEAM = "peer_team", _("Peers on the care team")
    CARE_TEAM = "care_team", _("The whole care team (co-intervention)")
    CLINICAL_TEAM = "clinical_team", _("Clinicians on the care team")


class Reader(models.TextChoices):
    PEERS = "peers", _("peers")
    CLINICIANS = "clinicians", _("clinicians")


READERS = {
    Audience.PEER_TEAM: frozenset({Reader.PEERS}),
    Audience.CARE_TEAM: frozenset({Reader.PEERS, Reader.CLINICIANS}),
    Audience.CLINICAL_TEAM: frozenset({Reader.CLINICIANS}),
}


def is_widening(old: Audience, new: Audience) -> bool:
    """True when everyone who could read the note still can."""
    return READERS[Audience(new)] >= READERS[Audience(old)]


class NoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")


class EmergencyReason(models.TextChoices):
    RISK_TO_SELF = "risk_to_self", _("Risk to the person’s own safety")
    RISK_TO_OTHERS = "risk_to_others", _("Risk to the safety of others")
    MEDICAL_EMERGENCY = "medical_emergency", _("Medical emergency")
    ABUSE_OR_NEGLECT = "abuse_or_neglect", _("Abuse or neglect")
    OTHER = "other", _("Other")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("To review")
    REVIEWED = "reviewed", _("Reviewed")
    FLAGGED = "flagged", _("Flagged")


class PeerRequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FULFILLED = "fulfilled", _("A peer joined")
    CANCELLED = "cancelled", _("Cancelled")


class NotificationKind(models.TextChoices):
    EMERGENCY_ACCESS = "emergency_access", _("Safety exception used")
    PEER_REQUESTED = "peer_requested", _("Peer requested")
    MENTIONED = "mentioned", _("Mentioned in a note")
    FOLLOW_UP_ASSIGNED = "follow_up_assigned", _("Follow-up assigned")
    DEBRIEFING_REQUESTED = "debriefing_requested", _("Debriefing asked for")
