"""The directory of community partners: everyone reads it, coordinators keep it."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from peersupport.access import ability_required
from peersupport.roles import Ability
from peersupport.slots import PARTNER_PAGE

from . import selectors, services
from .access import Action, partner_policy
from .choices import PartnerKind
from .forms import PartnerForm
from .models import Partner

view_partners = ability_required(Ability.VIEW_PARTNERS)
manage_partners = ability_required(Ability.MANAGE_PARTNERS)


@view_partners
def partner_list(request):
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    show_inactive = request.GET.get("inactive") == "1"
    partners = selectors.partner_list(
        fetched_by=request.user, q=q, kind=kind, include_inactive=show_inactive
    )
    page = Paginator(partners, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "partners/list.html",
        {
            "page": page,
            "q": q,
            "kind": kind,
            "kinds": PartnerKind.choices,
            "show_inactive": show_inactive,
            "can_create": partner_policy.can(request.user, Action.CREATE),
        },
    )


@view_partners
def partner_detail(request, pk):
    partner = partner_policy.get_for(request.user, pk)
    context = {
        "partner": partner,
        "can_edit": partner_policy.can(request.user, Action.EDIT, partner),
    }
    # What the apps above add (referrals received), through the slot.
    context |= PARTNER_PAGE.context(request, taken=context, partner=partner)
    return render(request, "partners/detail.html", context)


def _partner_form(request, partner, title):
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        saved = services.partner_save(acting_user=request.user, partner=form.instance)
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
