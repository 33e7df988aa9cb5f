"""Every change to the agenda. Each service checks with the policy
(agenda/access.py) that ``acting_user`` may make the change, runs in one
transaction, checks what it saves, and is attributed to ``acting_user`` in the
audit trail."""

from __future__ import annotations

import secrets
from datetime import date, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clients.models import Client
from interventions import services as intervention_services
from interventions.access import encounter_policy
from interventions.choices import NotificationKind
from interventions.models import Encounter
from partners.models import Partner
from peersupport.access import require_ability
from peersupport.audit import acting_as
from peersupport.models import User
from peersupport.policy import has_ability
from peersupport.roles import Ability

from . import selectors
from .access import calendar_feed_policy, calendar_secret_hash, follow_up_policy
from .choices import FollowUpStatus
from .models import AccompanimentKind, CalendarFeed, FollowUp

# Calendar feeds ---------------------------------------------------------------
#
# The secret is returned to the caller to be shown once, and only its hash is
# stored: nobody can read it back, not even from a copy of the database.


def _new_secret() -> str:
    # 256 bits, in the characters a URL path carries as they are.
    return secrets.token_urlsafe(32)


def _give_new_address(feed: CalendarFeed, acting_user: User) -> str:
    secret = _new_secret()
    feed.secret_hash = calendar_secret_hash(secret)
    feed.issued_at = timezone.now()
    with acting_as(acting_user):
        feed.full_clean()
        feed.save(update_fields=["secret_hash", "issued_at"])
    return secret


@transaction.atomic
def calendar_feed_turn_on(*, acting_user: User) -> str:
    """Turn on ``acting_user``'s calendar feed and return its secret. If it is
    on already (a double tap, a second tab), it gets a new address, exactly
    like a reset: the address shown last is always the one that works."""
    calendar_feed_policy.check(acting_user, calendar_feed_policy.Action.TURN_ON)
    feed = calendar_feed_policy.visible_to(acting_user).select_for_update().first()
    if feed is not None:
        return _give_new_address(feed, acting_user)
    secret = _new_secret()
    feed = CalendarFeed(user=acting_user, secret_hash=calendar_secret_hash(secret))
    try:
        with transaction.atomic(), acting_as(acting_user):
            feed.full_clean()
            feed.save()
    except (IntegrityError, ValidationError):
        # Another request turned it on between the lookup and the insert.
        feed = calendar_feed_policy.visible_to(acting_user).select_for_update().first()
        if feed is None:
            raise
        return _give_new_address(feed, acting_user)
    return secret


@transaction.atomic
def calendar_feed_reset(*, acting_user: User) -> str:
    """Give ``acting_user``'s feed a new address and return its secret; the old
    address stops answering at once."""
    calendar_feed_policy.check(acting_user, calendar_feed_policy.Action.RESET)
    feed = calendar_feed_policy.visible_to(acting_user).select_for_update().first()
    if feed is None:
        raise ValidationError(_("Your calendar feed is off: turn it on to get an address."))
    return _give_new_address(feed, acting_user)


@transaction.atomic
def calendar_feed_turn_off(*, acting_user: User) -> None:
    """Turn ``acting_user``'s feed off: its address stops answering. The row
    holds nothing but a hash, so it is deleted (the audit trail keeps when);
    turning the feed on again gives a new address."""
    calendar_feed_policy.check(acting_user, calendar_feed_policy.Action.TURN_OFF)
    feed = calendar_feed_policy.visible_to(acting_user).select_for_update().first()
    if feed is None:
        return
    with acting_as(acting_user):
        feed.delete()


# Follow-ups and accompaniments -------------------------------------------------

Actions = follow_up_policy.Action

# A promise is about the work of the weeks ahead: one due long ago is a
# mistyped year, and one due in years is not a follow-up.
MOST_DAYS_PAST = 30
MOST_DAYS_AHEAD = 366


def due_date_error(due_on: date, today: date | None = None) -> str | None:
    """Why ``due_on`` is refused as a due date (the form shows it on the field)."""
    today = today or timezone.localdate()
    earliest = today - timedelta(days=MOST_DAYS_PAST)
    latest = today + timedelta(days=MOST_DAYS_AHEAD)
    if earliest <= due_on <= latest:
        return None
    return _(
        "Choose a day between %(earliest)s and %(latest)s: a follow-up is due within "
        "the coming year, or at most a month ago."
    ) % {"earliest": date_format(earliest), "latest": date_format(latest)}


def _check_assignee(follow_up: FollowUp) -> None:
    holders = follow_up_policy.users_who_can(Actions.HOLD, follow_up)
    if not holders.filter(pk=follow_up.assigned_to_id).exists():
        raise ValidationError(
            {"assigned_to": _("Choose a current member of this person’s care team.")}
        )


def _check_due(follow_up: FollowUp, *, changed: bool) -> None:
    if changed and follow_up.due_on is not None:
        error = due_date_error(follow_up.due_on)
        if error:
            raise ValidationError({"due_on": error})


def _tell_assignee(acting_user: User, follow_up: FollowUp) -> None:
    """The one put in charge by someone else hears of it (the record's number
    only: notifications show on shared screens)."""
    if follow_up.assigned_to_id == acting_user.pk:
        return
    intervention_services.notify(
        [follow_up.assigned_to],
        NotificationKind.FOLLOW_UP_ASSIGNED,
        {
            "user": str(acting_user),
            "client_id": follow_up.client_id,
            "due_on": follow_up.due_on.isoformat(),
        },
        url=reverse("follow_ups:detail", args=[follow_up.pk]),
    )


@transaction.atomic
def follow_up_create(
    *,
    acting_user: User,
    client: Client,
    what: str,
    due_on: date,
    due_time: time | None = None,
    duration_minutes: int | None = None,
    assigned_to: User | None = None,
    from_encounter: Encounter | None = None,
    kind: AccompanimentKind | None = None,
    place_partner: Partner | None = None,
    place_text: str = "",
) -> FollowUp:
    """Promise something about ``client``; with a ``kind``, an accompaniment.
    The author is in charge unless they name another member of the team."""
    follow_up = FollowUp(
        client=client,
        what=what,
        due_on=due_on,
        due_time=due_time,
        duration_minutes=duration_minutes,
        assigned_to=assigned_to or acting_user,
        created_by=acting_user,
        from_encounter=from_encounter,
        kind=kind,
        place_partner=place_partner,
        place_text=place_text,
    )
    follow_up_policy.check(acting_user, Actions.CREATE, follow_up)
    if from_encounter is not None and (
        from_encounter.client_id != client.pk
        or not encounter_policy.can(
            acting_user, encounter_policy.Action.READ_NEXT_STEPS, from_encounter
        )
    ):
        raise ValidationError(_("This encounter is not about this person."))
    if kind is not None and not kind.is_active:
        raise ValidationError({"kind": _("This kind of accompaniment is no longer offered.")})
    _check_assignee(follow_up)
    _check_due(follow_up, changed=True)
    with acting_as(acting_user):
        follow_up.full_clean()
        follow_up.save()
    _tell_assignee(acting_user, follow_up)
    return follow_up


EDITABLE = (
    "what",
    "due_on",
    "due_time",
    "duration_minutes",
    "assigned_to",
    "kind",
    "place_partner",
    "place_text",
)


@transaction.atomic
def follow_up_update(*, acting_user: User, follow_up: FollowUp, **changes: Any) -> FollowUp:
    """Change what, when, where, or who is in charge of an open follow-up. An
    accompaniment stays one (its kind may change, not go)."""
    follow_up = selectors.follow_up_for_update(follow_up)
    follow_up_policy.check(acting_user, Actions.EDIT, follow_up)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"follow_up_update cannot change {sorted(unknown)}")
    was_accompaniment = follow_up.is_accompaniment
    before = {name: getattr(follow_up, name) for name in ("due_on", "assigned_to_id", "kind_id")}
    for name, value in changes.items():
        setattr(follow_up, name, value)
    if was_accompaniment and follow_up.kind_id is None:
        raise ValidationError({"kind": _("Choose the kind of accompaniment.")})
    if follow_up.kind_id != before["kind_id"] and follow_up.kind and not follow_up.kind.is_active:
        raise ValidationError({"kind": _("This kind of accompaniment is no longer offered.")})
    follow_up.assigned_to = follow_up.assigned_to or acting_user
    _check_assignee(follow_up)
    _check_due(follow_up, changed=follow_up.due_on != before["due_on"])
    with acting_as(acting_user):
        follow_up.full_clean()
        follow_up.save()
    if follow_up.assigned_to_id != before["assigned_to_id"]:
        _tell_assignee(acting_user, follow_up)
    return follow_up


@transaction.atomic
def follow_up_close(
    *,
    acting_user: User,
    follow_up: FollowUp,
    status: FollowUpStatus | str,
    outcome: str | None = None,
) -> FollowUp:
    """Mark an open follow-up done or cancelled, with who and when. How an
    accompaniment went may be written at the same time."""
    follow_up = selectors.follow_up_for_update(follow_up)
    follow_up_policy.check(acting_user, Actions.CLOSE, follow_up)
    status = FollowUpStatus(status)
    if status == FollowUpStatus.OPEN:
        raise ValidationError({"status": _("Choose done or cancelled.")})
    follow_up.status = status
    follow_up.closed_by = acting_user
    follow_up.closed_at = timezone.now()
    if outcome is not None and outcome.strip():
        follow_up.outcome = outcome.strip()
    with acting_as(acting_user):
        follow_up.full_clean()
        follow_up.save()
    return follow_up


@transaction.atomic
def accompaniment_log_encounter(
    *,
    acting_user: User,
    follow_up: FollowUp,
    outcome: str | None = None,
    sign_note: bool = False,
    **encounter_arguments: Any,
) -> Encounter:
    """Record an accompaniment as the encounter it was (``encounter_arguments``
    are those of ``interventions.services.encounter_log``, about the same
    person), keep how it went, and mark it done if it was still open. Decided
    on the locked row: a second tab cannot log the same accompaniment twice."""
    follow_up = selectors.follow_up_for_update(follow_up)
    follow_up_policy.check(acting_user, Actions.LOG_ENCOUNTER, follow_up)
    client = encounter_arguments.get("client")
    if client is None or client.pk != follow_up.client_id:
        raise ValidationError({"client": _("The encounter is with the person accompanied.")})
    encounter = intervention_services.encounter_log(
        acting_user=acting_user, sign_note=sign_note, **encounter_arguments
    )
    follow_up.encounter = encounter
    if outcome is not None and outcome.strip():
        follow_up.outcome = outcome.strip()
    if follow_up.is_open:
        follow_up.status = FollowUpStatus.DONE
        follow_up.closed_by = acting_user
        follow_up.closed_at = timezone.now()
    with acting_as(acting_user):
        follow_up.full_clean()
        follow_up.save()
    return encounter


# Kinds of accompaniment ---------------------------------------------------------
#
# Kept by coordinators like the activities: a kind is retired, never deleted,
# so past accompaniments keep theirs.


def kinds_for(viewer: Any) -> QuerySet[AccompanimentKind]:
    """Every kind, offered ones first, for those who keep the list."""
    if not has_ability(viewer, Ability.MANAGE_ACTIVITIES):
        return AccompanimentKind.objects.none()
    return AccompanimentKind.objects.select_related("activity").order_by(
        "-is_active", "position", "pk"
    )


@transaction.atomic
def kind_save(*, acting_user: User, kind: AccompanimentKind) -> AccompanimentKind:
    """Add a kind, or change its names, its activity or its position."""
    require_ability(acting_user, Ability.MANAGE_ACTIVITIES)
    kind.name_en, kind.name_fr = kind.name_en.strip(), kind.name_fr.strip()
    kind.full_clean()
    taken = {
        name.casefold()
        for pair in AccompanimentKind.objects.exclude(pk=kind.pk).values_list("name_en", "name_fr")
        for name in pair
    }
    clashing = {
        field: _("Another kind already has this name.")
        for field in ("name_en", "name_fr")
        if getattr(kind, field).casefold() in taken
    }
    if clashing:
        raise ValidationError(clashing)
    with acting_as(acting_user):
        kind.save()
    return kind


@transaction.atomic
def kind_set_offered(
    *, acting_user: User, kind: AccompanimentKind, offered: bool
) -> AccompanimentKind:
    """Retire a kind (new accompaniments no longer offer it), or offer it again."""
    require_ability(acting_user, Ability.MANAGE_ACTIVITIES)
    if not offered and kind.is_active:
        offered_now = AccompanimentKind.objects.select_for_update().filter(is_active=True)
        if not offered_now.exclude(pk=kind.pk).exists():
            raise ValidationError(
                _("This is the last kind offered: add or restore another one first.")
            )
    if kind.is_active != offered:
        kind.is_active = offered
        with acting_as(acting_user):
            kind.save(update_fields=["is_active"])
    return kind
