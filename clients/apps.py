from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    """People served, their care teams, consent, and community partners."""

    name = "clients"
    verbose_name = _("People served")
