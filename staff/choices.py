"""Fixed lists of the programme's staff app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BackingRole(models.TextChoices):
    """How a member of staff backs a peer."""

    SUPERVISOR = "supervisor", _("Supervisor")
    REFERENCE = "reference", _("Reference person")


class WorkKind(models.TextChoices):
    """Work that is not an encounter with a person."""

    MEETING = "meeting", _("Meeting")
    SUPERVISION = "supervision", _("Supervision")
    DEBRIEFING = "debriefing", _("Debriefing")
    TRAINING = "training", _("Training")
    PRESENTATION = "presentation", _("Presentation to a clinical team")
    OUTREACH = "outreach", _("Outreach round at a partner site")
    RESEARCH = "research", _("Research and knowledge transfer")


# Kinds whose note is private to the peer and whoever supervised or debriefed
# them: no coordinator, no researcher, no safety exception.
PRIVATE_KINDS = frozenset({WorkKind.SUPERVISION, WorkKind.DEBRIEFING})

# Kinds one tap turns into a logbook entry.
LOGBOOK_KINDS = frozenset({WorkKind.MEETING, WorkKind.DEBRIEFING})


class TimeCategory(models.TextChoices):
    """How a month's hours are told apart."""

    WITH_PEOPLE = "with_people", _("With people")
    MEETINGS = "meetings", _("In meetings and supervision")
    TRAINING = "training", _("In training")
    OUTREACH = "outreach", _("In outreach")
    RESEARCH = "research", _("Research and knowledge transfer")


CATEGORY_OF_KIND = {
    WorkKind.MEETING: TimeCategory.MEETINGS,
    WorkKind.SUPERVISION: TimeCategory.MEETINGS,
    WorkKind.DEBRIEFING: TimeCategory.MEETINGS,
    WorkKind.PRESENTATION: TimeCategory.MEETINGS,
    WorkKind.TRAINING: TimeCategory.TRAINING,
    WorkKind.OUTREACH: TimeCategory.OUTREACH,
    WorkKind.RESEARCH: TimeCategory.RESEARCH,
}


class DebriefingStatus(models.TextChoices):
    OPEN = "open", _("Asked")
    HELD = "held", _("Held")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class OnboardingStep(models.TextChoices):
    """What a new peer needs, in the order it usually comes."""

    OFFICE = "office", _("Office space")
    ID_CARD = "id_card", _("Identity card")
    COMPUTER = "computer", _("Computer and account")
    RECORD_ACCESS = "record_access", _("Access to the records they need")
    TRAINING = "training", _("Training")
    REFERENCE_PERSONS = "reference_persons", _("Supervisor and reference persons named")
    PROBATION_END = "probation_end", _("End of the probation period")
