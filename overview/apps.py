from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    """The coordinator's overview of the whole programme: counts, never content."""

    name = "overview"
    verbose_name = _("Programme overview")
