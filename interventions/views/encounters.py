"""Logging an encounter (on a phone, in about 30 seconds) and reading one."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from peersupport.access import ability_required
from peersupport.audit import record_reads
from peersupport.form_tools import apply_service
from peersupport.roles import Ability
from peersupport.submissions import mark_drafts_saved, offline_key

from .. import access, selectors, services
from ..choices import Audience
from ..forms import EncounterForm


def _logged_message(request, data) -> str:
    """Say where the note went: a draft only its author sees, or signed and
    readable by its audience."""
    client, body = data["client"], (data["note"] or "").strip()
    if client is None or not body:
        return _("Encounter logged.")
    if "sign" not in request.POST:
        return _(
            "Encounter logged. Its note is a draft that only you can see; sign it to share it."
        )
    audience = data["note_audience"] or access.audiences_for(request.user, client)[0]
    return _("Encounter logged. Its note is signed and can be read by: %(audience)s.") % {
        "audience": Audience(audience).label
    }


@ability_required(Ability.JOIN_CARE_TEAMS)
def encounter_new(request):
    initial = {}
    client_id = request.GET.get("client")
    # One offline copy per form opened for a person, kept in the tab until saved.
    draft_key = offline_key(request.user, "encounter-new")
    if client_id and client_id.isdigit():
        client = access.clients_for_new_encounter(request.user).filter(pk=client_id).first()
        if client is not None:
            initial["client"] = client
            initial["note_audience"] = (access.audiences_for(request.user, client) or [None])[0]
            draft_key = offline_key(request.user, f"encounter-new-{client.pk}")
    form = EncounterForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        encounter = apply_service(
            form,
            lambda: services.encounter_log(
                acting_user=request.user,
                client=data["client"],
                anonymous_count=data["anonymous_count"] if not data["client"] else None,
                anonymous_description=data["anonymous_description"],
                occurred_at=data["occurred_at"],
                duration_minutes=data["duration_minutes"],
                setting=data["setting"],
                partner=data["partner"],
                activities=data["activities"],
                participants=data["participants"],
                situation=data["situation"],
                next_steps=data["next_steps"],
                note_body=data["note"],
                note_audience=data["note_audience"] or None,
                sign_note="sign" in request.POST,
            ),
        )
        if encounter:
            messages.success(request, _logged_message(request, data))
            if encounter.client_id:
                response = redirect("clients:detail", pk=encounter.client_id)
            else:
                response = redirect("encounters:detail", pk=encounter.pk)
            return mark_drafts_saved(response, draft_key)
    return render(
        request, "interventions/encounter_form.html", {"form": form, "draft_key": draft_key}
    )


@ability_required(Ability.USE_REGISTER)
def encounter_detail(request, pk):
    encounter = access.get_encounter_for(request.user, pk)
    notes = selectors.encounter_notes(viewer=request.user, encounter=encounter)
    record_reads(notes, via="encounter")
    return render(
        request,
        "interventions/encounter_detail.html",
        {
            "encounter": encounter,
            "notes": notes,
            "activities": list(encounter.activities.all()),
            "participants": list(encounter.participants.all()),
            "may_read_next_steps": access.can_read_next_steps(request.user, encounter),
        },
    )
