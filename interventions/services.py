"""Every change to encounters, notes and the safety exception. Each service runs
in one transaction, checks what it saves, and is attributed to ``acting_user``
in the audit trail."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients import services as client_services
from clients.choices import TeamRole
from clients.models import Client
from peersupport.audit import acting_as
from peersupport.models import User
from peersupport.roles import Ability, Role

from . import access
from .choices import (
    Audience,
    NoteStatus,
    NotificationKind,
    PeerRequestStatus,
    ReviewStatus,
    is_widening,
)
from .models import (
    Addendum,
    EmergencyAccess,
    Encounter,
    Note,
    NoteRead,
    Notification,
    PeerRequest,
)


@transaction.atomic
def encounter_log(
    *,
    acting_user,
    client: Client | None = None,
    anonymous_count: int | None = None,
    anonymous_description: str = "",
    occurred_at=None,
    duration_minutes: int | None = None,
    setting: str,
    partner=None,
    activities=(),
    participants=(),
    situation: str = "",
    next_steps: str = "",
    note_body: str = "",
    note_audience: Audience | None = None,
    sign_note: bool = False,
) -> Encounter:
    """Log an encounter, and its note if one was written. A living situation
    given here joins the person's history."""
    if not access.can_log_encounters(acting_user):
        raise ValidationError(_("Only peers and clinicians log encounters."))
    if (
        client is not None
        and not access.clients_for_new_encounter(acting_user).filter(pk=client.pk).exists()
    ):
        raise ValidationError({"client": _("You are not on this person’s care team.")})
    if not activities:
        raise ValidationError({"activities": _("Choose at least one thing that was done.")})
    if client is not None:
        outsiders = [
            p
            for p in participants
            if p != acting_user
            and not client.memberships.filter(member=p, left_on__isnull=True).exists()
        ]
        if outsiders:
            raise ValidationError(
                {
                    "participants": _(
                        "Only members of this person’s care team can be added: %(names)s."
                    )
                    % {"names": ", ".join(str(p) for p in outsiders)}
                }
            )
    with acting_as(acting_user):
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
        encounter.full_clean()
        encounter.save()
        encounter.activities.set(activities)
        encounter.participants.set([p for p in participants if p != acting_user])
        if client is not None:
            on = timezone.localtime(encounter.occurred_at).date()
            if situation:
                client_services.client_record_situation(
                    acting_user=acting_user, client=client, situation=situation, recorded_on=on
                )
            else:
                client_services.client_record_contact(client=client, on=on)
    if client is not None and note_body.strip():
        note = note_start(
            acting_user=acting_user,
            client=client,
            audience=note_audience or None,
            body=note_body,
            encounter=encounter,
        )
        if sign_note:
            note_sign(acting_user=acting_user, note=note)
    return encounter


def _check_audience(user, client, audience):
    if not access.can_use_audience(user, client, audience):
        if Audience(audience) == Audience.CARE_TEAM:
            raise ValidationError(
                {"audience": _("This person has not consented to sharing with the care team.")}
            )
        raise ValidationError({"audience": _("You cannot choose this audience.")})


@transaction.atomic
def note_start(
    *,
    acting_user,
    client: Client,
    audience: Audience | None = None,
    body: str = "",
    encounter: Encounter | None = None,
) -> Note:
    """Start a draft, visible to its author only. The audience defaults to the
    narrowest one for the author's place on the team."""
    allowed = access.audiences_for(acting_user, client)
    if not allowed:
        raise ValidationError(_("You are not on this person’s care team."))
    audience = audience or allowed[0]
    _check_audience(acting_user, client, audience)
    if encounter is not None and encounter.client_id != client.pk:
        raise ValidationError({"encounter": _("This encounter is with someone else.")})
    with acting_as(acting_user):
        note = Note(
            client=client, encounter=encounter, author=acting_user, audience=audience, body=body
        )
        note.full_clean()
        note.save()
    return note


@transaction.atomic
def note_save_draft(
    *, acting_user, note: Note, body: str, audience: Audience | None = None
) -> Note:
    """Save a draft as its author types. Signed notes never change."""
    note = Note.objects.select_for_update().get(pk=note.pk)
    if note.author_id != acting_user.pk or note.is_signed:
        raise ValidationError(_("A signed note cannot be changed; add an addendum instead."))
    if audience and audience != note.audience:
        _check_audience(acting_user, note.client, audience)
        note.audience = audience
    note.body = body
    with acting_as(acting_user):
        note.save(update_fields=["body", "audience", "updated_at"])
    return note


@transaction.atomic
def note_sign(*, acting_user, note: Note) -> Note:
    """Make a draft final. From now on it is only added to."""
    note = Note.objects.select_for_update().get(pk=note.pk)
    if note.author_id != acting_user.pk or note.is_signed:
        raise ValidationError(_("Only the author signs a draft, once."))
    if not (note.body or "").strip():
        raise ValidationError({"body": _("An empty note cannot be signed.")})
    _check_audience(acting_user, note.client, note.audience)
    with acting_as(acting_user):
        note.status = NoteStatus.SIGNED
        note.signed_at = timezone.now()
        note.save(update_fields=["status", "signed_at", "updated_at"])
    return note


@transaction.atomic
def note_add_addendum(*, acting_user, note: Note, body: str) -> Addendum:
    note = Note.objects.select_for_update().get(pk=note.pk)  # decide on the stored state
    if not access.can(acting_user, access.Action.ADD_ADDENDUM, note):
        raise ValidationError(_("Only the author adds to a signed note."))
    if not body.strip():
        raise ValidationError({"body": _("Write the correction or addition.")})
    with acting_as(acting_user):
        return Addendum.objects.create(note=note, author=acting_user, body=body)


@transaction.atomic
def note_change_audience(*, acting_user, note: Note, audience: Audience) -> Note:
    """Widen or narrow a signed note's audience. Both are recorded in the audit
    trail; narrowing is marked, since others may already have read the note."""
    audience = Audience(audience)
    note = Note.objects.select_for_update().get(pk=note.pk)  # decide on the stored state
    if audience == note.audience:
        return note
    widening = is_widening(note.audience, audience)
    action = access.Action.WIDEN if widening else access.Action.NARROW
    if not access.can(acting_user, action, note):
        raise ValidationError(_("Only the author changes who may read a signed note."))
    _check_audience(acting_user, note.client, audience)
    with acting_as(acting_user):
        note.audience = audience
        note.save(update_fields=["audience", "updated_at"])
        if not widening:
            from auditlog.models import LogEntry

            LogEntry.objects.log_create(
                note,
                force_log=True,
                action=LogEntry.Action.UPDATE,
                changes={"audience": ["", "narrowed"]},
                additional_data={"client_id": note.client_id, "severity": "notice"},
            )
    return note


def mark_read(*, reader, notes) -> None:
    """Unread markers of the shared feed: these notes have now been seen."""
    NoteRead.objects.bulk_create(
        [NoteRead(note=note, reader=reader) for note in notes], ignore_conflicts=True
    )


def _coordinators():
    return User.objects.filter(is_active=True, role_grants__role=Role.COORDINATOR).distinct()


def _notify(recipients, kind, params, url=""):
    Notification.objects.bulk_create(
        [Notification(recipient=r, kind=kind, params=params, url=url) for r in recipients]
    )


MAX_FAILED_CONFIRMATIONS = 5
FAILED_CONFIRMATION_WINDOW = timedelta(minutes=15)


def _record_failed_confirmation(user, client):
    from auditlog.models import LogEntry

    with acting_as(user):
        LogEntry.objects.log_create(
            client,
            force_log=True,
            action=LogEntry.Action.ACCESS,
            changes={},
            additional_data={
                "client_id": client.pk,
                "event": "emergency_password_failed",
                "severity": "high",
            },
        )


def _recent_failed_confirmations(user) -> int:
    from auditlog.models import LogEntry

    return LogEntry.objects.filter(
        actor=user,
        additional_data__event="emergency_password_failed",
        timestamp__gte=timezone.now() - FAILED_CONFIRMATION_WINDOW,
    ).count()


def emergency_access_open(
    *, acting_user, client: Client, password: str, reason: str, justification: str
) -> EmergencyAccess:
    """Lift confidentiality on one person's notes, for one user, for a while.

    Exceptional: the user proves who they are again and says why; the authors
    of the notes opened and the coordinators are told; a coordinator reviews it.
    A wrong password is recorded (outside the refused transaction, so the
    record stays) and repeated failures lock the exception for a while.
    """
    if not access.can_open_emergency_access(acting_user, client):
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
def _grant_emergency_access(*, acting_user, client, reason, justification) -> EmergencyAccess:
    now = timezone.now()
    readable_before = access.notes_visible_to(acting_user, now).filter(client=client)
    opened = Note.objects.filter(client=client, status=NoteStatus.SIGNED).exclude(
        pk__in=readable_before.values("pk")
    )
    # Evaluated now: once the grant exists, every note counts as readable. Only
    # authors still on the team are told; others no longer know the person.
    authors = list(
        User.objects.filter(
            pk__in=opened.values("author"),
            care_memberships__client=client,
            care_memberships__left_on__isnull=True,
        )
        .exclude(pk=acting_user.pk)
        .distinct()
    )
    with acting_as(acting_user):
        grant = EmergencyAccess(
            client=client,
            user=acting_user,
            reason=reason,
            justification=justification,
            granted_at=now,
            expires_at=now + timedelta(minutes=settings.EMERGENCY_ACCESS_MINUTES),
        )
        grant.full_clean()
        grant.save()
    params = {"user": str(acting_user), "client_id": client.pk, "access_id": grant.pk}
    recipients = {*authors, *_coordinators().exclude(pk=acting_user.pk)}
    _notify(recipients, NotificationKind.EMERGENCY_ACCESS, params, url="/audit/emergency/")
    return grant


@transaction.atomic
def emergency_access_review(
    *, acting_user, grant: EmergencyAccess, status: ReviewStatus, comment: str = ""
) -> EmergencyAccess:
    if not access.can_review_emergency_access(acting_user):
        raise ValidationError(_("Only a coordinator reviews the use of the safety exception."))
    grant = EmergencyAccess.objects.select_for_update().get(pk=grant.pk)
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
    *, acting_user, grant: EmergencyAccess, what: str, to_whom: str, purpose: str
) -> EmergencyAccess:
    """Record what was disclosed from the opened notes, to whom and why."""
    if acting_user.pk != grant.user_id and not access.can_review_emergency_access(acting_user):
        raise ValidationError(_("Only the person who used the exception, or a coordinator."))
    with acting_as(acting_user):
        grant.disclosed_what, grant.disclosed_to, grant.disclosure_purpose = what, to_whom, purpose
        grant.save(update_fields=["disclosed_what", "disclosed_to", "disclosure_purpose"])
    return grant


@transaction.atomic
def peer_request_open(*, acting_user, client: Client, reason: str) -> PeerRequest:
    if not (acting_user.can(Ability.REQUEST_PEER) and access.can_write_notes(acting_user, client)):
        raise ValidationError(_("Only a clinician on the care team asks for a peer."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say what the person could use a peer for.")})
    with acting_as(acting_user):
        request = PeerRequest.objects.create(client=client, requested_by=acting_user, reason=reason)
    _notify(
        _coordinators(),
        NotificationKind.PEER_REQUESTED,
        {"user": str(acting_user), "client_id": client.pk},
        url="/shared/requests/",
    )
    return request


@transaction.atomic
def peer_request_fulfil(*, acting_user, request: PeerRequest, peer: User) -> PeerRequest:
    """A coordinator assigns a peer, or a peer takes the request themselves."""
    request = PeerRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != PeerRequestStatus.OPEN:
        raise ValidationError(_("This request is no longer open."))
    if acting_user.can(Ability.MANAGE_CARE_TEAMS):
        client_services.team_add_member(
            acting_user=acting_user,
            client=request.client,
            member=peer,
            team_role=TeamRole.PEER,
            reason=request.reason,
        )
    elif peer == acting_user and acting_user.has_role(Role.PEER):
        client_services.team_join(
            acting_user=acting_user,
            client=request.client,
            reason=_("Answered a request for a peer: %(reason)s") % {"reason": request.reason},
        )
    else:
        raise ValidationError(_("Only a coordinator, or the peer themselves, answers a request."))
    with acting_as(acting_user):
        request.status = PeerRequestStatus.FULFILLED
        request.fulfilled_by = peer
        request.closed_at = timezone.now()
        request.save()
    return request
