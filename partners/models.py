"""The community organisations peers work with and refer people to.

Partners are deactivated, never deleted: encounters and logbook entries keep
pointing at them.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import PartnerKind, ServiceStatus


class Partner(models.Model):
    """A community organisation peers work with and refer people to."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_internal = models.BooleanField(
        _("a service of our own organisation"),
        default=False,
        help_text=_(
            "Tick for a service of the clinic or host organisation: referring a "
            "person there shares nothing outside, so it needs no consent to share "
            "with a partner."
        ),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Untick when the organisation closes or stops working with us."),
    )
    # The latest service status, copied from the newest PartnerStatus row so
    # that the directory and the forms read it without a query per partner.
    service_status = models.CharField(
        _("service status"),
        max_length=10,
        choices=ServiceStatus.choices,
        default=ServiceStatus.UNKNOWN,
    )
    capacity_note = models.CharField(_("capacity"), max_length=200, blank=True)
    status_updated_at = models.DateTimeField(_("status updated at"), null=True, blank=True)
    status_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("status updated by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("community partner")
        verbose_name_plural = _("community partners")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def status_is_stale(self, now=None) -> bool:
        """No status said in PARTNER_STATUS_STALE_DAYS days (or never said)."""
        if self.status_updated_at is None:
            return True
        now = now or timezone.now()
        return now - self.status_updated_at > timedelta(days=settings.PARTNER_STATUS_STALE_DAYS)


class PartnerStatus(models.Model):
    """One update of a partner's service status: the history, never edited."""

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="statuses", verbose_name=_("partner")
    )
    status = models.CharField(_("service status"), max_length=10, choices=ServiceStatus.choices)
    capacity_note = models.CharField(
        _("capacity"),
        max_length=200,
        blank=True,
        help_text=_("In a few words, for example: half the beds, no new intakes."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("partner status")
        verbose_name_plural = _("partner statuses")
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["partner", "-updated_at"], name="partner_status_latest")]

    def __str__(self):
        return f"{self.partner}: {self.get_status_display()}"

    def get_additional_data(self):
        return {"partner_id": self.partner_id}
