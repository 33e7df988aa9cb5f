"""The programme's staff beyond their encounters: who backs each peer, work
that is not an encounter (meetings, supervision, debriefings, training...),
debriefings asked for, the peer's own wellness action plan, and the
onboarding checklist of a new peer.

The notes of supervision and debriefing and the wellness plan are encrypted
at rest. Nothing is deleted: backings end, requests are withdrawn, a plan
keeps its earlier versions, checklist items are dated.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interventions.models import Encounter
from partners.models import Partner
from peersupport.fields import ConfidentialCharField, ConfidentialTextField

from .choices import PRIVATE_KINDS, BackingRole, DebriefingStatus, OnboardingStep, WorkKind


class Backing(models.Model):
    """A member of staff who backs a peer, as supervisor or reference person,
    from ``started_on`` until ``ended_on``. Set by a coordinator."""

    peer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="backed_by",
        verbose_name=_("peer"),
    )
    backer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="backings",
        verbose_name=_("backed by"),
    )
    role = models.CharField(_("as"), max_length=20, choices=BackingRole.choices)
    started_on = models.DateField(_("since"), default=timezone.localdate)
    ended_on = models.DateField(_("until"), null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("set by"),
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("supervisor or reference person")
        verbose_name_plural = _("supervisors and reference persons")
        ordering = ["ended_on", "role", "started_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["peer"],
                condition=Q(ended_on__isnull=True, role=BackingRole.SUPERVISOR),
                name="one_current_supervisor_per_peer",
            ),
            models.UniqueConstraint(
                fields=["peer", "backer"],
                condition=Q(ended_on__isnull=True),
                name="one_current_backing_per_pair",
            ),
            models.CheckConstraint(
                condition=~Q(peer=models.F("backer")), name="nobody_backs_themselves"
            ),
        ]

    def __str__(self):
        return f"{self.backer} → {self.peer} ({self.get_role_display()})"


class WorkActivity(models.Model):
    """Work that is not an encounter: a kind, a day, how long, who was there
    and a short note. Supervision and debriefing name the peer and who led
    it; their note is theirs alone."""

    kind = models.CharField(_("kind"), max_length=20, choices=WorkKind.choices)
    occurred_on = models.DateField(_("date"), default=timezone.localdate)
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"))
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="work_attended", verbose_name=_("who was there")
    )
    # Supervision and debriefing: the peer, and who supervised or debriefed.
    peer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_as_peer",
        verbose_name=_("peer"),
    )
    led_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_led",
        verbose_name=_("led by"),
    )
    # An outreach round: the site, and how many people were met there.
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_activities",
        verbose_name=_("partner site"),
    )
    contacts_count = models.PositiveSmallIntegerField(_("people met"), null=True, blank=True)
    note = ConfidentialTextField(_("short note"), blank=True, null=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="work_logged",
        verbose_name=_("logged by"),
    )
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("work activity")
        verbose_name_plural = _("work activities")
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["occurred_on"], name="work_activity_occurred_on")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.occurred_on})"

    @property
    def is_private(self) -> bool:
        return self.kind in PRIVATE_KINDS


class DebriefingRequest(models.Model):
    """A peer asking for a debriefing, perhaps after one encounter. Their
    supervisor is told by the request's number, nothing more."""

    peer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="debriefings_asked",
        verbose_name=_("peer"),
    )
    # The supervisor at the time of asking, who is told and who answers.
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="debriefings_to_hold",
        verbose_name=_("supervisor"),
    )
    encounter = models.ForeignKey(
        Encounter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("after the encounter"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DebriefingStatus.choices,
        default=DebriefingStatus.OPEN,
    )
    asked_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    held_as = models.ForeignKey(
        WorkActivity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("held as"),
    )

    class Meta:
        verbose_name = _("debriefing request")
        verbose_name_plural = _("debriefing requests")
        ordering = ["-asked_at", "-pk"]

    def __str__(self):
        return f"#{self.pk}"


class WellnessPlan(models.Model):
    """One version of a peer's wellness action plan. Saving writes a new
    version; the newest is the plan, the earlier ones its history."""

    peer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="wellness_plans",
        verbose_name=_("peer"),
    )
    when_well = ConfidentialTextField(_("what it looks like when I am well"), blank=True, null=True)
    early_signs = ConfidentialTextField(_("early signs that I am not"), blank=True, null=True)
    what_helps = ConfidentialTextField(_("what helps"), blank=True, null=True)
    who_to_call = ConfidentialTextField(_("who to call"), blank=True, null=True)
    shared_with_supervisor = models.BooleanField(
        _("my supervisor may read it"),
        default=False,
        help_text=_("Nobody else can read it: not a coordinator, not a researcher."),
    )
    saved_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("wellness action plan")
        verbose_name_plural = _("wellness action plans")
        ordering = ["-saved_at", "-pk"]
        indexes = [models.Index(fields=["peer", "-saved_at"], name="wellness_plan_latest")]

    def __str__(self):
        return f"{self.peer} ({self.saved_at:%Y-%m-%d})"


class OnboardingItem(models.Model):
    """One step of a new peer's onboarding, due on a day, done on another."""

    peer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="onboarding_items",
        verbose_name=_("peer"),
    )
    step = models.CharField(_("step"), max_length=30, choices=OnboardingStep.choices)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked done by"),
    )
    comment = ConfidentialCharField(_("comment"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("onboarding step")
        verbose_name_plural = _("onboarding steps")
        ordering = ["peer", "due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["peer", "step"], name="one_item_per_step_per_peer")
        ]

    def __str__(self):
        return f"{self.peer}: {self.get_step_display()}"

    def is_overdue(self, today=None) -> bool:
        return self.done_on is None and self.due_on < (today or timezone.localdate())
