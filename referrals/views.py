"""Referral screens: the open referrals of the viewer's people, a new
referral, a referral with its history, and recording its next step."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.access import client_policy, has_consent_in_force
from clients.choices import Purpose
from partners.selectors import partners_to_pick
from peersupport.access import ability_required
from peersupport.audit import record_view
from peersupport.form_tools import apply_service
from peersupport.query import page_number, parse, record_id
from peersupport.roles import Ability

from . import selectors, services
from .access import consents_missing, consents_needed, referral_policy
from .forms import ReferralForm, ReferralQuery, StatusChangeForm
from .models import Referral

Action = referral_policy.Action
LIST_PAGE = 50
use_register = ability_required(Ability.USE_REGISTER)


@use_register
def referral_list(request):
    """The referrals not ended yet of the people the viewer works with (or all)."""
    include_ended = parse(request, ReferralQuery).value("ended", False)
    referrals = selectors.open_referrals(viewer=request.user, include_ended=include_ended)
    page = Paginator(referrals, LIST_PAGE).get_page(page_number(request))
    return render(request, "referrals/list.html", {"page": page, "include_ended": include_ended})


def consent_notice(client, partner):
    """What the consent notice of the form says: each consent a referral may
    need, whether it is in force, and whether the chosen partner needs it."""
    missing = consents_missing(client, partner) if partner else None
    rows = []
    for purpose in (Purpose.PEER_SUPPORT, Purpose.PARTNER_REFERRAL):
        needed = partner is None or purpose in consents_needed(partner)
        rows.append(
            {
                "purpose": purpose,
                "in_force": has_consent_in_force(client, purpose),
                "needed": needed,
            }
        )
    return {
        "partner": partner,
        "rows": rows,
        "missing": missing,
        "message": services.consent_message(missing) if missing else "",
    }


@ability_required(Ability.JOIN_CARE_TEAMS)
def referral_new(request, client_pk):
    client = client_policy.get_for(request.user, client_pk)
    if not referral_policy.can(request.user, Action.CREATE, Referral(client=client)):
        raise PermissionDenied
    partners = partners_to_pick(request.user).order_by("-is_internal", "name", "pk")
    here = reverse("referrals:new", args=[client.pk])
    data = request.POST if request.method == "POST" else None
    chosen = record_id(request.POST.get("partner", "")) or parse(request, ReferralQuery).value(
        "partner"
    )
    partner = partners.filter(pk=chosen).first() if chosen else None
    form = ReferralForm(
        data,
        partners=partners,
        consent_url=here,
        initial={"partner": partner, "referred_on": timezone.localdate()},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            referral := apply_service(
                form,
                lambda: services.referral_create(
                    acting_user=request.user, client=client, **form.service_arguments()
                ),
            )
        )
    ):
        messages.success(
            request, _("Referral to %(partner)s saved as proposed.") % {"partner": referral.partner}
        )
        return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/form.html",
        {
            "client": client,
            "form": form,
            "notice": consent_notice(client, partner),
            "can_record_consent": client_policy.can(
                request.user, client_policy.Action.RECORD_CONSENT, client
            ),
        },
    )


@use_register
def referral_detail(request, pk):
    referral = referral_policy.get_for(request.user, pk)
    can_read_text = referral_policy.can(request.user, Action.READ_TEXT, referral)
    if can_read_text:
        # The reason and the outcome are shown: a recorded read.
        record_view(referral)
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "history": selectors.history(viewer=request.user, referral=referral),
            "can_read_text": can_read_text,
            "can_change_status": referral_policy.can(request.user, Action.CHANGE_STATUS, referral),
        },
    )


@use_register
def referral_status(request, pk):
    referral = referral_policy.get_for(request.user, pk, Action.CHANGE_STATUS)
    form = StatusChangeForm(
        request.POST or None, current=referral.status, initial={"changed_on": timezone.localdate()}
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            step := apply_service(
                form,
                lambda: services.referral_change_status(
                    acting_user=request.user, referral=referral, **form.service_arguments()
                ),
            )
        )
    ):
        messages.success(
            request, _("Status recorded: %(status)s.") % {"status": step.get_status_display()}
        )
        return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/status_form.html",
        {
            "referral": referral,
            "form": form,
            "notice": consent_notice(referral.client, referral.partner),
            "can_record_consent": client_policy.can(
                request.user, client_policy.Action.RECORD_CONSENT, referral.client
            ),
        },
    )
