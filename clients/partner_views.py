"""The directory of community partners: everyone reads it, coordinators keep it."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from peersupport.access import ability_required
from peersupport.roles import Ability

from . import services
from .access import can_manage_partners, partners_visible_to
from .choices import PartnerKind
from .forms import PartnerForm
from .models import Partner

view_partners = ability_required(Ability.VIEW_PARTNERS)
manage_partners = ability_required(Ability.MANAGE_PARTNERS)


@view_partners
def partner_list(request):
    partners = partners_visible_to(request.user)
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    show_inactive = request.GET.get("inactive") == "1"
    if q:
        partners = partners.filter(Q(name__icontains=q) | Q(address__icontains=q))
    if kind in PartnerKind.values:
        partners = partners.filter(kind=kind)
    if not show_inactive:
        partners = partners.filter(is_active=True)
    page = Paginator(partners, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "clients/partners/list.html",
        {
            "page": page,
            "q": q,
            "kind": kind,
            "kinds": PartnerKind.choices,
            "show_inactive": show_inactive,
            "can_manage": can_manage_partners(request.user),
        },
    )


@view_partners
def partner_detail(request, pk):
    partner = get_object_or_404(partners_visible_to(request.user), pk=pk)
    return render(
        request,
        "clients/partners/detail.html",
        {"partner": partner, "can_manage": can_manage_partners(request.user)},
    )


def _partner_form(request, partner, title):
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        saved = services.partner_save(acting_user=request.user, partner=form.instance)
        messages.success(request, _("%(name)s saved.") % {"name": saved})
        return redirect("partners:detail", pk=saved.pk)
    return render(
        request, "clients/partners/form.html", {"form": form, "partner": partner, "title": title}
    )


@manage_partners
def partner_create(request):
    return _partner_form(request, Partner(), _("New community partner"))


@manage_partners
def partner_edit(request, pk):
    partner = get_object_or_404(partners_visible_to(request.user), pk=pk)
    return _partner_form(request, partner, _("Edit %(name)s") % {"name": partner})
