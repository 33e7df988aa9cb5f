"""A group's sessions: recording one, its page (who came, in the words the
viewer may read, and its note for those its audience names), changing it,
cancelling it, and taking off its list a person recorded by mistake."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peersupport.audit import record_view
from peersupport.form_tools import apply_service

from .. import selectors, services
from ..access import group_attendance_policy, group_session_policy, support_group_policy
from ..forms import NOTE_RULE, SessionForm
from . import sees_groups

S = group_session_policy.Action


@sees_groups
def session_create(request, pk):
    user = request.user
    group = support_group_policy.get_for(user, pk, support_group_policy.Action.RECORD_SESSION)
    form = SessionForm(request.POST or None, user=user, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        session = apply_service(
            form,
            lambda: services.session_record(
                acting_user=user, group=group, **form.service_arguments()
            ),
        )
        if session is not None:
            messages.success(request, _("Session saved."))
            return redirect("groups:session_detail", pk=session.pk)
    return render(
        request,
        "groups/session_form.html",
        {"form": form, "group": group, "title": _("Record a session")},
    )


@sees_groups
def session_detail(request, pk):
    user = request.user
    session = selectors.session_with_counts(viewer=user, pk=pk)
    can_read_note = group_session_policy.can(user, S.READ_NOTE, session)
    if can_read_note and session.note:
        record_view(session)
    can_edit = group_session_policy.can(user, S.EDIT, session)
    return render(
        request,
        "groups/session_detail.html",
        {
            "session": session,
            "group": session.group,
            "counts": session.counts,
            "attendees": selectors.attendees_seen(viewer=user, session=session),
            "can_read_note": can_read_note,
            "can_edit": can_edit,
            # Those listed are the ones the viewer sees: a facilitator who may
            # change the session may take any of them off (the policy's REMOVE).
            "can_remove_attendees": can_edit,
            "today": timezone.localdate(),
        },
    )


@sees_groups
def session_edit(request, pk):
    user = request.user
    session = group_session_policy.get_for(user, pk, S.EDIT)
    can_read_note = group_session_policy.can(user, S.READ_NOTE, session)
    note_written = bool((session.note or "").strip())
    if note_written and can_read_note:
        record_view(session)
    current = selectors.session_attendance_ids(session)
    initial = {
        "held_on": session.held_on,
        "starts_at": session.starts_at,
        "duration_minutes": session.duration_minutes,
        "topic": session.topic,
        "anonymous_count": session.anonymous_count,
        "attendees": list(current),
        "note_audience": session.note_audience,
    }
    form = SessionForm(
        request.POST or None,
        user=user,
        session=session,
        can_read_note=can_read_note,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        saved = apply_service(
            form,
            lambda: services.session_update(
                acting_user=user, session=session, **form.update_arguments(current)
            ),
        )
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect("groups:session_detail", pk=saved.pk)
    return render(
        request,
        "groups/session_form.html",
        {
            "form": form,
            "group": session.group,
            "session": session,
            "note_written": note_written,
            "can_read_note": can_read_note,
            "note_rule": NOTE_RULE,
            "title": _("Change this session"),
        },
    )


@sees_groups
@require_POST
def session_cancel(request, pk):
    session = group_session_policy.get_for(request.user, pk, S.EDIT)
    services.session_cancel(acting_user=request.user, session=session)
    messages.success(request, _("Session cancelled. It stays on the group’s page, marked so."))
    return redirect("groups:detail", pk=session.group_id)


@sees_groups
@require_POST
def attendance_remove(request, pk, attendance_pk):
    session = group_session_policy.get_for(request.user, pk)
    attendance = group_attendance_policy.get_for(
        request.user, attendance_pk, group_attendance_policy.Action.REMOVE
    )
    if attendance.session_id != session.pk:
        raise Http404
    services.attendance_remove(acting_user=request.user, attendance=attendance)
    messages.success(request, _("Taken off the list of people who came."))
    return redirect("groups:session_detail", pk=session.pk)
