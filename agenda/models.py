"""What a worker promised about a person: follow-ups, and accompaniments (a
follow-up with a time, a place and a kind), and each user's calendar feed.

What was promised and how an accompaniment went are encrypted at rest like
note bodies. Nothing is deleted: a follow-up is closed as done or cancelled,
with who closed it and when.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client
from interventions.choices import Setting
from interventions.models import Activity, Encounter
from partners.models import Partner
from peersupport.bilingual import BilingualName
from peersupport.fields import ConfidentialCharField, ConfidentialTextField

from .choices import FollowUpStatus


class AccompanimentKind(BilingualName, models.Model):
    """Where a peer goes with a person (a medical appointment, court...).
    Coordinators keep the list; a kind is retired, never deleted."""

    name_en = models.CharField(_("name in English"), max_length=100)
    name_fr = models.CharField(_("name in French"), max_length=100)
    # What the encounter it becomes records as done.
    activity = models.ForeignKey(
        Activity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activity of the encounter"),
    )
    # Where the encounter it becomes took place, when no partner is named.
    setting = models.CharField(
        _("setting of the encounter"), max_length=20, choices=Setting.choices, blank=True
    )
    position = models.PositiveSmallIntegerField(_("position in lists"), default=0)
    is_active = models.BooleanField(_("offered for new accompaniments"), default=True)

    class Meta:
        verbose_name = _("kind of accompaniment")
        verbose_name_plural = _("kinds of accompaniment")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.label


class FollowUp(models.Model):
    """A promise about a person, due on a day (and perhaps at a time), assigned
    to a member of their care team. With a kind it is an accompaniment."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("person")
    )
    what = ConfidentialTextField(_("what was promised"))
    due_on = models.DateField(_("due on"))
    due_time = models.TimeField(_("at"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="follow_ups_assigned",
        verbose_name=_("assigned to"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The encounter whose next steps it came from, if any.
    from_encounter = models.ForeignKey(
        Encounter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("from the encounter"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    # An accompaniment: a kind, a place (a partner, or in words), an outcome,
    # and the encounter it became.
    kind = models.ForeignKey(
        AccompanimentKind,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accompaniments",
        verbose_name=_("kind of accompaniment"),
    )
    place_partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accompaniments",
        verbose_name=_("place (a partner)"),
    )
    place_text = ConfidentialCharField(
        _("place"),
        max_length=200,
        blank=True,
        help_text=_("An address or a service, never the person’s name."),
    )
    outcome = ConfidentialTextField(_("how it went"), blank=True, null=True)
    encounter = models.ForeignKey(
        Encounter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accompaniments",
        verbose_name=_("recorded as the encounter"),
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "due_time", "pk"]
        indexes = [
            models.Index(fields=["assigned_to", "status", "due_on"], name="follow_up_agenda"),
            models.Index(fields=["client", "status", "due_on"], name="follow_up_person"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__isnull=True) | Q(due_time__isnull=False),
                name="accompaniment_has_a_time",
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status__in=["done", "cancelled"], closed_at__isnull=False),
                name="follow_up_closed_with_a_date",
            ),
        ]

    def __str__(self):
        # Never what was promised: this string ends up in audit entries and admin lists.
        if self.kind_id:
            return _("Accompaniment %(number)s") % {"number": self.pk}
        return _("Follow-up %(number)s") % {"number": self.pk}

    def get_additional_data(self):
        # Lets the audit trail find everything about one person.
        return {"client_id": self.client_id}

    @property
    def is_accompaniment(self) -> bool:
        return self.kind_id is not None

    @property
    def can_become_encounter(self) -> bool:
        """An accompaniment not yet logged, not cancelled, of a file still open
        (the rule of the policy's LOG_ENCOUNTER, once the viewer may see it;
        pages ask it to offer the button only where it works)."""
        return (
            self.is_accompaniment
            and self.encounter_id is None
            and self.status != FollowUpStatus.CANCELLED
            and self.client.closed_on is None
        )

    @property
    def is_open(self) -> bool:
        return self.status == FollowUpStatus.OPEN

    @property
    def is_overdue(self) -> bool:
        """Still open after the day it was due."""
        return self.is_open and self.due_on < timezone.localdate()

    def clean(self):
        errors = {}
        if self.kind_id and self.due_time is None:
            errors["due_time"] = _("An accompaniment needs a time.")
        if self.place_partner_id and self.place_text:
            errors["place_text"] = _("Choose a partner or write the place, not both.")
        if errors:
            raise ValidationError(errors)


class CalendarFeed(models.Model):
    """A user's personal calendar feed. Only a hash of its secret is kept: the
    address is shown once, when the feed is turned on or reset, and a copy of
    the database cannot be used to read anyone's calendar."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    secret_hash = models.CharField(max_length=64, unique=True)
    # Set again at each reset: the address given out at that moment.
    issued_at = models.DateTimeField(_("address given at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return _("Calendar feed of %(user)s") % {"user": self.user}
