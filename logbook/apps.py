from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogbookConfig(AppConfig):
    """The researchers' implementation logbook."""

    name = "logbook"
    verbose_name = _("Implementation logbook")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        # Every change keeps who, when, and the old and new values.
        auditlog.register(
            models.Entry, exclude_fields=["updated_at"], m2m_fields={"themes", "partners"}
        )
        auditlog.register(models.Theme)
        auditlog.register(models.Stage)
