from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    """Follow-ups and accompaniments: what each worker promised, and when."""

    name = "agenda"
    verbose_name = _("Follow-ups and accompaniments")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        # What was promised and how it went never enter the audit trail: the
        # trail records that they changed, not what they say.
        auditlog.register(models.FollowUp, exclude_fields=["what", "outcome", "updated_at"])
        auditlog.register(models.AccompanimentKind)
