"""The fixed lists used by the register, modelled on the HMIS data standards
and HIFIS, adapted to how people present themselves to a peer."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NoAnswer(models.TextChoices):
    """Why a sensitive answer is missing: recorded instead of forcing a value."""

    DOESNT_KNOW = "doesnt_know", _("Doesn’t know")
    PREFERS_NOT = "prefers_not", _("Prefers not to answer")
    NOT_ASKED = "not_asked", _("Not asked")


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NON_BINARY = "non_binary", _("Non-binary")
    TWO_SPIRIT = "two_spirit", _("Two-Spirit")
    SELF_DESCRIBED = "self_described", _("Self-described")
    DOESNT_KNOW = NoAnswer.DOESNT_KNOW.value, NoAnswer.DOESNT_KNOW.label
    PREFERS_NOT = NoAnswer.PREFERS_NOT.value, NoAnswer.PREFERS_NOT.label
    NOT_ASKED = NoAnswer.NOT_ASKED.value, NoAnswer.NOT_ASKED.label


class HealthCoverage(models.TextChoices):
    HAS_CARD = "has_card", _("Has a provincial health card")
    NONE = "none", _("No coverage")
    EXPIRED = "expired", _("Card expired")
    UNKNOWN = "unknown", _("Unknown")
    PREFERS_NOT = NoAnswer.PREFERS_NOT.value, NoAnswer.PREFERS_NOT.label
    NOT_ASKED = NoAnswer.NOT_ASKED.value, NoAnswer.NOT_ASKED.label


class ReferralSource(models.TextChoices):
    SELF = "self", _("Came on their own")
    OUTREACH = "outreach", _("Met during outreach")
    SHELTER = "shelter", _("Shelter or drop-in")
    COMMUNITY = "community", _("Community organisation")
    CLINIC_TEAM = "clinic_team", _("Clinic team")
    HOSPITAL = "hospital", _("Hospital")
    JUSTICE = "justice", _("Court or justice system")
    FAMILY_FRIEND = "family_friend", _("Family or friend")
    OTHER = "other", _("Other")


class Situation(models.TextChoices):
    """Where a person lives or sleeps, at the time it was recorded."""

    STREET = "street", _("Street")
    ENCAMPMENT = "encampment", _("Encampment")
    VEHICLE = "vehicle", _("Vehicle")
    EMERGENCY_SHELTER = "emergency_shelter", _("Emergency shelter")
    TRANSITIONAL = "transitional", _("Transitional housing")
    WITH_OTHERS = "with_others", _("Staying with others")
    HOSPITAL = "hospital", _("Hospital")
    DETOX = "detox", _("Detox or treatment centre")
    PRISON = "prison", _("Prison or jail")
    HOUSED_MARKET = "housed_market", _("Housed: market rent")
    HOUSED_SUBSIDISED = "housed_subsidised", _("Housed: subsidised")
    HOUSED_SUPPORTIVE = "housed_supportive", _("Housed: supportive housing")
    UNKNOWN = "unknown", _("Unknown")


SITUATION_GROUPS = [
    (_("Unsheltered"), [Situation.STREET, Situation.ENCAMPMENT, Situation.VEHICLE]),
    (
        _("Shelter and temporary"),
        [Situation.EMERGENCY_SHELTER, Situation.TRANSITIONAL, Situation.WITH_OTHERS],
    ),
    (_("Institution"), [Situation.HOSPITAL, Situation.DETOX, Situation.PRISON]),
    (
        _("Housed"),
        [Situation.HOUSED_MARKET, Situation.HOUSED_SUBSIDISED, Situation.HOUSED_SUPPORTIVE],
    ),
    (_("Other"), [Situation.UNKNOWN]),
]
UNSHELTERED = frozenset(SITUATION_GROUPS[0][1])


def grouped_situation_choices():
    """Situations grouped for a select's option groups."""
    return [(group, [(s.value, s.label) for s in members]) for group, members in SITUATION_GROUPS]


class Status(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    CLOSED = "closed", _("Closed")


class ClosedReason(models.TextChoices):
    NO_LONGER_NEEDED = "no_longer_needed", _("No longer needs support")
    MOVED = "moved", _("Moved away")
    DECLINED = "declined", _("Declined further support")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    TRANSFERRED = "transferred", _("Transferred to another service")
    DECEASED = "deceased", _("Deceased")
    OTHER = "other", _("Other")


class TeamRole(models.TextChoices):
    PEER = "peer", _("Peer support worker")
    CLINICIAN = "clinician", _("Clinician")
    REFERENCE = "reference", _("Reference person")


class JoinedHow(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned by a coordinator")
    JOINED = "joined", _("Joined after meeting the person")
    REGISTERED = "registered", _("Registered the person")


class Purpose(models.TextChoices):
    PEER_SUPPORT = "peer_support", _("Receiving peer support")
    CARE_TEAM_SHARING = "care_team_sharing", _("Sharing with the care team")
    RESEARCH = "research", _("De-identified data in research")
    # Sharing what a referral needs with a partner outside the clinic.
    PARTNER_REFERRAL = "partner_referral", _("Referral to a partner")


class Decision(models.TextChoices):
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("Verbal")
    WRITTEN = "written", _("Written")


class ConsentState(models.TextChoices):
    """What a purpose's consent amounts to today; derived, never stored."""

    ACTIVE = "active", _("Active")
    EXPIRING_SOON = "expiring_soon", _("Expiring soon")
    EXPIRED = "expired", _("Expired")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    NOT_ASKED = "not_asked", _("Not asked")
