from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterventionsConfig(AppConfig):
    """Encounters and the confidential notes written about them."""

    name = "interventions"
    verbose_name = _("Encounters and notes")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        # Bodies never enter the audit trail: auditlog would store them in clear.
        auditlog.register(models.Note, exclude_fields=["body", "updated_at"])
        auditlog.register(models.Addendum, exclude_fields=["body"])
        auditlog.register(
            models.Encounter,
            exclude_fields=["updated_at"],
            m2m_fields={"activities", "participants"},
        )
        auditlog.register(models.EmergencyAccess)
        auditlog.register(models.PeerRequest)
        auditlog.register(models.Activity)
