from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    """Referrals of people to partners and internal services."""

    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self):
        from auditlog.registry import auditlog

        from peersupport.slots import PARTNER_PAGE, PERSON_PAGE

        from . import models, panels

        # A person's page and a partner's page show this app's panels without
        # importing it (peersupport.slots).
        PERSON_PAGE.register(panels.person_page, templates=panels.PERSON_PAGE_TEMPLATES)
        PARTNER_PAGE.register(panels.partner_page, templates=panels.PARTNER_PAGE_TEMPLATES)

        # The reason and the outcome never enter the audit trail: the trail
        # records that they changed, not what they say.
        auditlog.register(models.Referral, exclude_fields=["reason", "outcome", "updated_at"])
        auditlog.register(models.ReferralStatusChange)
