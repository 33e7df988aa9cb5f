"""Logging an encounter (on a phone, in about 30 seconds) and reading one."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from peersupport.access import ability_required
from peersupport.audit import record_reads
from peersupport.form_tools import apply_service
from peersupport.query import parse
from peersupport.roles import Ability
from peersupport.slots import ENCOUNTER_PAGE
from peersupport.submissions import mark_drafts_saved, offline_key

from .. import selectors, services
from ..access import encounter_policy, note_policy
from ..choices import Audience
from ..forms import EncounterForm, EncounterNewQuery


def _logged_message(request, arguments) -> str:
    """Say where the note went: a draft only its author sees, or signed and
    readable by its audience."""
    client, body = arguments["client"], (arguments["note_body"] or "").strip()
    if client is None or not body:
        return _("Encounter logged.")
    if "sign" not in request.POST:
        return _(
            "Encounter logged. Its note is a draft that only you can see; sign it to share it."
        )
    audience = arguments["note_audience"] or note_policy.audiences_for(request.user, client)[0]
    return _("Encounter logged. Its note is signed and can be read by: %(audience)s.") % {
        "audience": Audience(audience).label
    }


@ability_required(Ability.JOIN_CARE_TEAMS)
def encounter_new(request):
    initial = {}
    client_id = parse(request, EncounterNewQuery).value("client")
    # One offline copy per form opened for a person, kept in the tab until saved.
    draft_key = offline_key(request.user, "encounter-new")
    if client_id is not None:
        client = encounter_policy.clients_for_new(request.user).filter(pk=client_id).first()
        if client is not None:
            initial["client"] = client
            audiences = note_policy.audiences_for(request.user, client)
            initial["note_audience"] = note_policy.opening_audience(audiences)[0]
            draft_key = offline_key(request.user, f"encounter-new-{client.pk}")
    form = EncounterForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        encounter = apply_service(
            form,
            lambda: services.encounter_log(
                acting_user=request.user, sign_note="sign" in request.POST, **arguments
            ),
        )
        if encounter:
            messages.success(request, _logged_message(request, arguments))
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
    encounter = encounter_policy.get_for(request.user, pk)
    notes = selectors.encounter_notes(viewer=request.user, encounter=encounter)
    record_reads(notes, via="encounter")
    context = {
        "encounter": encounter,
        "notes": notes,
        "activities": list(encounter.activities.all()),
        "participants": list(encounter.participants.all()),
        "can_read_next_steps": encounter_policy.can(
            request.user, encounter_policy.Action.READ_NEXT_STEPS, encounter
        ),
    }
    # What the apps above add (a follow-up from the next steps), through the slot.
    context |= ENCOUNTER_PAGE.context(request, taken=context, encounter=encounter)
    return render(request, "interventions/encounter_detail.html", context)
