from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterventionsConfig(AppConfig):
    """Encounters and the confidential notes written about them."""

    name = "interventions"
    verbose_name = _("Encounters and notes")
