"""The implementation logbook: stages of the implementation, a codebook of
themes, and entries. It is about the programme, never about the people it serves.

An entry's stage is not stored: it is the stage whose dates hold the entry's
date, so moving a stage moves its entries with it.
"""

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from partners.models import Partner

from .choices import Involved, Kind, Polarity, Source


class Stage(models.Model):
    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True, help_text=_("Empty: ongoing."))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["starts_on", "pk"]

    def __str__(self):
        return self.name

    def holds(self, day: date) -> bool:
        """Whether ``day`` falls inside the stage (an ongoing stage has no end)."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    # The same rule in SQL, from either side: the rows whose date this stage
    # holds, and the stages that hold a date (a value or an OuterRef).

    def holds_rows(self, field: str) -> Q:
        inside = Q(**{f"{field}__gte": self.starts_on})
        return inside & Q(**{f"{field}__lte": self.ends_on}) if self.ends_on else inside

    @staticmethod
    def holding(day: Any) -> Q:
        return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A stage cannot end before it starts.")})
        if self.starts_on:
            others = Stage.objects.exclude(pk=self.pk)
            end = self.ends_on
            overlapping = others.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=self.starts_on))
            if end:
                overlapping = overlapping.filter(starts_on__lte=end)
            clash = overlapping.first()
            if clash:
                raise ValidationError(
                    _("Stages cannot overlap: this one overlaps “%(name)s”.") % {"name": clash}
                )


class Theme(models.Model):
    """A code of the codebook: a barrier, a facilitator or neutral."""

    name = models.CharField(_("name"), max_length=120)
    name_fr = models.CharField(_("name in French"), max_length=120, blank=True)
    polarity = models.CharField(_("polarity"), max_length=20, choices=Polarity.choices)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent theme"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_themes",
        verbose_name=_("merged into"),
    )

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["polarity", "name", "pk"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        french = (get_language() or "").startswith("fr")
        return self.name_fr if french and self.name_fr else self.name

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": _("A theme cannot sit under itself.")})
            ancestor = ancestor.parent


class Entry(models.Model):
    occurred_on = models.DateField(_("date of the event"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="logbook_entries",
        verbose_name=_("author"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    title = models.CharField(_("title"), max_length=200)
    narrative = models.TextField(
        _("narrative"),
        help_text=_(
            "What happened and how it was perceived. Never name or describe a person served."
        ),
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="entries", verbose_name=_("themes")
    )
    involved = models.JSONField(_("roles involved"), default=list, blank=True)
    partners = models.ManyToManyField(
        Partner,
        blank=True,
        related_name="logbook_entries",
        verbose_name=_("partner organisations involved"),
    )
    # What implementation science records of an adaptation.
    what_changed = models.TextField(_("what changed"), blank=True)
    why_changed = models.TextField(_("why it changed"), blank=True)
    who_decided = models.CharField(_("who decided"), max_length=200, blank=True)
    # A meeting or a debriefing counted in the logbook: how long it lasted,
    # and the work activity it came from (its date, kind and length, never
    # its note).
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    work_activity = models.ForeignKey(
        "staff.WorkActivity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="logbook_entries",
        verbose_name=_("from the work activity"),
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deleted by"),
    )

    # How the audit trail names the values of ``involved``, a list of codes.
    audit_choices = {"involved": Involved.choices}

    class Meta:
        verbose_name = _("logbook entry")
        verbose_name_plural = _("logbook entries")
        ordering = ["-occurred_on", "-pk"]
        indexes = [
            models.Index(fields=["occurred_on"], name="logbook_entry_date"),
            # The matrix's test of whether the entries changed (their number
            # and latest change, ``selectors._matrix_counts``), read from this
            # index alone rather than from every entry's row: 1.3 ms instead
            # of 3.3 to 5 at 20,000 entries.
            models.Index(
                fields=["updated_at", "id"],
                name="logbook_entry_state",
                condition=models.Q(deleted_at__isnull=True),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        unknown = set(self.involved or []) - set(Involved.values)
        if unknown:
            errors["involved"] = _("Unknown roles: %(roles)s.") % {
                "roles": ", ".join(sorted(unknown))
            }
        if self.kind == Kind.ADAPTATION and not (self.what_changed or "").strip():
            errors["what_changed"] = _("Say what changed: this is what makes an adaptation.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def involved_labels(self) -> list[str]:
        return [Involved(value).label for value in self.involved or [] if value in Involved.values]


# The research figures, counted once and kept until what they count changes
# (logbook/research_summary.py). Raw counts, never shown as they are: the
# research page suppresses small cells when it reads them.


class ResearchFigure(models.Model):
    """One part of the research figures: a month's (key "2025-03-01") or the
    referrals' (key "referrals")."""

    key = models.CharField(max_length=20, primary_key=True)
    counts = models.JSONField(default=dict)
    # The record numbers of the people met in the month, one bit each: the
    # people reached over several months (a stage) is the size of the union.
    # Never shown, never exported; the encounters it is taken from say as much.
    people = models.BinaryField(default=b"")
    # The month boundaries depend on the time zone: figures counted under
    # another one are counted again.
    time_zone = models.CharField(max_length=64)
    counted_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("research figure")
        verbose_name_plural = _("research figures")

    def __str__(self):
        return self.key


class ResearchChange(models.Model):
    """Something the research figures count has changed; the figures it
    touches are counted again at the next read. Exactly one of: a month; a
    person (every month of their encounters); an encounter, a group session
    (its month); the referrals; or none of them, meaning everything.

    Plain numbers, not foreign keys: a change outlives what it names (a
    deleted encounter), and a write never locks the row it names."""

    month = models.DateField(null=True)
    client_id = models.BigIntegerField(null=True)
    encounter_id = models.BigIntegerField(null=True)
    session_id = models.BigIntegerField(null=True)
    referrals = models.BooleanField(default=False)
    # Set by the read that counts this change again, in its transaction.
    claim = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        verbose_name = _("research figures change")
        verbose_name_plural = _("research figures changes")

    def __str__(self):
        return f"change {self.pk}"
