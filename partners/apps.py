from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    """The directory of community partners: everyone reads it, coordinators keep
    it, field workers say whether each one is open."""

    name = "partners"
    verbose_name = _("Community partners")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Partner)
        auditlog.register(models.PartnerStatus)
