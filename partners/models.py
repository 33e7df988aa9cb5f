"""The community organisations peers work with and refer people to.

Partners are deactivated, never deleted: encounters and logbook entries keep
pointing at them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import PartnerKind


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
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("community partner")
        verbose_name_plural = _("community partners")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name
