"""Logging an encounter (on a phone, in about 30 seconds) and reading one."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from peersupport.access import ability_required
from peersupport.audit import record_reads
from peersupport.form_tools import apply_service
from peersupport.roles import Ability

from .. import access, selectors, services
from ..forms import EncounterForm


@ability_required(Ability.JOIN_CARE_TEAMS)
def encounter_new(request):
    initial = {}
    client_id = request.GET.get("client")
    if client_id and client_id.isdigit():
        client = access.clients_for_new_encounter(request.user).filter(pk=client_id).first()
        if client is not None:
            initial["client"] = client
            initial["note_audience"] = (access.audiences_for(request.user, client) or [None])[0]
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
            messages.success(request, _("Encounter logged."))
            if encounter.client_id:
                return redirect("clients:detail", pk=encounter.client_id)
            return redirect("encounters:detail", pk=encounter.pk)
    return render(request, "interventions/encounter_form.html", {"form": form})


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
