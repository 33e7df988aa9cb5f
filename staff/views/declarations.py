"""Dual relationships: a peer declares that the programme once served them;
a coordinator links the declaration to the record, found in the register as
they see it. The record's content stays under the register's rules."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from clients.access import dual_relationship_policy
from clients.selectors import ClientFilters, client_list
from peersupport.access import ability_required
from peersupport.audit import record_reads
from peersupport.form_tools import apply_service
from peersupport.query import parse
from peersupport.roles import Ability

from .. import people_reads
from ..people_forms import DeclarationForm, DeclarationLinkForm, DeclarationLinkQuery
from ..people_services import declaration_link as link_service
from ..people_services import declaration_make
from .profile import be_supervised

manage_staff = ability_required(Ability.MANAGE_STAFF)
A = dual_relationship_policy.Action

# How many records a search offers to pick from.
PICKER_SIZE = 20


@be_supervised
def declare(request):
    declaration = people_reads.declaration_of(request.user)
    form = None
    if declaration is None:
        form = DeclarationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            made = apply_service(
                form,
                lambda: declaration_make(
                    acting_user=request.user, details=form.cleaned_data["details"]
                ),
            )
            if made is not None:
                messages.success(request, _("Your declaration is recorded."))
                return redirect("me:declare")
    return render(request, "staff/people/declare.html", {"declaration": declaration, "form": form})


@manage_staff
def declaration_list(request):
    rows = list(people_reads.declarations(viewer=request.user))
    # What helps find a record is the declarer's words: reading them is recorded.
    record_reads([row for row in rows if row.details], via="declarations")
    return render(
        request,
        "staff/people/declarations.html",
        {"rows": rows, "can_link": dual_relationship_policy.can(request.user, A.LINK)},
    )


@manage_staff
def declaration_link(request, pk):
    declaration = dual_relationship_policy.get_for(request.user, pk, A.LINK)
    if declaration.details:
        record_reads([declaration], via="declaration_link")
    q = parse(request, DeclarationLinkQuery).value("q", "")
    found = client_list(viewer=request.user, filters=ClientFilters(q=q)) if q else None
    records = list(found[:PICKER_SIZE]) if found is not None else []
    form = None
    if request.method == "POST":
        # What is posted is checked against the whole register as the viewer sees it.
        form = DeclarationLinkForm(
            request.POST, records=client_list(viewer=request.user, filters=ClientFilters())
        )
        if form.is_valid():
            linked = apply_service(
                form,
                lambda: link_service(
                    acting_user=request.user,
                    declaration=declaration,
                    record=form.cleaned_data["record"],
                ),
            )
            if linked is not None:
                messages.success(request, _("The declaration is linked to the record."))
                return redirect("supervision:declarations")
        records = []
    elif found is not None:
        form = DeclarationLinkForm(records=found.filter(pk__in=[record.pk for record in records]))
    return render(
        request,
        "staff/people/declaration_link.html",
        {
            "declaration": declaration,
            "q": q,
            "form": form,
            "found_count": len(records),
            "more": found is not None and len(records) == PICKER_SIZE,
        },
    )
