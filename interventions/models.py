"""Encounters, the confidential notes written about them, and what surrounds
them: reads, the safety exception, requests for a peer, in-app notifications.

Note bodies are encrypted at rest. Nothing here is deleted: notes are signed
and then only added to (addenda), emergency accesses stay for review.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from clients.choices import Situation
from clients.models import Client
from partners.models import Partner
from peersupport.bilingual import BilingualName
from peersupport.fields import ConfidentialCharField, ConfidentialTextField

from .choices import (
    SETTINGS_WITH_PARTNER,
    Audience,
    EmergencyReason,
    NoteStatus,
    NotificationKind,
    PeerRequestStatus,
    ReviewStatus,
    Setting,
)
from .fields import NoteBodyField


class Activity(BilingualName, models.Model):
    """Something a peer does in an encounter. Coordinators keep the list at
    /activities/ (retired, never deleted); each entry may map to a HIFIS or HMIS
    service type."""

    name_en = models.CharField(_("name in English"), max_length=100)
    name_fr = models.CharField(_("name in French"), max_length=100)
    hifis_code = models.CharField(_("HIFIS service type"), max_length=60, blank=True)
    hmis_code = models.CharField(_("HMIS service type"), max_length=60, blank=True)
    position = models.PositiveSmallIntegerField(_("position in lists"), default=0)
    is_active = models.BooleanField(_("offered in new encounters"), default=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.label


# The one rule for when an encounter may have happened. Not in the future, give
# or take a phone whose clock runs a few minutes fast; not more than two years
# back, which covers logging late (and the demo's eighteen months of history)
# while refusing typing slips such as 1990 or 2052.
ENCOUNTER_CLOCK_TOLERANCE = timedelta(minutes=5)
ENCOUNTER_MAX_AGE = timedelta(days=2 * 365)


def earliest_encounter_time(now=None):
    return (now or timezone.now()) - ENCOUNTER_MAX_AGE


def latest_encounter_time(now=None):
    return (now or timezone.now()) + ENCOUNTER_CLOCK_TOLERANCE


def encounter_time_is_plausible(when, now=None) -> bool:
    now = now or timezone.now()
    return earliest_encounter_time(now) <= when <= latest_encounter_time(now)


class Encounter(models.Model):
    """A contact: with a registered person, or with people who stay anonymous."""

    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="encounters",
        verbose_name=_("person"),
    )
    anonymous_count = models.PositiveSmallIntegerField(
        _("number of people (anonymous)"), null=True, blank=True
    )
    anonymous_description = ConfidentialCharField(
        _("short description"),
        max_length=200,
        blank=True,
        help_text=_("No names or identifying details."),
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    setting = models.CharField(_("where"), max_length=20, choices=Setting.choices)
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="encounters",
        verbose_name=_("partner organisation"),
    )
    activities = models.ManyToManyField(
        Activity, related_name="encounters", verbose_name=_("what was done")
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="co_encounters",
        verbose_name=_("who else took part"),
    )
    situation = models.CharField(
        _("living situation at the contact"),
        max_length=30,
        choices=Situation.choices,
        blank=True,
    )
    next_steps = NoteBodyField(_("next steps"), blank=True, null=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="encounters_logged",
        verbose_name=_("logged by"),
    )
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("encounter")
        verbose_name_plural = _("encounters")
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(client__isnull=False, anonymous_count__isnull=True)
                    | Q(client__isnull=True, anonymous_count__gte=1)
                ),
                name="encounter_with_a_person_or_anonymous",
            )
        ]
        indexes = [
            models.Index(fields=["client", "-occurred_at"], name="encounter_timeline"),
            models.Index(fields=["occurred_at"], name="encounter_when"),
        ]

    def __str__(self):
        when = timezone.localtime(self.occurred_at).strftime("%Y-%m-%d %H:%M")
        return f"{self.get_setting_display()} · {when}"

    def get_additional_data(self):
        return {"client_id": self.client_id}

    def clean(self):
        errors = {}
        if self.client_id is None and not self.anonymous_count:
            errors["client"] = _("Choose the person met, or give a number of anonymous people.")
        if self.client_id is not None and self.anonymous_count:
            errors["anonymous_count"] = _(
                "An encounter is with a registered person or anonymous, not both."
            )
        if self.partner_id and self.setting not in SETTINGS_WITH_PARTNER:
            errors["partner"] = _(
                "A partner goes with the settings “Shelter” or “Community partner”."
            )
        if self.occurred_at and not encounter_time_is_plausible(self.occurred_at):
            errors["occurred_at"] = _(
                "Choose a moment between %(earliest)s and now: an encounter cannot be "
                "in the future or more than two years ago."
            ) % {"earliest": date_format(timezone.localdate(earliest_encounter_time()))}
        if self.client_id is None and self.situation:
            errors["situation"] = _("A living situation is recorded for a registered person only.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_anonymous(self) -> bool:
        return self.client_id is None


class Note(models.Model):
    """A confidential note about a person, read by the audience its author chose."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="notes", verbose_name=_("person")
    )
    encounter = models.ForeignKey(
        Encounter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notes",
        verbose_name=_("encounter"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="notes_written",
        verbose_name=_("author"),
    )
    audience = models.CharField(_("who may read it"), max_length=20, choices=Audience.choices)
    body = NoteBodyField(_("note"), blank=True, null=True)
    # A conversation is a note and the answers linked to it; an answer to an
    # answer is linked to the note that began the conversation.
    answers_note = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answers",
        verbose_name=_("answers the note"),
    )
    # Teammates the author asked to read it; notified when the note is signed.
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="mentioned_in_notes",
        verbose_name=_("let these teammates know"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=NoteStatus.choices, default=NoteStatus.DRAFT
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("saved at"), auto_now=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-signed_at", "-created_at", "-pk"]
        indexes = [
            models.Index(fields=["client", "status", "-signed_at"], name="note_timeline"),
            models.Index(fields=["audience", "status", "-signed_at"], name="note_feed"),
            # The notes of a viewer's own people in an audience (the shared
            # feed, its count, the menu's unread count): found among those
            # people's notes, where ``note_feed`` would read every shared note
            # of the programme (100,000 at a million encounters) to combine.
            models.Index(fields=["client", "audience", "status"], name="note_person_audience"),
        ]

    def __str__(self):
        # Never the body: this string ends up in audit entries and admin lists.
        return _("Note %(number)s") % {"number": self.pk}

    def get_additional_data(self):
        # Lets the audit trail answer "who viewed what about this person".
        return {"client_id": self.client_id}

    @property
    def is_signed(self) -> bool:
        return self.status == NoteStatus.SIGNED

    @property
    def sort_at(self):
        return self.signed_at or self.created_at


class Addendum(models.Model):
    """A correction or addition to a signed note; the original stays as it was."""

    note = models.ForeignKey(
        Note, on_delete=models.PROTECT, related_name="addenda", verbose_name=_("note")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    body = NoteBodyField(_("addendum"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("addendum")
        verbose_name_plural = _("addenda")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return _("Addendum %(number)s") % {"number": self.pk}

    def get_additional_data(self):
        return {"client_id": self.note.client_id, "note_id": self.note_id}


class NoteRead(models.Model):
    """That a user has seen a note in the shared feed (the unread markers)."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="reads")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["note", "reader"], name="one_read_mark_per_reader")
        ]

    def __str__(self):
        return f"{self.reader} read {self.note}"


class EmergencyAccess(models.Model):
    """The safety exception: one user opened one person's notes for a limited time."""

    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        related_name="emergency_accesses",
        verbose_name=_("person"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="emergency_accesses",
        verbose_name=_("opened by"),
    )
    reason = models.CharField(_("reason"), max_length=30, choices=EmergencyReason.choices)
    justification = ConfidentialTextField(_("justification"))
    granted_at = models.DateTimeField(_("opened at"), default=timezone.now)
    expires_at = models.DateTimeField(_("ends at"))
    review_status = models.CharField(
        _("review"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = ConfidentialTextField(_("review comment"), blank=True)
    # The record of a disclosure made without consent, as health privacy law asks.
    disclosed_what = NoteBodyField(_("what was disclosed"), blank=True, null=True)
    disclosed_to = ConfidentialCharField(_("to whom"), max_length=200, blank=True)
    disclosure_purpose = ConfidentialTextField(_("why it was disclosed"), blank=True)

    class Meta:
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        ordering = ["-granted_at", "-pk"]
        indexes = [models.Index(fields=["user", "client", "expires_at"], name="emergency_active")]

    def __str__(self):
        return f"{self.user} → {self.client} ({self.get_reason_display()})"

    def get_additional_data(self):
        return {"client_id": self.client_id, "severity": "high"}

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.granted_at <= now < self.expires_at


class PeerRequest(models.Model):
    """A clinician asks for a peer to work with a person."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="peer_requests", verbose_name=_("person")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    reason = ConfidentialTextField(_("what the person could use a peer for"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PeerRequestStatus.choices,
        default=PeerRequestStatus.OPEN,
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    fulfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("peer"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("peer request")
        verbose_name_plural = _("peer requests")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return _("Peer request %(number)s") % {"number": self.pk}


class Notification(models.Model):
    """A message in a user's in-app notifications. Its text is written at display
    time, in the reader's language, from ``kind`` and ``params``."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    params = models.JSONField(default=dict)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}"
