from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogbookConfig(AppConfig):
    """The researchers' implementation logbook."""

    name = "logbook"
    verbose_name = _("Implementation logbook")
