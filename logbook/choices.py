"""Fixed lists of the implementation logbook."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    MILESTONE = "milestone", _("Milestone")
    BARRIER = "barrier", _("Barrier")
    FACILITATOR = "facilitator", _("Facilitator")
    DECISION = "decision", _("Decision")
    ADAPTATION = "adaptation", _("Adaptation")
    OBSERVATION = "observation", _("Observation")


class Source(models.TextChoices):
    LOGBOOK = "logbook", _("Logbook")
    TEAM_MEETING = "team_meeting", _("Research team meeting")
    DEBRIEFING = "debriefing", _("Debriefing with a peer")
    FOCUS_GROUP = "focus_group", _("Focus group")
    INTERVIEW = "interview", _("Interview")
    OTHER = "other", _("Other")


class Polarity(models.TextChoices):
    BARRIER = "barrier", _("Barrier")
    FACILITATOR = "facilitator", _("Facilitator")
    NEUTRAL = "neutral", _("Neutral")


class Involved(models.TextChoices):
    """Roles involved in an event: never a person served."""

    PEERS = "peers", _("Peer support workers")
    CLINICIANS = "clinicians", _("Clinicians")
    REFERENCE_PERSONS = "reference_persons", _("Reference persons")
    MANAGERS = "managers", _("Managers and coordinators")
    RESEARCHERS = "researchers", _("Research team")
    PARTNER_STAFF = "partner_staff", _("Partner organisations’ staff")
    FUNDERS = "funders", _("Funders")
