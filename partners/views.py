"""The directory of community partners: everyone reads it, coordinators keep
it, field workers and coordinators say whether each partner is open."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from peersupport.access import ability_required
from peersupport.form_tools import apply_service
from peersupport.query import page_number, parse
from peersupport.roles import Ability
from peersupport.slots import PARTNER_PAGE

from . import selectors, services
from .access import Action, partner_policy
from .choices import PartnerKind, ServiceStatus
from .forms import PartnerForm, PartnerListQuery, PartnerStatusForm
from .models import Partner

view_partners = ability_required(Ability.VIEW_PARTNERS)
manage_partners = ability_required(Ability.MANAGE_PARTNERS)
update_partner_status = ability_required(Ability.UPDATE_PARTNER_STATUS)

# Statuses shown on a partner's page at a time; older ones on the next pages.
HISTORY_PER_PAGE = 10


@view_partners
def partner_list(request):
    query = parse(request, PartnerListQuery)
    q, kind, status = query.value("q", ""), query.value("kind", ""), query.value("status", "")
    show_inactive = query.value("inactive", False)
    partners = selectors.partner_list(
        fetched_by=request.user, q=q, kind=kind, status=status, include_inactive=show_inactive
    )
    page = Paginator(partners, 50).get_page(page_number(request))
    return render(
        request,
        "partners/list.html",
        {
            "page": page,
            "q": q,
            "query": query,
            "kind": kind,
            "kinds": PartnerKind.choices,
            "status": status,
            "statuses": [*ServiceStatus.choices, (selectors.STALE, not_checked_lately())],
            "show_inactive": show_inactive,
            "can_create": partner_policy.can(request.user, Action.CREATE),
            # The rows whose status the viewer may update, a tap away on a phone.
            "can_update_status_of": {
                partner.pk
                for partner in page
                if partner_policy.can(request.user, Action.UPDATE_STATUS, partner)
            },
        },
    )


@view_partners
def partner_detail(request, pk):
    partner = partner_policy.get_for(request.user, pk)
    history = selectors.status_history(fetched_by=request.user, partner=partner)
    context = {
        "partner": partner,
        "can_edit": partner_policy.can(request.user, Action.EDIT, partner),
        "can_update_status": partner_policy.can(request.user, Action.UPDATE_STATUS, partner),
        "history": Paginator(history, HISTORY_PER_PAGE).get_page(page_number(request, "history")),
    }
    # What the apps above add (referrals received), through the slot.
    context |= PARTNER_PAGE.context(request, taken=context, partner=partner)
    return render(request, "partners/detail.html", context)


def _partner_form(request, partner, title):
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(
            form, lambda: services.partner_save(acting_user=request.user, partner=form.instance)
        )
        if saved is not None:
            messages.success(request, _("%(name)s saved.") % {"name": saved})
            return redirect("partners:detail", pk=saved.pk)
    return render(request, "partners/form.html", {"form": form, "partner": partner, "title": title})


@manage_partners
def partner_create(request):
    return _partner_form(request, Partner(), _("New community partner"))


@manage_partners
def partner_edit(request, pk):
    partner = partner_policy.get_for(request.user, pk, Action.EDIT)
    return _partner_form(request, partner, _("Edit %(name)s") % {"name": partner})


@update_partner_status
def partner_status(request, pk):
    """Say how the partner's services run today; back to its page."""
    partner = partner_policy.get_for(request.user, pk, Action.UPDATE_STATUS)
    form = PartnerStatusForm(request.POST or None, partner=partner)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(
            form,
            lambda: services.partner_status_update(
                acting_user=request.user, partner=partner, **form.service_arguments()
            ),
        )
        if saved is not None:
            messages.success(
                request,
                _("%(name)s: %(status)s, saved.")
                % {"name": partner, "status": saved.get_status_display()},
            )
            return redirect("partners:detail", pk=partner.pk)
    return render(request, "partners/status_form.html", {"form": form, "partner": partner})


def not_checked_lately() -> str:
    """The directory filter's words for stale statuses."""
    days = settings.PARTNER_STATUS_STALE_DAYS
    return ngettext(
        "Not checked for more than %(days)s day", "Not checked for more than %(days)s days", days
    ) % {"days": days}
