"""An accompaniment becomes the encounter it was: the encounter form, filled
in from the accompaniment (its time, place, partner, length and the kind's
activity), with how it went."""

from datetime import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from interventions.choices import Setting
from interventions.models import latest_encounter_time
from partners.choices import PartnerKind
from peersupport.access import ability_required
from peersupport.audit import record_view
from peersupport.form_tools import apply_service
from peersupport.roles import Ability

from .. import services
from ..access import follow_up_policy
from ..forms import AccompanimentEncounterForm
from ..models import FollowUp


def encounter_setting(follow_up: FollowUp) -> tuple[str, object]:
    """The setting and partner of the encounter an accompaniment becomes. An
    encounter names a partner only in the settings that go with one: a shelter
    is "Shelter", any other partner "Community partner". Without a partner, the
    kind's own setting (kept by coordinators with the kind), else "Other"; the
    peer can change it on the form."""
    partner = follow_up.place_partner
    if partner is not None:
        setting = Setting.SHELTER if partner.kind == PartnerKind.SHELTER else Setting.PARTNER
        return setting, partner
    kind = follow_up.kind
    return (kind.setting if kind and kind.setting else Setting.OTHER), None


def encounter_initial(follow_up: FollowUp) -> dict:
    setting, partner = encounter_setting(follow_up)
    when = timezone.make_aware(datetime.combine(follow_up.due_on, follow_up.due_time))
    # An encounter is never in the future: an accompaniment logged before its
    # planned time is logged now.
    when = min(when, latest_encounter_time()).replace(second=0, microsecond=0)
    activity = follow_up.kind.activity if follow_up.kind else None
    return {
        "client": follow_up.client,
        "occurred_at": timezone.localtime(when),
        "duration_minutes": follow_up.duration_minutes,
        "setting": setting,
        "partner": partner,
        "activities": [activity] if activity and activity.is_active else [],
        "outcome": follow_up.outcome or "",
    }


@ability_required(Ability.JOIN_CARE_TEAMS)
def accompaniment_encounter(request, pk):
    action = follow_up_policy.Action.LOG_ENCOUNTER
    follow_up = follow_up_policy.get_for(request.user, pk, action)
    form = AccompanimentEncounterForm(
        request.POST or None,
        user=request.user,
        follow_up=follow_up,
        initial=encounter_initial(follow_up),
    )
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        encounter = apply_service(
            form,
            lambda: services.accompaniment_log_encounter(
                acting_user=request.user,
                follow_up=follow_up,
                sign_note="sign" in request.POST,
                **arguments,
            ),
        )
        if encounter is not None:
            if arguments["note_body"] and "sign" not in request.POST:
                said = _("Encounter logged; the accompaniment is done. Its note is a draft.")
            else:
                said = _("Encounter logged; the accompaniment is done.")
            messages.success(request, said)
            return redirect("clients:detail", pk=follow_up.client_id)
    record_view(follow_up)
    return render(
        request,
        "agenda/accompaniment_encounter.html",
        {"form": form, "follow_up": follow_up},
    )
