"""People served, their living situation history, care teams and consent.

Nothing here is deleted: records close, memberships end, consents are
superseded by newer decisions, merged records point at the record they joined.
"""

import unicodedata
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from peersupport.fields import ConfidentialCharField, ConfidentialTextField

from .choices import (
    ClosedReason,
    ConsentMethod,
    Decision,
    Gender,
    HealthCoverage,
    JoinedHow,
    NoAnswer,
    Purpose,
    ReferralSource,
    Situation,
    TeamRole,
)

# Apostrophes as people type them: straight, curly, the modifier letter and
# the backtick; hyphens and dashes are every character of category "Pd".
_APOSTROPHES = frozenset("'\u2018\u2019\u02bc`")
_SOFT_HYPHEN = "\u00ad"


def _separator(ch: str) -> bool:
    return ch in _APOSTROPHES or unicodedata.category(ch) == "Pd"


# What a search reads of a person's names, in bytes. On PostgreSQL the name
# index holds it (migration 0009), and a B-tree entry holds at most 2,704
# bytes: with the name used (120 characters, at most 480 bytes) and the record
# number, this leaves room. Names come first in the order a search wants them:
# the name used, the legal name, then other names, so that only the last of
# a very long list of other names (hundreds of characters, after merges) can
# fall beyond it and then be found by the others.
SEARCH_TEXT_BYTES = 2000


def searchable(folded: str) -> str:
    """``folded`` (``fold``'s result) cut to ``SEARCH_TEXT_BYTES`` of UTF-8,
    never inside a character."""
    return folded.encode()[:SEARCH_TEXT_BYTES].decode(errors="ignore")


def search_text_of(names: Iterable[str]) -> str:
    """A person's ``search_text``: their names in that order, folded, cut."""
    return searchable(fold(" ".join(names)))


def fold(text: str) -> str:
    """Lower-case text without accents, hyphens or apostrophes, so that "helene"
    finds "Hélène", "jean francois" finds "Jean-François" and "d amour" or
    "d'amour" finds "D'Amour" (with either apostrophe). Hyphens and apostrophes
    become spaces.

    Searches fold the query and compare it with stored folded copies
    (``search_text``, ``display_key``), so SQLite and PostgreSQL agree. A change
    here needs a data migration that recomputes those copies.
    """
    decomposed = unicodedata.normalize("NFKD", (text or "").replace(_SOFT_HYPHEN, ""))
    bare = "".join(
        " " if _separator(ch) else ch for ch in decomposed if not unicodedata.combining(ch)
    )
    return " ".join(bare.casefold().split())


# Dates of the register (intake, situations, consent decisions) go back at most
# this far: anything older is a typing mistake, not a record.
REGISTER_HISTORY_YEARS = 20
# A consent is renewed at least this often: a later expiry is a typing mistake.
CONSENT_LONGEST_YEARS = 10


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def earliest_register_date(today: date | None = None) -> date:
    return _years_after(today or timezone.localdate(), -REGISTER_HISTORY_YEARS)


def check_register_date(day, errors: dict, field: str, future_message=None) -> None:
    """Put a clear message on ``field`` when ``day`` is in the future or absurdly old."""
    if day is None:
        return
    today = timezone.localdate()
    if day > today:
        errors[field] = future_message or _("This date is in the future.")
    elif day < earliest_register_date(today):
        errors[field] = _("Choose a date between %(earliest)s and today.") % {
            "earliest": date_format(earliest_register_date(today))
        }


class Client(models.Model):
    """A person the programme serves, known by the name they give."""

    display_name = models.CharField(
        _("name used"),
        max_length=120,
        help_text=_("The name or nickname the person gives. A legal name is not needed."),
    )
    aliases = models.TextField(
        _("other names"), blank=True, help_text=_("One per line: nicknames, former names.")
    )
    legal_first_name = models.CharField(_("legal first name"), max_length=120, blank=True)
    legal_last_name = models.CharField(_("legal last name"), max_length=120, blank=True)
    legal_name_no_answer = models.CharField(
        _("legal name not given"), max_length=20, choices=NoAnswer.choices, blank=True
    )
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    birth_year_estimated = models.BooleanField(_("year of birth is an estimate"), default=False)
    birth_year_no_answer = models.CharField(
        _("year of birth not given"), max_length=20, choices=NoAnswer.choices, blank=True
    )
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, blank=True)
    gender_self_described = ConfidentialCharField(
        _("gender, in their words"), max_length=80, blank=True
    )
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    where_to_find = ConfidentialTextField(
        _("where to find them"), blank=True, help_text=_("A shelter, a corner, a drop-in, times.")
    )
    health_coverage = models.CharField(
        _("health coverage"),
        max_length=20,
        choices=HealthCoverage.choices,
        default=HealthCoverage.NOT_ASKED,
    )
    intake_date = models.DateField(_("intake date"), default=timezone.localdate)
    referral_source = models.CharField(
        _("how they came"), max_length=20, choices=ReferralSource.choices, blank=True
    )
    referral_detail = ConfidentialCharField(_("referral detail"), max_length=200, blank=True)
    # The latest real contact: the intake date, a situation update, a self-join,
    # an encounter (never the moment of registering). Kept here, written only by
    # clients.services, because the active/inactive status of every list row is
    # computed from it.
    last_contact_on = models.DateField(_("last contact"), default=timezone.localdate)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=ClosedReason.choices, blank=True
    )
    closed_note = ConfidentialTextField(_("closing note"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_records",
        verbose_name=_("merged into"),
    )
    # Folded names: accent- and case-insensitive search that works the same on
    # SQLite and PostgreSQL. search_text holds every name (for the care team);
    # display_key only the name used (for finding people outside one's teams,
    # who must not be found by a legal name or an alias).
    search_text = models.TextField(editable=False, default="")
    display_key = models.CharField(max_length=120, editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("person served")
        verbose_name_plural = _("people served")
        ordering = ["display_name", "pk"]
        indexes = [
            models.Index(fields=["last_contact_on"], name="client_last_contact"),
            # The register's order (selectors.REGISTER_ORDER), for the records
            # anyone can see: a page is read from it, never sorted. The name
            # searches have trigram indexes too, on PostgreSQL only (migration 0007).
            # On PostgreSQL it also holds search_text (INCLUDE, migration 0009),
            # which SQLite's indexes cannot: a change to this index here is a
            # change to 0009's SQL too.
            models.Index(
                fields=["display_key", "id"],
                condition=Q(merged_into__isnull=True),
                name="client_by_name",
            ),
        ]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        self.search_text = search_text_of([self.display_name, self.legal_name, *self.alias_list])
        self.display_key = fold(self.display_name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text", "display_key"}
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.legal_name and self.legal_name_no_answer:
            errors["legal_name_no_answer"] = _("Leave this empty when a legal name is given.")
        if self.birth_year is not None and self.birth_year_no_answer:
            errors["birth_year_no_answer"] = _("Leave this empty when a year of birth is given.")
        check_register_date(
            self.intake_date,
            errors,
            "intake_date",
            future_message=_("The intake date cannot be in the future."),
        )
        this_year = timezone.localdate().year
        if self.birth_year is not None and not (this_year - 120 <= self.birth_year <= this_year):
            errors["birth_year"] = _("Enter a year between %(low)s and %(high)s.") % {
                "low": this_year - 120,
                "high": this_year,
            }
        if self.gender_self_described and self.gender != Gender.SELF_DESCRIBED:
            errors["gender_self_described"] = _("Choose “Self-described” to use your own words.")
        if self.closed_on and not self.closed_reason:
            errors["closed_reason"] = _("Say why the file is closed.")
        if errors:
            raise ValidationError(errors)

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    @property
    def legal_name(self) -> str:
        return " ".join(p for p in (self.legal_first_name, self.legal_last_name) if p)


class LivingSituation(models.Model):
    """Where a person lived or slept on a date. The newest is the current one."""

    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        related_name="living_situations",
        verbose_name=_("person"),
    )
    situation = models.CharField(_("living situation"), max_length=30, choices=Situation.choices)
    detail = ConfidentialCharField(
        _("detail"), max_length=200, blank=True, help_text=_("Which shelter, which area.")
    )
    recorded_on = models.DateField(_("date"), default=timezone.localdate)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("living situation")
        verbose_name_plural = _("living situations")
        ordering = ["-recorded_on", "-recorded_at", "-pk"]
        indexes = [models.Index(fields=["client", "-recorded_on"], name="situation_latest")]

    def __str__(self):
        return f"{self.get_situation_display()} ({self.recorded_on})"

    def get_additional_data(self):
        # Lets the audit trail find everything about one person.
        return {"client_id": self.client_id}

    def clean(self):
        errors = {}
        check_register_date(self.recorded_on, errors, "recorded_on")
        if errors:
            raise ValidationError(errors)


class CareTeamMembership(models.Model):
    """A staff member on a person's care team, from ``joined_on`` until ``left_on``."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("person")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="care_memberships",
        verbose_name=_("team member"),
    )
    team_role = models.CharField(_("role on the team"), max_length=20, choices=TeamRole.choices)
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    how = models.CharField(_("how they joined"), max_length=20, choices=JoinedHow.choices)
    reason = ConfidentialTextField(_("reason"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("added by"),
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("removed by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("care team membership")
        verbose_name_plural = _("care team memberships")
        ordering = ["left_on", "team_role", "joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "member"],
                condition=Q(left_on__isnull=True),
                name="one_current_membership_per_member",
            )
        ]
        indexes = [models.Index(fields=["member", "left_on"], name="membership_by_member")]

    def __str__(self):
        return f"{self.member} – {self.get_team_role_display()}"

    def get_additional_data(self):
        # Lets the audit trail find everything about one person.
        return {"client_id": self.client_id}

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class Consent(models.Model):
    """One consent decision for one purpose. The newest decision per purpose rules."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="consents", verbose_name=_("person")
    )
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    decided_on = models.DateField(_("date"), default=timezone.localdate)
    method = models.CharField(
        _("how it was obtained"), max_length=20, choices=ConsentMethod.choices, blank=True
    )
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    comment = ConfidentialTextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent decision")
        verbose_name_plural = _("consent decisions")
        ordering = ["-decided_on", "-recorded_at", "-pk"]
        indexes = [
            models.Index(fields=["client", "purpose", "-decided_on"], name="consent_latest"),
            # Consents about to expire, programme-wide (the coordinator's home
            # and overview), read from the few given ones in the window.
            models.Index(
                fields=["expires_on"],
                condition=models.Q(decision="given"),
                name="consent_given_expiry",
            ),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()}: {self.get_decision_display()} ({self.decided_on})"

    def get_additional_data(self):
        # Lets the audit trail find everything about one person.
        return {"client_id": self.client_id}

    def clean(self):
        errors = {}
        check_register_date(
            self.decided_on,
            errors,
            "decided_on",
            future_message=_("A decision cannot be dated in the future."),
        )
        if self.decision == Decision.GIVEN and not self.method:
            errors["method"] = _("Say how the consent was obtained.")
        if self.expires_on and self.decision != Decision.GIVEN:
            errors["expires_on"] = _("Only a given consent can expire.")
        if self.expires_on and self.decided_on and self.expires_on <= self.decided_on:
            errors["expires_on"] = _("The expiry must come after the date of the decision.")
        elif (
            self.expires_on
            and self.decided_on
            and self.expires_on > _years_after(self.decided_on, CONSENT_LONGEST_YEARS)
        ):
            errors["expires_on"] = _(
                "A consent expires at most ten years after the decision: choose an "
                "earlier date, or leave it empty."
            )
        if errors:
            raise ValidationError(errors)


class ClientMerge(models.Model):
    """Two records found to be one person: ``merged`` now lives on in ``kept``."""

    kept = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        related_name="merges_received",
        verbose_name=_("kept record"),
    )
    merged = models.OneToOneField(
        Client, on_delete=models.PROTECT, related_name="merge", verbose_name=_("merged record")
    )
    merged_display_name = models.CharField(_("name on the merged record"), max_length=120)
    reason = ConfidentialTextField(_("why they are the same person"))
    moved = models.JSONField(_("what moved"), default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("merged by"),
    )
    merged_at = models.DateTimeField(_("merged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("merge of records")
        verbose_name_plural = _("merges of records")
        ordering = ["-merged_at"]

    def __str__(self):
        return f"{self.merged_display_name} → {self.kept}"

    def get_additional_data(self):
        return {"client_id": self.kept_id, "merged_client_id": self.merged_id}


class DualRelationship(models.Model):
    """A staff member's declaration that the programme once served them.

    Their own record, once a coordinator links it, leaves every list and page
    they see, and they cannot join its care team. Coordinators see the
    declaration; the record's content stays under the register's rules."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="dual_relationship",
        verbose_name=_("staff member"),
    )
    # What helps the coordinator find the record (a name used then, a year),
    # in the staff member's words: encrypted like a note.
    details = ConfidentialTextField(_("what helps find the record"), blank=True, null=True)
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)
    record = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dual_relationships",
        verbose_name=_("their record"),
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("linked by"),
    )
    linked_at = models.DateTimeField(_("linked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dual relationship")
        verbose_name_plural = _("dual relationships")
        ordering = ["-declared_at", "pk"]

    def __str__(self):
        return str(self.user)

    # No get_additional_data: the person's history must not say that one of
    # the staff was once served.
