"""Choices of the partner directory."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PartnerKind(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    DROP_IN = "drop_in", _("Drop-in")
    FOOD = "food", _("Food")
    HOUSING = "housing", _("Housing")
    LEGAL = "legal", _("Legal")
    HEALTH_CLINIC = "health_clinic", _("Health clinic")
    INCOME_SUPPORT = "income_support", _("Income support")
    HARM_REDUCTION = "harm_reduction", _("Harm reduction")
    OTHER = "other", _("Other")


class ServiceStatus(models.TextChoices):
    """Whether a partner's services run as usual, in a crisis as much as any day."""

    OPEN = "open", pgettext_lazy("service status", "Open")
    REDUCED = "reduced", _("Reduced")
    CLOSED = "closed", _("Closed")
    UNKNOWN = "unknown", _("Unknown")
