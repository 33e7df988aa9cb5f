"""Every change to support groups and their sessions. Each service checks with
the policies (groups/access.py) that ``acting_user`` may make the change, runs
in one transaction, checks what it saves, and is attributed to
``acting_user`` in the audit trail.

Nothing is deleted but a person recorded by mistake as having come (the trail
keeps that they were, and who took them off): a group is retired, a session
cancelled, and a session's note, once written, is only added to.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clients.models import Client
from partners.models import Partner
from partners.selectors import partners_to_pick
from peersupport.audit import acting_as
from peersupport.models import User

from . import selectors
from .access import group_attendance_policy, group_session_policy, support_group_policy
from .choices import Recurrence, SessionNoteAudience
from .models import GroupAttendance, GroupSession, SupportGroup

GroupActions = support_group_policy.Action
SessionActions = group_session_policy.Action
AttendanceActions = group_attendance_policy.Action

# A session is recorded after it took place, or planned a little ahead; one
# dated years away is a mistyped year.
MOST_DAYS_PAST = 366
MOST_DAYS_AHEAD = 92


# Groups ---------------------------------------------------------------------


def _check_place(group: SupportGroup, acting_user: User, *, partner_changed: bool) -> None:
    group.place_text = (group.place_text or "").strip()
    if group.place_partner_id and group.place_text:
        raise ValidationError({"place_text": _("Choose a partner or write the place, not both.")})
    if (
        partner_changed
        and group.place_partner_id
        and not partners_to_pick(acting_user).filter(pk=group.place_partner_id).exists()
    ):
        raise ValidationError({"place_partner": _("Choose a partner of the directory still open.")})


def _check_facilitators(facilitators: Iterable[User]) -> list[User]:
    chosen = list(facilitators)
    if not chosen:
        raise ValidationError({"facilitators": _("Name at least one facilitator.")})
    allowed = set(
        support_group_policy.users_who_can(GroupActions.FACILITATE)
        .filter(pk__in=[user.pk for user in chosen])
        .values_list("pk", flat=True)
    )
    if any(user.pk not in allowed for user in chosen):
        raise ValidationError(
            {"facilitators": _("Choose peers or clinicians whose accounts are active.")}
        )
    return chosen


@transaction.atomic
def group_create(
    *,
    acting_user: User,
    name: str,
    facilitators: Iterable[User],
    description: str = "",
    place_partner: Partner | None = None,
    place_text: str = "",
    recurrence: Recurrence | str = Recurrence.WEEKLY,
    schedule: str = "",
) -> SupportGroup:
    """Start a group, run by ``facilitators`` (the author among them, usually)."""
    group = SupportGroup(
        name=name.strip(),
        description=description.strip(),
        place_partner=place_partner,
        place_text=place_text,
        recurrence=recurrence,
        schedule=schedule.strip(),
        created_by=acting_user,
    )
    support_group_policy.check(acting_user, GroupActions.CREATE, group)
    _check_place(group, acting_user, partner_changed=True)
    chosen = _check_facilitators(facilitators)
    with acting_as(acting_user):
        group.full_clean()
        group.save()
        group.facilitators.set(chosen)
    return group


GROUP_EDITABLE = (
    "name",
    "description",
    "place_partner",
    "place_text",
    "recurrence",
    "schedule",
    "facilitators",
    "is_active",
)


@transaction.atomic
def group_update(*, acting_user: User, group: SupportGroup, **changes: Any) -> SupportGroup:
    """Change a group's name, place, schedule or facilitators, or retire it
    (``is_active=False``: it keeps its sessions and no new one is recorded)
    or bring it back. A facilitator may hand the group over, leaving it."""
    support_group_policy.check(acting_user, GroupActions.EDIT, group)
    unknown = set(changes) - set(GROUP_EDITABLE)
    if unknown:
        raise TypeError(f"group_update cannot change {sorted(unknown)}")
    facilitators = changes.pop("facilitators", None)
    partner_before = group.place_partner_id
    for name, value in changes.items():
        setattr(group, name, value.strip() if isinstance(value, str) else value)
    _check_place(group, acting_user, partner_changed=group.place_partner_id != partner_before)
    chosen = _check_facilitators(facilitators) if facilitators is not None else None
    with acting_as(acting_user):
        group.full_clean()
        group.save()
        if chosen is not None:
            group.facilitators.set(chosen)
    return group


# Sessions -------------------------------------------------------------------


def held_on_error(held_on: date, today: date | None = None) -> str | None:
    """Why ``held_on`` is refused as a session's date (shown on the field)."""
    today = today or timezone.localdate()
    earliest = today - timedelta(days=MOST_DAYS_PAST)
    latest = today + timedelta(days=MOST_DAYS_AHEAD)
    if earliest <= held_on <= latest:
        return None
    return _(
        "Choose a day between %(earliest)s and %(latest)s: a session took place "
        "within the past year, or is planned within three months."
    ) % {"earliest": date_format(earliest), "latest": date_format(latest)}


def _check_session(session: GroupSession, *, date_changed: bool, attendees: int) -> None:
    if date_changed and (error := held_on_error(session.held_on)):
        raise ValidationError({"held_on": error})
    if session.held_on > timezone.localdate():
        if attendees:
            raise ValidationError(
                {"attendees": _("Who came is recorded once the session has taken place.")}
            )
        if session.anonymous_count:
            raise ValidationError(
                {"anonymous_count": _("Who came is recorded once the session has taken place.")}
            )


def _add_attendees(acting_user: User, session: GroupSession, clients: Iterable[Client]) -> None:
    for client in clients:
        attendance = GroupAttendance(session=session, client=client, recorded_by=acting_user)
        if not group_attendance_policy.can(acting_user, AttendanceActions.RECORD, attendance):
            raise ValidationError(
                {"attendees": _("You can name only people with an open file on your care teams.")}
            )
        with acting_as(acting_user):
            attendance.full_clean()
            attendance.save()


def _note_error_if_empty(note: str) -> None:
    if not note.strip():
        raise ValidationError({"note_addition": _("Write what to add to the note.")})


def _stamp(acting_user: User) -> str:
    return _("Added by %(name)s on %(date)s:") % {
        "name": acting_user,
        "date": date_format(timezone.localdate()),
    }


@transaction.atomic
def session_record(
    *,
    acting_user: User,
    group: SupportGroup,
    held_on: date,
    starts_at: time | None = None,
    duration_minutes: int | None = None,
    topic: str = "",
    anonymous_count: int = 0,
    note: str = "",
    note_audience: SessionNoteAudience | str = SessionNoteAudience.PEERS,
    attendees: Iterable[Client] = (),
) -> GroupSession:
    """Record a session of a group ``acting_user`` facilitates: when, on what,
    the registered people who came (people with an open file on their care
    teams) and how many others came, and a note for the audience chosen."""
    support_group_policy.check(acting_user, GroupActions.RECORD_SESSION, group)
    attendees = list(dict.fromkeys(attendees))
    session = GroupSession(
        group=group,
        held_on=held_on,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        topic=topic.strip(),
        anonymous_count=anonymous_count or 0,
        note=note.strip() or None,
        note_audience=note_audience,
        recorded_by=acting_user,
    )
    _check_session(session, date_changed=True, attendees=len(attendees))
    with acting_as(acting_user):
        session.full_clean()
        session.save()
    _add_attendees(acting_user, session, attendees)
    return session


SESSION_EDITABLE = ("held_on", "starts_at", "duration_minutes", "topic", "anonymous_count")


@transaction.atomic
def session_update(
    *,
    acting_user: User,
    session: GroupSession,
    add_attendees: Iterable[Client] = (),
    remove_attendees: Iterable[Client] = (),
    note: str | None = None,
    note_audience: SessionNoteAudience | str | None = None,
    note_addition: str | None = None,
    **changes: Any,
) -> GroupSession:
    """Change a session's date, topic and counts, and who came. The note may be
    written (with its audience) while it is empty; after that it is only added
    to (``note_addition``, after it, with who and when), by a facilitator who
    may read it, and never rewritten."""
    session = selectors.session_for_update(session)
    group_session_policy.check(acting_user, SessionActions.EDIT, session)
    unknown = set(changes) - set(SESSION_EDITABLE)
    if unknown:
        raise TypeError(f"session_update cannot change {sorted(unknown)}")
    held_on_before = session.held_on
    for name, value in changes.items():
        setattr(session, name, value.strip() if isinstance(value, str) else value)
    session.anonymous_count = session.anonymous_count or 0
    current = selectors.session_attendance_ids(session)
    removing = {client.pk for client in remove_attendees} & current
    adding = [client for client in dict.fromkeys(add_attendees) if client.pk not in current]
    _check_session(
        session,
        date_changed=session.held_on != held_on_before,
        attendees=len(current - removing) + len(adding),
    )
    written = (session.note or "").strip()
    if note is not None and note.strip():
        if written:
            raise ValidationError(
                {"note": _("The note is written already: add to it instead of rewriting it.")}
            )
        session.note = note.strip()
        if note_audience is not None:
            session.note_audience = note_audience
    elif note_addition is not None and note_addition.strip():
        if not written or not group_session_policy.can(
            acting_user, SessionActions.READ_NOTE, session
        ):
            raise ValidationError(
                {"note_addition": _("Only a facilitator who may read the note adds to it.")}
            )
        session.note = f"{written}\n\n{_stamp(acting_user)}\n{note_addition.strip()}"
    with acting_as(acting_user):
        session.full_clean()
        session.save()
    for attendance in selectors.attendances_of(session, removing):
        _remove(acting_user, attendance)
    _add_attendees(acting_user, session, adding)
    return session


def _remove(acting_user: User, attendance: GroupAttendance) -> None:
    group_attendance_policy.check(acting_user, AttendanceActions.REMOVE, attendance)
    with acting_as(acting_user):
        attendance.delete()


@transaction.atomic
def session_cancel(*, acting_user: User, session: GroupSession) -> GroupSession:
    """Mark a session as not held (called off, or recorded on the wrong day or
    group). It stays, with who came; it is no longer counted nor on anyone's
    timeline, and no longer changed."""
    session = selectors.session_for_update(session)
    group_session_policy.check(acting_user, SessionActions.EDIT, session)
    session.cancelled_at = timezone.now()
    with acting_as(acting_user):
        session.save(update_fields=["cancelled_at", "updated_at"])
    return session


@transaction.atomic
def attendance_remove(*, acting_user: User, attendance: GroupAttendance) -> GroupSession:
    """Take off a session's list a person recorded by mistake as having come.
    The row goes; the audit trail keeps that it was there, and who took it off."""
    attendance = selectors.attendance_for_update(attendance)
    session = attendance.session
    _remove(acting_user, attendance)
    return session
