"""Every change to encounters, notes, the safety exception, requests for a peer
and notifications. Each service checks with the policy (interventions/access.py)
that ``acting_user`` may make the change, runs in one transaction, checks what
it saves, and is attributed to ``acting_user`` in the audit trail."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clients import services as client_services
from clients.choices import Situation, TeamRole
from clients.models import Client
from partners.models import Partner
from peersupport.audit import acting_as, count_recent_events, record_event
from peersupport.models import User

from . import selectors
from .access import (
    addendum_policy,
    emergency_access_policy,
    encounter_policy,
    note_policy,
    notification_policy,
    peer_request_policy,
)
from .choices import (
    Audience,
    NoteStatus,
    NotificationKind,
    PeerRequestStatus,
    ReviewStatus,
    is_widening,
)
from .models import (
    Activity,
    Addendum,
    EmergencyAccess,
    Encounter,
    Note,
    NoteRead,
    Notification,
    PeerRequest,
)

NoteActions = note_policy.Action


def participants_error(encounter: Encounter, participants: Iterable[User]) -> str | None:
    """Why some of ``participants`` cannot be named among who took part in
    ``encounter`` (the policy's ``TAKE_PART``: the person's care team, or at an
    anonymous contact its author's colleagues), naming them; None if all can."""
    participants = [p for p in participants if p.pk != encounter.author_id]
    if not participants:
        return None
    may_take_part = set(
        encounter_policy.users_who_can(encounter_policy.Action.TAKE_PART, encounter).filter(
            pk__in=[p.pk for p in participants]
        )
    )
    refused = ", ".join(str(p) for p in participants if p not in may_take_part)
    if not refused:
        return None
    if encounter.client is None:
        return _("Only your colleagues on your care teams can be added: %(names)s.") % {
            "names": refused
        }
    return _("Only members of this person’s care team can be added: %(names)s.") % {
        "names": refused
    }


@transaction.atomic
def encounter_log(
    *,
    acting_user: User,
    client: Client | None = None,
    anonymous_count: int | None = None,
    anonymous_description: str = "",
    occurred_at: datetime | None = None,
    duration_minutes: int | None = None,
    setting: str,
    partner: Partner | None = None,
    activities: Iterable[Activity] = (),
    participants: Iterable[User] = (),
    situation: str = "",
    next_steps: str = "",
    note_body: str = "",
    note_audience: Audience | str | None = None,
    sign_note: bool = False,
) -> Encounter:
    """Log an encounter, and its note if one was written. A living situation
    given here joins the person's history."""
    encounter_policy.check(acting_user, encounter_policy.Action.CREATE)
    activities, participants = list(activities), list(participants)
    encounter = Encounter(
        client=client,
        anonymous_count=anonymous_count,
        anonymous_description=anonymous_description,
        occurred_at=occurred_at or timezone.now(),
        duration_minutes=duration_minutes,
        setting=setting,
        partner=partner,
        situation=situation,
        next_steps=next_steps,
        author=acting_user,
    )
    if client is not None and not encounter_policy.can(
        acting_user, encounter_policy.Action.CREATE, encounter
    ):
        raise ValidationError({"client": _("You are not on this person’s care team.")})
    if not activities:
        raise ValidationError({"activities": _("Choose at least one thing that was done.")})
    if note_body.strip() and client is None:
        raise ValidationError({"note": _("Notes are about a registered person.")})
    others = [p for p in participants if p != acting_user]
    refused = participants_error(encounter, others)
    if refused:
        raise ValidationError({"participants": refused})
    with acting_as(acting_user):
        encounter.full_clean()
        encounter.save()
        encounter.activities.set(activities)
        encounter.participants.set(others)
        if client is not None:
            on = timezone.localtime(encounter.occurred_at).date()
            if situation:
                client_services.client_record_situation(
                    acting_user=acting_user,
                    client=client,
                    situation=Situation(situation),
                    recorded_on=on,
                )
            else:
                client_services.client_record_contact(client=client, on=on)
    if client is not None and note_body.strip():
        note = note_start(
            acting_user=acting_user,
            client=client,
            audience=Audience(note_audience) if note_audience else None,
            body=note_body,
            encounter=encounter,
        )
        if sign_note:
            note_sign(acting_user=acting_user, note=note)
    return encounter


def _check_audience(
    user: User, client: Client, audience: Audience | str, answers: Note | None = None
) -> None:
    """Which audience a note may have is a choice on the form: refused on its field.
    An answer reaches no one the note it answers does not: it may quote it."""
    if Audience(audience) not in note_policy.audiences_for(user, client):
        if Audience(audience) == Audience.CARE_TEAM:
            raise ValidationError(
                {"audience": _("This person has not consented to sharing with the care team.")}
            )
        raise ValidationError({"audience": _("You cannot choose this audience.")})
    if answers is not None and not is_widening(Audience(audience), Audience(answers.audience)):
        raise ValidationError(
            {
                "audience": _(
                    "An answer cannot reach more people than the note it answers (%(audience)s)."
                )
                % {"audience": Audience(answers.audience).label}
            }
        )


def _names(users: Iterable[User]) -> str:
    return ", ".join(str(user) for user in users)


def _check_mentions(user: User, client: Client, mentions: Iterable[User]) -> list[User]:
    """The teammates ``user`` lets know of a note about ``client``: members of the
    person's care team only (refused on the field, naming the others)."""
    mentions = list(dict.fromkeys(mentions))
    if not mentions:
        return []
    allowed = set(
        note_policy.teammates_to_mention(user, client)
        .filter(pk__in=[m.pk for m in mentions])
        .values_list("pk", flat=True)
    )
    refused = [m for m in mentions if m.pk not in allowed]
    if refused:
        raise ValidationError(
            {
                "mentions": _(
                    "Only teammates on this person’s care team can be let know: %(names)s."
                )
                % {"names": _names(refused)}
            }
        )
    return mentions


def _answered_root(user: User, client: Client, answers: Note) -> Note:
    """The note that began the conversation ``answers`` belongs to: an answer to
    an answer joins the first note's conversation. Both must be signed notes
    about ``client`` that ``user`` may read."""
    root = answers.answers_note or answers
    for note in {answers, root}:
        if (
            note.client_id != client.pk
            or not note.is_signed
            or not note_policy.can(user, NoteActions.VIEW, note)
        ):
            raise ValidationError(
                _("Only a signed note about this person that you read can be answered.")
            )
    return root


def conversation_url(note: Note) -> str:
    """Where a note is read in its conversation: the first note's thread, at it."""
    root_pk = note.answers_note_id or note.pk
    return reverse("shared:conversation", args=[root_pk]) + f"#note-{note.pk}"


@transaction.atomic
def note_start(
    *,
    acting_user: User,
    client: Client,
    audience: Audience | str | None = None,
    body: str = "",
    encounter: Encounter | None = None,
    answers: Note | None = None,
    mentions: Iterable[User] = (),
) -> Note:
    """Start a draft, visible to its author only. The audience defaults to the
    narrowest one for the author's place on the team; an answer's, to the
    audience of the note that began the conversation, which it is linked to.
    ``mentions``: teammates told of the note when it is signed."""
    note = Note(client=client, encounter=encounter, author=acting_user, body=body)
    note_policy.check(acting_user, NoteActions.CREATE, note)
    audiences = note_policy.audiences_for(acting_user, client)
    root = _answered_root(acting_user, client, answers) if answers is not None else None
    if root is not None:
        note.answers_note = root
        if not audience and Audience(root.audience) in audiences:
            audience = root.audience
    note.audience = audience or audiences[0]
    _check_audience(acting_user, client, note.audience, answers=root)
    if encounter is not None and encounter.client_id != client.pk:
        raise ValidationError({"encounter": _("This encounter is with someone else.")})
    mentioned = _check_mentions(acting_user, client, mentions)
    with acting_as(acting_user):
        note.full_clean()
        note.save()
        note.mentions.set(mentioned)
    return note


@transaction.atomic
def note_save_draft(
    *,
    acting_user: User,
    note: Note,
    body: str,
    audience: Audience | str | None = None,
    mentions: Iterable[User] | None = None,
) -> Note:
    """Save a draft as its author types. Signed notes never change. ``mentions``
    (None: unchanged) may include teammates the audience does not reach yet:
    the author may still widen it, and signing checks."""
    note = selectors.note_for_update(note)  # decide on the stored state
    if not note_policy.can(acting_user, NoteActions.EDIT, note):
        raise ValidationError(_("A signed note cannot be changed; add an addendum instead."))
    if audience and audience != note.audience:
        _check_audience(acting_user, note.client, audience, answers=note.answers_note)
        note.audience = audience
    mentions = None if mentions is None else list(mentions)
    # The person is read only when someone is named (an autosave stays cheap).
    mentioned = _check_mentions(acting_user, note.client, mentions) if mentions else mentions
    note.body = body
    with acting_as(acting_user):
        note.save(update_fields=["body", "audience", "updated_at"])
        if mentioned is not None:
            note.mentions.set(mentioned)
    return note


@transaction.atomic
def note_sign(*, acting_user: User, note: Note) -> Note:
    """Make a draft final. From now on it is only added to. The teammates the
    author let know are told now, each once, if the audience chosen lets them
    read it (else signing is refused on the field, naming them)."""
    note = selectors.note_for_update(note)  # decide on the stored state
    if not note_policy.can(acting_user, NoteActions.SIGN, note):
        raise ValidationError(_("Only the author signs a draft, once."))
    if not (note.body or "").strip():
        raise ValidationError({"body": _("An empty note cannot be signed.")})
    _check_audience(acting_user, note.client, note.audience, answers=note.answers_note)
    mentioned = [m for m in note.mentions.all() if m.pk != acting_user.pk]
    if mentioned:
        readers = set(
            note_policy.users_who_can(NoteActions.VIEW, note)
            .filter(pk__in=[m.pk for m in mentioned])
            .values_list("pk", flat=True)
        )
        unable = [m for m in mentioned if m.pk not in readers]
        if unable:
            raise ValidationError(
                {
                    "mentions": _(
                        "%(names)s cannot read a note for “%(audience)s”. Choose a wider "
                        "audience, or untick them."
                    )
                    % {"names": _names(unable), "audience": note.get_audience_display()}
                }
            )
    with acting_as(acting_user):
        note.status = NoteStatus.SIGNED
        note.signed_at = timezone.now()
        note.save(update_fields=["status", "signed_at", "updated_at"])
    if mentioned:
        # The record's number, never the person's name: notifications show on
        # shared screens.
        notify(
            mentioned,
            NotificationKind.MENTIONED,
            {"user": str(acting_user), "client_id": note.client_id},
            url=conversation_url(note),
        )
    return note


@transaction.atomic
def note_add_addendum(*, acting_user: User, note: Note, body: str) -> Addendum:
    note = selectors.note_for_update(note)  # decide on the stored state
    addendum = Addendum(note=note, author=acting_user, body=body)
    addendum_policy.check(acting_user, addendum_policy.Action.CREATE, addendum)
    if not body.strip():
        raise ValidationError({"body": _("Write the correction or addition.")})
    with acting_as(acting_user):
        addendum.full_clean()
        addendum.save()
    return addendum


@transaction.atomic
def note_change_audience(*, acting_user: User, note: Note, audience: Audience | str) -> Note:
    """Widen or narrow a signed note's audience. Both are recorded in the audit
    trail; narrowing is marked, since others may already have read the note."""
    audience = Audience(audience)
    note = selectors.note_for_update(note)  # decide on the stored state
    if audience == note.audience:
        return note
    widening = is_widening(Audience(note.audience), audience)
    note_policy.check(acting_user, NoteActions.WIDEN if widening else NoteActions.NARROW, note)
    _check_audience(acting_user, note.client, audience, answers=note.answers_note)
    if not widening:
        # Answers may quote the note: it cannot become narrower than they are.
        wider = [
            Audience(other)
            for other in selectors.audiences_of_answers(note)
            if not is_widening(Audience(other), audience)
        ]
        if wider:
            raise ValidationError(
                {
                    "audience": _(
                        "Answers to this note are shared with “%(audience)s”, and may quote "
                        "it: it cannot reach fewer people than they do. Ask their authors "
                        "to narrow them first."
                    )
                    % {"audience": wider[0].label}
                }
            )
    with acting_as(acting_user):
        note.audience = audience
        note.save(update_fields=["audience", "updated_at"])
        if not widening:
            record_event(
                note,
                action=LogEntry.Action.UPDATE,
                changes={"audience": ["", "narrowed"]},
                extra={"client_id": note.client_id, "severity": "notice"},
            )
    return note


def mark_read(*, reader: User, notes: Iterable[Note]) -> None:
    """Unread markers of the shared feed: these notes have now been seen. Only
    notes ``reader`` may still read are marked (one may have closed since the
    page was listed). One query to check and one to write, whatever the page."""
    ids = {note.pk for note in notes}
    if not ids:
        return
    readable = note_policy.visible_to(reader).filter(pk__in=ids).values_list("pk", flat=True)
    # One INSERT for the whole page (a row at a time would make the feed's
    # queries grow with it); a note already marked keeps its first mark.
    NoteRead.objects.bulk_create(
        [NoteRead(note_id=pk, reader=reader) for pk in sorted(readable)], ignore_conflicts=True
    )


def notifications_mark_read(*, acting_user: User, notifications: Iterable[Notification]) -> int:
    """The notifications ``acting_user`` has now seen (their own only), in one
    statement."""
    notification_policy.check(acting_user, notification_policy.Action.MARK_READ)
    ids = [n.pk for n in notifications if n.read_at is None]
    if not ids:
        return 0
    return (
        notification_policy.visible_to(acting_user)
        .filter(pk__in=ids, read_at__isnull=True)
        .update(read_at=timezone.now())
    )


def notify(
    recipients: Iterable[User], kind: NotificationKind, params: dict[str, Any], url: str = ""
) -> None:
    """Tell each recipient in their notifications. ``params`` name a record by its
    number, never a person by name: notifications show on shared screens."""
    notifications = [
        Notification(recipient=recipient, kind=kind, params=params, url=url)
        for recipient in recipients
    ]
    for notification in notifications:
        # The recipients are accounts already read; checking each one exists
        # again would cost a query per recipient.
        notification.full_clean(exclude=["recipient"])
    Notification.objects.bulk_create(notifications)


MAX_FAILED_CONFIRMATIONS = 5
FAILED_CONFIRMATION_WINDOW = timedelta(minutes=15)
FAILED_CONFIRMATION = "emergency_password_failed"


def _record_failed_confirmation(user: User, client: Client) -> None:
    with acting_as(user):
        record_event(
            client,
            action=LogEntry.Action.ACCESS,
            extra={"client_id": client.pk, "event": FAILED_CONFIRMATION, "severity": "high"},
        )


def _recent_failed_confirmations(user: User) -> int:
    return count_recent_events(
        actor=user,
        event=FAILED_CONFIRMATION,
        since=timezone.now() - FAILED_CONFIRMATION_WINDOW,
    )


def emergency_access_open(
    *, acting_user: User, client: Client, password: str, reason: str, justification: str
) -> EmergencyAccess:
    """Lift confidentiality on one person's notes, for one user, for a while.

    Exceptional: the user proves who they are again and says why; the authors
    of the notes opened and the coordinators are told; a coordinator reviews it.
    A wrong password is recorded (outside the refused transaction, so the
    record stays) and repeated failures lock the exception for a while.
    """
    if not emergency_access_policy.can(
        acting_user, emergency_access_policy.Action.OPEN, EmergencyAccess(client=client)
    ):
        raise ValidationError(_("Only a clinician on the care team or a coordinator may do this."))
    if _recent_failed_confirmations(acting_user) >= MAX_FAILED_CONFIRMATIONS:
        raise ValidationError(
            {"password": _("Too many wrong passwords. Wait a few minutes, or ask a coordinator.")}
        )
    errors = {}
    if not acting_user.check_password(password or ""):
        _record_failed_confirmation(acting_user, client)
        errors["password"] = _("This is not your password.")
    if not justification.strip():
        errors["justification"] = _("Say what is happening and why the notes are needed.")
    if errors:
        raise ValidationError(errors)
    return _grant_emergency_access(
        acting_user=acting_user, client=client, reason=reason, justification=justification
    )


@transaction.atomic
def _grant_emergency_access(
    *, acting_user: User, client: Client, reason: str, justification: str
) -> EmergencyAccess:
    now = timezone.now()
    grant = EmergencyAccess(
        client=client,
        user=acting_user,
        reason=reason,
        justification=justification,
        granted_at=now,
        expires_at=now + timedelta(minutes=settings.EMERGENCY_ACCESS_MINUTES),
    )
    # Before the grant exists: once it does, every note counts as readable.
    authors = selectors.authors_to_tell_of_emergency(opener=acting_user, client=client, now=now)
    with acting_as(acting_user):
        grant.full_clean()
        grant.save()
    params = {"user": str(acting_user), "client_id": client.pk, "access_id": grant.pk}
    reviewers = emergency_access_policy.users_who_can(emergency_access_policy.Action.REVIEW, grant)
    recipients = {*authors, *reviewers.exclude(pk=acting_user.pk)}
    notify(recipients, NotificationKind.EMERGENCY_ACCESS, params, url="/audit/emergency/")
    return grant


@transaction.atomic
def emergency_access_review(
    *, acting_user: User, grant: EmergencyAccess, status: ReviewStatus | str, comment: str = ""
) -> EmergencyAccess:
    if not emergency_access_policy.can(acting_user, emergency_access_policy.Action.REVIEW, grant):
        raise ValidationError(_("Only a coordinator reviews the use of the safety exception."))
    grant = selectors.emergency_access_for_update(grant)
    if grant.user_id == acting_user.pk:
        raise ValidationError(_("Another coordinator must review your own use of the exception."))
    if grant.review_status != ReviewStatus.PENDING:
        raise ValidationError(_("This use has already been reviewed."))
    if status == ReviewStatus.PENDING:
        raise ValidationError({"status": _("Mark it reviewed or flagged.")})
    if status == ReviewStatus.FLAGGED and not comment.strip():
        raise ValidationError({"comment": _("Say why this use is flagged.")})
    with acting_as(acting_user):
        grant.review_status = status
        grant.review_comment = comment
        grant.reviewed_by = acting_user
        grant.reviewed_at = timezone.now()
        grant.save()
    return grant


@transaction.atomic
def emergency_disclosure_record(
    *, acting_user: User, grant: EmergencyAccess, what: str, to_whom: str, purpose: str
) -> EmergencyAccess:
    """Record what was disclosed from the opened notes, to whom and why."""
    emergency_access_policy.check(
        acting_user, emergency_access_policy.Action.RECORD_DISCLOSURE, grant
    )
    with acting_as(acting_user):
        grant.disclosed_what, grant.disclosed_to, grant.disclosure_purpose = what, to_whom, purpose
        grant.save(update_fields=["disclosed_what", "disclosed_to", "disclosure_purpose"])
    return grant


@transaction.atomic
def peer_request_open(*, acting_user: User, client: Client, reason: str) -> PeerRequest:
    request = PeerRequest(client=client, requested_by=acting_user, reason=reason)
    peer_request_policy.check(acting_user, peer_request_policy.Action.CREATE, request)
    if not reason.strip():
        raise ValidationError({"reason": _("Say what the person could use a peer for.")})
    with acting_as(acting_user):
        request.full_clean()
        request.save()
    notify(
        peer_request_policy.users_who_can(peer_request_policy.Action.ASSIGN, request),
        NotificationKind.PEER_REQUESTED,
        {"user": str(acting_user), "client_id": client.pk},
        url="/shared/requests/",
    )
    return request


@transaction.atomic
def peer_request_fulfil(*, acting_user: User, request: PeerRequest, peer: User) -> PeerRequest:
    """A coordinator assigns a peer, or a peer takes the request themselves."""
    Actions = peer_request_policy.Action
    request = selectors.peer_request_for_update(request)  # decide on the stored state
    peer_request_policy.check(acting_user, Actions.FULFIL, request)
    if request.status != PeerRequestStatus.OPEN:
        raise ValidationError(_("This request is no longer open."))
    if not peer_request_policy.users_who_can(Actions.TAKE, request).filter(pk=peer.pk).exists():
        raise ValidationError({"peer": _("Only a peer can be put on the team for a request.")})
    if peer_request_policy.can(acting_user, Actions.ASSIGN, request):
        client_services.team_add_member(
            acting_user=acting_user,
            client=request.client,
            member=peer,
            team_role=TeamRole.PEER,
            reason=request.reason,
        )
    elif peer == acting_user and peer_request_policy.can(acting_user, Actions.TAKE, request):
        client_services.team_join(
            acting_user=acting_user,
            client=request.client,
            reason=_("Answered a request for a peer: %(reason)s") % {"reason": request.reason},
        )
    else:
        raise PermissionDenied
    with acting_as(acting_user):
        request.status = PeerRequestStatus.FULFILLED
        request.fulfilled_by = peer
        request.closed_at = timezone.now()
        request.save()
    return request
