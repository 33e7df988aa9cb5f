"""Support groups and their sessions: who came, by name for the people
registered and as a head count for everyone else, and a note on the session.

The note is encrypted at rest like a note about a person. Groups are retired,
never deleted; a session is cancelled, never deleted.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client
from partners.models import Partner
from peersupport.fields import ConfidentialTextField

from .choices import Recurrence, SessionNoteAudience


class SupportGroup(models.Model):
    """A mutual support group, run by its facilitators, recurring or once."""

    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("what the group is for"), max_length=300, blank=True)
    place_partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_groups",
        verbose_name=_("place (a partner)"),
    )
    place_text = models.CharField(_("place (in words)"), max_length=200, blank=True)
    recurrence = models.CharField(
        _("how often"), max_length=20, choices=Recurrence.choices, default=Recurrence.WEEKLY
    )
    schedule = models.CharField(
        _("when"),
        max_length=120,
        blank=True,
        help_text=_("In words, for example: Tuesdays from 2 to 4 pm."),
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="groups_facilitated", verbose_name=_("facilitators")
    )
    is_active = models.BooleanField(_("meets"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("support group")
        verbose_name_plural = _("support groups")
        ordering = ["-is_active", "name", "pk"]

    def __str__(self):
        return self.name


class GroupSession(models.Model):
    """One meeting of a group: when, on what, how many came, and a note."""

    group = models.ForeignKey(
        SupportGroup, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("group")
    )
    held_on = models.DateField(_("date"), default=timezone.localdate)
    starts_at = models.TimeField(_("at"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    anonymous_count = models.PositiveSmallIntegerField(
        _("people not registered"),
        default=0,
        help_text=_("How many came whose names are not recorded."),
    )
    note = ConfidentialTextField(_("note on the session"), blank=True, null=True)
    note_audience = models.CharField(
        _("who may read the note"),
        max_length=20,
        choices=SessionNoteAudience.choices,
        default=SessionNoteAudience.PEERS,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("group session")
        verbose_name_plural = _("group sessions")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["held_on"], name="group_session_held_on")]

    def __str__(self):
        return f"{self.group} ({self.held_on})"


class GroupAttendance(models.Model):
    """A registered person who came to a session."""

    session = models.ForeignKey(
        GroupSession,
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("session"),
    )
    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        related_name="group_attendances",
        verbose_name=_("person"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["session", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "client"], name="one_attendance_per_person")
        ]

    def __str__(self):
        return f"{self.session}: {self.client_id}"

    def get_additional_data(self):
        # Lets the person's history find the sessions they came to.
        return {"client_id": self.client_id}
