"""Every change to work that is not an encounter and to debriefings asked
for. Each service asks the policy (staff/access.py) first, runs in one
transaction, checks what it saves, and is attributed to ``acting_user`` in
the audit trail.

A note, once saved, is never rewritten: its author may only add to it, each
addition dated. A supervision or a debriefing is between the peer and who led
it, and is logged by one of the two."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from interventions import services as intervention_services
from interventions.access import encounter_policy
from interventions.choices import NotificationKind
from interventions.models import Encounter
from partners.models import Partner
from peersupport.audit import acting_as
from peersupport.models import User

from .access import (
    backing_policy,
    debriefing_request_policy,
    supervisor_of,
    work_activity_policy,
)
from .choices import PRIVATE_KINDS, DebriefingStatus, WorkKind
from .models import DebriefingRequest, WorkActivity

M = TypeVar("M", bound=Model)
W = work_activity_policy.Action
D = debriefing_request_policy.Action


def _locked(rows: QuerySet[M], pk: int) -> M:
    """The row ``pk`` among ``rows`` (a policy's), locked until the end of the
    transaction; refused when the user may not see it."""
    row = rows.select_for_update().filter(pk=pk).first()
    if row is None:
        raise PermissionDenied
    return row


# Longer than any working day: a length beyond it is a mistyped number.
MOST_MINUTES = 12 * 60


def _check_when(occurred_on: date | None, duration_minutes: int | None) -> dict[str, str]:
    errors = {}
    if occurred_on is not None and occurred_on > timezone.localdate():
        errors["occurred_on"] = _("Choose today or a day before: log work once it is done.")
    if duration_minutes is None or not 1 <= duration_minutes <= MOST_MINUTES:
        errors["duration_minutes"] = _("Write how long it lasted, from 1 to %(most)d minutes.") % {
            "most": MOST_MINUTES
        }
    return errors


def _check_people(activity: WorkActivity, attendees: set[User]) -> set[User]:
    """Who was there, checked against the kind; returns who is saved as attendees."""
    errors: dict[str, str] = {}
    may_attend = work_activity_policy.users_who_can(W.ATTEND)
    if activity.kind in PRIVATE_KINDS:
        if activity.peer is None:
            errors["peer"] = _("Choose the peer.")
        elif (
            not backing_policy.users_who_can(backing_policy.Action.BE_BACKED)
            .filter(pk=activity.peer.pk)
            .exists()
        ):
            errors["peer"] = _("Choose a peer support worker.")
        if activity.led_by is None:
            errors["led_by"] = _("Choose who led it.")
        elif not may_attend.filter(pk=activity.led_by.pk).exists():
            errors["led_by"] = _("Choose a current member of staff.")
        elif activity.peer is not None and activity.led_by.pk == activity.peer.pk:
            errors["led_by"] = _("Someone else than the peer leads it.")
        if errors:
            raise ValidationError(errors)
        two: set[User] = {activity.peer, activity.led_by}  # type: ignore[arg-type]
        if attendees - two:
            raise ValidationError(
                {
                    "attendees": _(
                        "A supervision or a debriefing is between the peer and who led it: "
                        "name nobody else."
                    )
                }
            )
        return two
    activity.peer = activity.led_by = None
    attendees = attendees | {activity.author}
    strangers = {user.pk for user in attendees} - set(
        may_attend.filter(pk__in=[user.pk for user in attendees]).values_list("pk", flat=True)
    )
    if strangers:
        raise ValidationError({"attendees": _("Choose current members of staff only.")})
    return attendees


def _check_outreach(activity: WorkActivity) -> None:
    if activity.kind != WorkKind.OUTREACH:
        activity.partner = None
        activity.contacts_count = None
        return
    errors = {}
    if activity.partner is None:
        errors["partner"] = _("Choose the partner site of the round.")
    if activity.contacts_count is None:
        errors["contacts_count"] = _("Write how many people you met there (0 if nobody).")
    if errors:
        raise ValidationError(errors)


def _added_to(note: str | None, addition: str, when: date) -> str:
    addition = addition.strip()
    if not addition:
        return note or ""
    if not (note or "").strip():
        return addition
    heading = _("Added on %(date)s:") % {"date": date_format(when)}
    return f"{note.rstrip()}\n\n{heading}\n{addition}"  # type: ignore[union-attr]


@transaction.atomic
def work_log(
    *,
    acting_user: User,
    kind: WorkKind | str,
    occurred_on: date,
    duration_minutes: int,
    attendees: Iterable[User] = (),
    peer: User | None = None,
    led_by: User | None = None,
    partner: Partner | None = None,
    contacts_count: int | None = None,
    note: str = "",
) -> WorkActivity:
    """Log work that is not an encounter. The author is among who was there;
    a supervision or a debriefing names the peer and who led it (both among
    who was there, the author one of them); an outreach round its partner
    site and how many people were met."""
    if kind not in WorkKind.values:
        raise ValidationError({"kind": _("Choose a kind of work.")})
    activity = WorkActivity(
        kind=kind,
        occurred_on=occurred_on,
        duration_minutes=duration_minutes,
        peer=peer,
        led_by=led_by,
        partner=partner,
        contacts_count=contacts_count,
        note=(note or "").strip(),
        author=acting_user,
    )
    work_activity_policy.check(acting_user, W.CREATE)
    errors = _check_when(occurred_on, duration_minutes)
    if errors:
        raise ValidationError(errors)
    present = _check_people(activity, set(attendees))
    if not work_activity_policy.can(acting_user, W.CREATE, activity):
        raise ValidationError(
            {
                "peer": _(
                    "You log a supervision or a debriefing you were in: as the peer "
                    "or as who led it."
                )
            }
        )
    _check_outreach(activity)
    with acting_as(acting_user):
        activity.full_clean()
        activity.save()
        activity.attendees.set(present)
    return activity


@transaction.atomic
def work_update(
    *,
    acting_user: User,
    activity: WorkActivity,
    occurred_on: date | None = None,
    duration_minutes: int | None = None,
    attendees: Iterable[User] | None = None,
    partner: Partner | None = None,
    contacts_count: int | None = None,
    add_to_note: str = "",
) -> WorkActivity:
    """Change when, how long, who was there and where; add to the note,
    dated (what it said stays as it was). The kind, and the peer and who led a
    supervision or a debriefing, stay: they decide who reads the note."""
    activity = _locked(work_activity_policy.visible_to(acting_user), activity.pk)
    work_activity_policy.check(acting_user, W.EDIT, activity)
    if occurred_on is not None:
        activity.occurred_on = occurred_on
    if duration_minutes is not None:
        activity.duration_minutes = duration_minutes
    errors = _check_when(occurred_on, activity.duration_minutes)
    if errors:
        raise ValidationError(errors)
    if activity.kind == WorkKind.OUTREACH:
        activity.partner = partner or activity.partner
        if contacts_count is not None:
            activity.contacts_count = contacts_count
    present = None
    if attendees is not None and activity.kind not in PRIVATE_KINDS:
        present = _check_people(activity, set(attendees))
    _check_outreach(activity)
    activity.note = _added_to(activity.note, add_to_note, timezone.localdate())
    with acting_as(acting_user):
        activity.full_clean()
        activity.save()
        if present is not None:
            activity.attendees.set(present)
    return activity


# Debriefings asked for --------------------------------------------------------


def open_request_of(peer: Any) -> DebriefingRequest | None:
    """The peer's request still waiting, if any."""
    return (
        debriefing_request_policy.visible_to(peer)
        .filter(peer=peer, status=DebriefingStatus.OPEN)
        .first()
    )


@transaction.atomic
def debriefing_ask(
    *, acting_user: User, encounter: Encounter | None = None
) -> tuple[DebriefingRequest, bool]:
    """Ask one's supervisor for a debriefing, perhaps after ``encounter`` (one
    the peer may see). The supervisor is told the request's number, nothing
    more. A request already waiting is returned as it is (``False``): one
    debriefing answers both."""
    debriefing_request_policy.check(acting_user, D.ASK)
    if encounter is not None and not encounter_policy.can(
        acting_user, encounter_policy.Action.VIEW, encounter
    ):
        raise ValidationError(_("This encounter is not one you can see."))
    # Locks the peer's row: two taps at once make one request.
    User.objects.select_for_update().filter(pk=acting_user.pk).first()
    waiting = open_request_of(acting_user)
    if waiting is not None:
        return waiting, False
    supervisor = supervisor_of(acting_user)
    if supervisor is None:
        raise ValidationError(
            _(
                "You have no supervisor named yet, so nobody would receive the request. "
                "Ask a coordinator to name your supervisor."
            )
        )
    request = DebriefingRequest(peer=acting_user, supervisor=supervisor, encounter=encounter)
    debriefing_request_policy.check(acting_user, D.ASK, request)
    with acting_as(acting_user):
        request.full_clean()
        request.save()
    intervention_services.notify(
        [supervisor],
        NotificationKind.DEBRIEFING_REQUESTED,
        {"request_id": request.pk},
        url=reverse("work:debriefings"),
    )
    return request, True


def debriefings_to_link(request: DebriefingRequest, supervisor: User):
    """Debriefings the supervisor led with the request's peer that no request
    is held as yet: one of them may be the debriefing asked for."""
    # Only the supervisor holds a request, and links only what they led: the
    # requests they see are all those that could hold one of these.
    taken = (
        debriefing_request_policy.visible_to(supervisor)
        .filter(held_as__isnull=False)
        .values("held_as")
    )
    return (
        work_activity_policy.visible_to(supervisor)
        .filter(kind=WorkKind.DEBRIEFING, peer=request.peer_id, led_by=supervisor)
        .exclude(pk__in=taken)
        .order_by("-occurred_on", "-pk")
    )


@transaction.atomic
def debriefing_hold(
    *,
    acting_user: User,
    request: DebriefingRequest,
    activity: WorkActivity | None = None,
    occurred_on: date | None = None,
    duration_minutes: int | None = None,
    note: str = "",
) -> DebriefingRequest:
    """The supervisor says the debriefing was held: either one already logged
    (``activity``), or logged now, led by them, with the peer."""
    request = _locked(debriefing_request_policy.visible_to(acting_user), request.pk)
    debriefing_request_policy.check(acting_user, D.HOLD, request)
    if activity is not None:
        if not debriefings_to_link(request, acting_user).filter(pk=activity.pk).exists():
            raise ValidationError(
                {
                    "activity": _(
                        "Choose a debriefing you led with this peer, not held for another request."
                    )
                }
            )
    else:
        activity = work_log(
            acting_user=acting_user,
            kind=WorkKind.DEBRIEFING,
            occurred_on=occurred_on or timezone.localdate(),
            duration_minutes=duration_minutes,  # type: ignore[arg-type]
            peer=request.peer,
            led_by=acting_user,
            note=note,
        )
    request.status = DebriefingStatus.HELD
    request.held_as = activity
    request.closed_at = timezone.now()
    with acting_as(acting_user):
        request.full_clean()
        request.save()
    return request


@transaction.atomic
def debriefing_withdraw(*, acting_user: User, request: DebriefingRequest) -> DebriefingRequest:
    """The peer no longer needs the debriefing asked for; the request stays, withdrawn."""
    request = _locked(debriefing_request_policy.visible_to(acting_user), request.pk)
    debriefing_request_policy.check(acting_user, D.WITHDRAW, request)
    request.status = DebriefingStatus.WITHDRAWN
    request.closed_at = timezone.now()
    with acting_as(acting_user):
        request.full_clean()
        request.save()
    return request


def can_ask(user: Any) -> bool:
    """Whether ``user`` may ask for a debriefing now (a peer with a supervisor)."""
    return debriefing_request_policy.can(user, D.ASK) and supervisor_of(user) is not None
