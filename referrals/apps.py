from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    """Referrals of people to partners and internal services."""

    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        # The reason and the outcome never enter the audit trail: the trail
        # records that they changed, not what they say.
        auditlog.register(models.Referral, exclude_fields=["reason", "outcome", "updated_at"])
        auditlog.register(models.ReferralStatusChange)
