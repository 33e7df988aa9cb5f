"""Referrals of a person to a community partner or an internal service, with
the history of their status.

Why the person is referred and how it ended are encrypted at rest like note
bodies. Nothing is deleted: a referral moves through its statuses and each
change is kept with its date and author.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client
from partners.models import Partner
from peersupport.fields import ConfidentialTextField

from .choices import ReferralStatus


class Referral(models.Model):
    """A person referred to a partner (or a service of our own organisation)."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("person")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("referred to")
    )
    reason = ConfidentialTextField(_("why"))
    referred_on = models.DateField(_("date"), default=timezone.localdate)
    # The newest change's status, kept here so lists and counts need no subquery;
    # the service writes both in one transaction.
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.PROPOSED
    )
    outcome = ConfidentialTextField(_("outcome"), blank=True, null=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("referred by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_on", "-pk"]
        indexes = [
            models.Index(fields=["client", "-referred_on"], name="referral_person"),
            models.Index(fields=["partner", "status"], name="referral_partner"),
        ]

    def __str__(self):
        # Never the reason: this string ends up in audit entries and admin lists.
        return _("Referral %(number)s") % {"number": self.pk}

    def get_additional_data(self):
        # Lets the audit trail find everything about one person.
        return {"client_id": self.client_id}


class ReferralStatusChange(models.Model):
    """One step of a referral: its new status, on which day, recorded by whom."""

    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="changes", verbose_name=_("referral")
    )
    status = models.CharField(_("status"), max_length=10, choices=ReferralStatus.choices)
    changed_on = models.DateField(_("date"), default=timezone.localdate)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("referral status change")
        verbose_name_plural = _("referral status changes")
        ordering = ["changed_on", "recorded_at", "pk"]

    def __str__(self):
        return f"{self.get_status_display()} ({self.changed_on})"

    def get_additional_data(self):
        return {"client_id": self.referral.client_id, "referral_id": self.referral_id}
