from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo accounts and data for `make run`; no product app imports it."""

    name = "demo"
    verbose_name = _("Demo data")
