"""Fixed lists of support groups."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Recurrence(models.TextChoices):
    ONE_OFF = "one_off", _("Once")
    WEEKLY = "weekly", _("Every week")
    EVERY_TWO_WEEKS = "every_two_weeks", _("Every two weeks")
    MONTHLY = "monthly", _("Every month")


class SessionNoteAudience(models.TextChoices):
    """Who may read a session's note, chosen by who wrote it: the same three
    audiences as a note about one person, counted among the group's
    facilitators instead of a care team."""

    PEERS = "peers", _("Peers who facilitate the group")
    FACILITATORS = "facilitators", _("Everyone who facilitates the group")
    CLINICIANS = "clinicians", _("Clinicians who facilitate the group")
