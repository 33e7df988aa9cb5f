"""Every change to who backs a peer, their onboarding, their wellness plan,
their declaration of a dual relationship, and the staff teams.

Each service asks the model's policy (staff/access.py, clients/access.py)
whether ``acting_user`` may make the change, runs in one transaction, checks
what it saves, and is attributed to ``acting_user`` in the audit trail.
Rows are read through the policies' querysets, never a model's manager.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clients import selectors as client_selectors
from clients import services as client_services
from clients.access import client_policy, dual_relationship_policy
from clients.models import Client, DualRelationship
from peersupport.audit import acting_as
from peersupport.models import StaffTeam, User
from peersupport.policy import has_ability
from peersupport.roles import Ability

from .access import backing_policy, onboarding_item_policy, wellness_plan_policy
from .choices import BackingRole, OnboardingStep
from .models import Backing, OnboardingItem, WellnessPlan

# Supervisors and reference persons ----------------------------------------------


def _not_after_today(day: date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("Choose today or a day before: this is what happened.")})


@transaction.atomic
def backing_set(
    *,
    acting_user: User,
    peer: User,
    backer: User,
    role: BackingRole | str,
    started_on: date | None = None,
) -> Backing:
    """Name ``backer`` as ``peer``'s supervisor or reference person from
    ``started_on`` (today). A peer has one supervisor: naming a new one ends
    the current one's backing on the day the new one starts."""
    started_on = started_on or timezone.localdate()
    backing = Backing(
        peer=peer, backer=backer, role=role, started_on=started_on, set_by=acting_user
    )
    backing_policy.check(acting_user, backing_policy.Action.SET, backing)
    if not backing_policy.users_who_can(backing_policy.Action.BE_BACKED).filter(pk=peer.pk):
        raise ValidationError(_("Only a peer has a supervisor and reference persons."))
    if backer.pk == peer.pk:
        raise ValidationError({"backer": _("Nobody backs themselves: choose someone else.")})
    if not backing_policy.users_who_can(backing_policy.Action.BACK).filter(pk=backer.pk):
        raise ValidationError(
            {"backer": _("Choose an active clinician, coordinator or peer of the programme.")}
        )
    _not_after_today(started_on, "started_on")
    current = backing_policy.visible_to(acting_user).filter(peer=peer, ended_on__isnull=True)
    already = current.filter(backer=backer).first()
    if already is not None:
        raise ValidationError(
            {
                "backer": _("%(name)s already backs this peer, as %(role)s, since %(day)s.")
                % {
                    "name": backer,
                    "role": already.get_role_display().lower(),
                    "day": date_format(already.started_on),
                }
            }
        )
    with acting_as(acting_user):
        if role == BackingRole.SUPERVISOR:
            previous = current.filter(role=BackingRole.SUPERVISOR).select_for_update().first()
            if previous is not None:
                if started_on < previous.started_on:
                    raise ValidationError(
                        {
                            "started_on": _(
                                "%(name)s has supervised this peer since %(day)s: the new "
                                "supervisor starts that day or later."
                            )
                            % {"name": previous.backer, "day": date_format(previous.started_on)}
                        }
                    )
                _end(previous, acting_user, started_on)
        backing.full_clean(validate_constraints=False)
        backing.save()
    return backing


def _end(backing: Backing, acting_user: User, ended_on: date) -> None:
    backing.ended_on = ended_on
    backing.ended_by = acting_user
    backing.save(update_fields=["ended_on", "ended_by"])


@transaction.atomic
def backing_end(*, acting_user: User, backing: Backing, ended_on: date | None = None) -> Backing:
    """End a backing (today, unless said otherwise). It stays in the peer's history."""
    backing_policy.check(acting_user, backing_policy.Action.END, backing)
    ended_on = ended_on or timezone.localdate()
    _not_after_today(ended_on, "ended_on")
    if ended_on < backing.started_on:
        raise ValidationError(
            {
                "ended_on": _("This backing started on %(day)s: it cannot end before.")
                % {"day": date_format(backing.started_on)}
            }
        )
    with acting_as(acting_user):
        _end(backing, acting_user, ended_on)
    return backing


# Onboarding ------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day if it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# When each step is due, counted from the first day: what a new peer needs to
# work (a desk, a badge, a computer, the records) in their first week; their
# supervisor and reference persons within two weeks; training within a month;
# the probation period ends after three months.
ONBOARDING_WEEKS = {
    OnboardingStep.OFFICE: 1,
    OnboardingStep.ID_CARD: 1,
    OnboardingStep.COMPUTER: 1,
    OnboardingStep.RECORD_ACCESS: 1,
    OnboardingStep.REFERENCE_PERSONS: 2,
}
ONBOARDING_MONTHS = {OnboardingStep.TRAINING: 1, OnboardingStep.PROBATION_END: 3}


def onboarding_due_on(step: OnboardingStep, started_on: date) -> date:
    if step in ONBOARDING_MONTHS:
        return add_months(started_on, ONBOARDING_MONTHS[step])
    return started_on + timedelta(weeks=ONBOARDING_WEEKS[step])


# A new peer's first day may be a little in the past or planned ahead.
ONBOARDING_START_WINDOW = timedelta(days=366)


@transaction.atomic
def onboarding_start(
    *, acting_user: User, peer: User, started_on: date | None = None
) -> list[OnboardingItem]:
    """The checklist of a new peer, one item per step, due on days counted
    from ``started_on`` (their first day)."""
    onboarding_item_policy.check(acting_user, onboarding_item_policy.Action.KEEP)
    if not backing_policy.users_who_can(backing_policy.Action.BE_BACKED).filter(pk=peer.pk):
        raise ValidationError(_("Only a peer has an onboarding checklist."))
    started_on = started_on or timezone.localdate()
    today = timezone.localdate()
    if abs(started_on - today) > ONBOARDING_START_WINDOW:
        raise ValidationError(
            {"started_on": _("Choose a first day within a year of today, before or after.")}
        )
    if onboarding_item_policy.visible_to(acting_user).filter(peer=peer).exists():
        raise ValidationError(_("This peer’s onboarding checklist is already started."))
    items = [
        OnboardingItem(
            peer=peer,
            step=step,
            due_on=onboarding_due_on(step, started_on),
            created_by=acting_user,
        )
        for step in OnboardingStep
    ]
    with acting_as(acting_user):
        for item in items:
            item.full_clean(validate_constraints=False)
            item.save()
    return items


@transaction.atomic
def onboarding_item_update(
    *, acting_user: User, item: OnboardingItem, due_on: date, comment: str = ""
) -> OnboardingItem:
    """Change when a step is due, and the coordinator's comment about it."""
    onboarding_item_policy.check(acting_user, onboarding_item_policy.Action.KEEP, item)
    if abs(due_on - item.created_at.date()) > 2 * ONBOARDING_START_WINDOW:
        raise ValidationError(
            {"due_on": _("Choose a day within two years of when the checklist was started.")}
        )
    item.due_on = due_on
    item.comment = comment.strip()
    with acting_as(acting_user):
        item.full_clean(validate_constraints=False)
        item.save(update_fields=["due_on", "comment"])
    return item


@transaction.atomic
def onboarding_item_done(
    *, acting_user: User, item: OnboardingItem, done_on: date | None = None
) -> OnboardingItem:
    """Mark a step done on ``done_on`` (today); marking it again corrects the day."""
    onboarding_item_policy.check(acting_user, onboarding_item_policy.Action.KEEP, item)
    done_on = done_on or timezone.localdate()
    _not_after_today(done_on, "done_on")
    if done_on < item.created_at.date() - ONBOARDING_START_WINDOW:
        raise ValidationError({"done_on": _("This day is long before the checklist began.")})
    item.done_on = done_on
    item.done_by = acting_user
    with acting_as(acting_user):
        item.save(update_fields=["done_on", "done_by"])
    return item


# The wellness action plan ----------------------------------------------------------

PLAN_FIELDS = ("when_well", "early_signs", "what_helps", "who_to_call", "shared_with_supervisor")


def newest_own_plan(user: User) -> WellnessPlan | None:
    """``user``'s own plan: its newest version."""
    return (
        wellness_plan_policy.visible_to(user).filter(peer=user).order_by("-saved_at", "-pk").first()
    )


@transaction.atomic
def wellness_plan_save(
    *,
    acting_user: User,
    when_well: str = "",
    early_signs: str = "",
    what_helps: str = "",
    who_to_call: str = "",
    shared_with_supervisor: bool = False,
) -> tuple[WellnessPlan | None, bool]:
    """Save a new version of ``acting_user``'s own plan; the earlier versions
    stay. Returns the plan and whether a version was written: content equal
    to the newest version (or an empty plan, for a first one) saves nothing."""
    plan = WellnessPlan(
        peer=acting_user,
        when_well=when_well.strip(),
        early_signs=early_signs.strip(),
        what_helps=what_helps.strip(),
        who_to_call=who_to_call.strip(),
        shared_with_supervisor=shared_with_supervisor,
    )
    wellness_plan_policy.check(acting_user, wellness_plan_policy.Action.SAVE, plan)
    newest = newest_own_plan(acting_user)
    before = newest or WellnessPlan()
    # An empty part is read back as None (the encrypted field stores no ciphertext).
    if all((getattr(plan, name) or "") == (getattr(before, name) or "") for name in PLAN_FIELDS):
        return newest, False
    with acting_as(acting_user):
        plan.full_clean()
        plan.save()
    return plan, True


# Dual relationships ---------------------------------------------------------------


@transaction.atomic
def declaration_make(*, acting_user: User, details: str = "") -> DualRelationship:
    """A peer declares that the programme once served them. Once a
    coordinator links their record, it leaves everything they see."""
    if dual_relationship_policy.visible_to(acting_user).filter(user=acting_user).exists():
        raise ValidationError(_("You already made this declaration."))
    declaration = DualRelationship(user=acting_user, details=details.strip())
    dual_relationship_policy.check(
        acting_user, dual_relationship_policy.Action.DECLARE, declaration
    )
    with acting_as(acting_user):
        declaration.full_clean(validate_constraints=False, validate_unique=False)
        declaration.save()
    return declaration


@transaction.atomic
def declaration_link(
    *, acting_user: User, declaration: DualRelationship, record: Client
) -> DualRelationship:
    """A coordinator says which record is the declarer's own. If the declarer
    is on its care team, they leave it today (the team's history keeps it,
    as any other departure, without saying why)."""
    dual_relationship_policy.check(acting_user, dual_relationship_policy.Action.LINK, declaration)
    if not client_policy.visible_to(acting_user).filter(pk=record.pk).exists():
        raise ValidationError({"record": _("Choose a record of the register you can open.")})
    declaration.record = record
    declaration.linked_by = acting_user
    declaration.linked_at = timezone.now()
    with acting_as(acting_user):
        declaration.full_clean(validate_constraints=False, validate_unique=False)
        declaration.save(update_fields=["record", "linked_by", "linked_at"])
        membership = (
            client_selectors.current_memberships(record).filter(member=declaration.user).first()
        )
        if membership is not None:
            client_services.team_end_membership(acting_user=acting_user, membership=membership)
    return declaration


# Staff teams ---------------------------------------------------------------------------


def staff_team_members_to_pick() -> QuerySet[User]:
    """Who may be on a staff team: active accounts holding a role."""
    return User.objects.filter(is_active=True, role_grants__isnull=False).distinct()


@transaction.atomic
def staff_team_save(
    *,
    acting_user: User,
    name: str,
    members: Iterable[User],
    is_active: bool = True,
    team: StaffTeam | None = None,
) -> StaffTeam:
    """Create a staff team, or change its name, members and whether it is
    active (a team is retired, never deleted)."""
    if not has_ability(acting_user, Ability.MANAGE_STAFF):
        raise PermissionDenied
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the team a name.")})
    same_name = StaffTeam.objects.filter(name__iexact=name)
    if team is not None:
        same_name = same_name.exclude(pk=team.pk)
    if same_name.exists():
        raise ValidationError({"name": _("Another team has this name already.")})
    members = list(members)
    allowed = set(
        staff_team_members_to_pick()
        .filter(pk__in=[member.pk for member in members])
        .values_list("pk", flat=True)
    )
    if any(member.pk not in allowed for member in members):
        raise ValidationError({"members": _("Choose active members of the staff.")})
    team = team or StaffTeam()
    team.name = name
    team.is_active = is_active
    with acting_as(acting_user):
        team.full_clean(validate_unique=False)
        team.save()
        team.members.set(members)
    return team
