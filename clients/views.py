"""Screens of the register. Thin: look up through the access policies, call a
service, respond. What other apps show on a person's page comes through
``PERSON_PAGE``; this module imports none of them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peersupport.access import ability_required
from peersupport.audit import record_view
from peersupport.form_tools import apply_service
from peersupport.keyset import Keyset, requested_page
from peersupport.query import RecordCursorQuery, page_number, parse
from peersupport.roles import Ability
from peersupport.slots import PERSON_PAGE

from . import selectors, services
from .access import (
    ClientJoinPolicy,
    care_team_membership_policy,
    client_join_policy,
    client_policy,
    merged_destination_for,
)
from .choices import Purpose
from .forms import (
    ClientFilterForm,
    ClientForm,
    ClientRegisterForm,
    CloseForm,
    ConsentAddQuery,
    ConsentForm,
    JoinQuery,
    JoinTeamForm,
    MergeForm,
    MergeStartForm,
    SituationForm,
    TeamAddForm,
    WithdrawConsentForm,
)
from .status import status_of

PAGE_SIZE = 25
Action = client_policy.Action

use_register = ability_required(Ability.USE_REGISTER)


def _form_page(request, client, form, title, intro=""):
    return render(
        request,
        "clients/form_page.html",
        {"client": client, "form": form, "title": title, "intro": intro},
    )


# The register says how many people a search finds up to this many, and
# "more than" beyond: counting a whole region's register would cost every page.
COUNT_UP_TO = 1000


@use_register
def client_list(request):
    filter_form = parse(request, ClientFilterForm)
    filters = filter_form.filters()
    # By place (peersupport.keyset): the viewer's own people first, then the
    # others, each through the name index. A link names a person by number and
    # is looked up again through the policy. A name search skips many people
    # to fill a page: it walks the name index, which holds the searched text on
    # PostgreSQL (migration 0009), for numbers first.
    register = selectors.register(viewer=request.user, filters=filters)
    keyset = Keyset(
        register.parts,
        selectors.REGISTER_ORDER,
        PAGE_SIZE,
        cursor=lambda client: str(client.pk),
        keys_first=bool(filters.q),
    )
    page = requested_page(
        request,
        keyset,
        query=RecordCursorQuery,
        place_of=lambda pk: selectors.register_place(viewer=request.user, pk=pk),
    )
    found = register.count_up_to(COUNT_UP_TO)
    others = selectors.others_matching(viewer=request.user, q=filters.q) if filters.q else []
    return render(
        request,
        "clients/list.html",
        {
            "filter_form": filter_form,
            "page": page,
            "found": found,
            "count_up_to": COUNT_UP_TO,
            "others": others,
            "filters": filters,
            "can_join": client_join_policy.can(request.user, ClientJoinPolicy.Action.JOIN),
        },
    )


@use_register
def client_create(request):
    form = ClientRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        client = apply_service(
            form,
            lambda: services.client_register(acting_user=request.user, **form.service_arguments()),
        )
        if client:
            messages.success(request, _("%(name)s is registered.") % {"name": client})
            return redirect("clients:detail", pk=client.pk)
    return _form_page(request, None, form, _("Register a person"))


@use_register
def client_detail(request, pk):
    try:
        client = client_policy.get_for(request.user, pk)
    except Http404:
        destination = merged_destination_for(request.user, pk)
        if destination is None:
            raise
        messages.info(request, _("That record was merged into this one."))
        return redirect("clients:detail", pk=destination.pk)
    record_view(client)
    client = selectors.client_summary(client)
    team, former_team = selectors.care_team(client.memberships.all())
    context = {
        "client": client,
        "status": status_of(client),
        "situations": list(client.living_situations.all()),
        "consents": selectors.consent_overview(client),
        "team": team,
        "former_team": former_team,
        "merges": list(client.merges_received.all()),
        # can_edit, can_close, can_manage_team...: one flag per action on this person.
        **{
            f"can_{action.value}": client_policy.can(request.user, action, client)
            for action in Action
            if action != Action.CREATE
        },
    }
    # The apps above this one add their panels: the timeline, note buttons...
    context.update(PERSON_PAGE.context(request, taken=context.keys(), client=client))
    return render(request, "clients/detail.html", context)


@use_register
def client_edit(request, pk):
    client = client_policy.get_for(request.user, pk, Action.EDIT)
    form = ClientForm(request.POST or None, instance=client)
    if (
        request.method == "POST"
        and form.is_valid()
        and apply_service(
            form,
            lambda: services.client_update(
                acting_user=request.user, client=client, **form.service_arguments()
            ),
        )
    ):
        messages.success(request, _("Saved."))
        return redirect("clients:detail", pk=client.pk)
    return _form_page(request, client, form, _("Edit details"))


@use_register
def situation_add(request, pk):
    client = client_policy.get_for(request.user, pk, Action.RECORD_SITUATION)
    form = SituationForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and apply_service(
            form,
            lambda: services.client_record_situation(
                acting_user=request.user, client=client, **form.service_arguments()
            ),
        )
    ):
        messages.success(request, _("Living situation recorded."))
        return redirect("clients:detail", pk=client.pk)
    return _form_page(
        request,
        client,
        form,
        _("Update the living situation"),
        _("The earlier situations stay in the history."),
    )


@use_register
def consent_add(request, pk):
    client = client_policy.get_for(request.user, pk, Action.RECORD_CONSENT)
    query = parse(request, ConsentAddQuery)
    initial = {"purpose": query.value("purpose")} if query.value("purpose") else None
    form = ConsentForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and apply_service(
            form,
            lambda: services.consent_record(
                acting_user=request.user, client=client, **form.service_arguments()
            ),
        )
    ):
        messages.success(request, _("Consent decision recorded."))
        # Back where the consent was found missing (a referral's form, say),
        # when that is a page of this site; else to the person.
        back = query.value("next", "")
        if back and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(back)
        return redirect("clients:detail", pk=client.pk)
    return _form_page(request, client, form, _("Record a consent decision"))


@use_register
@require_POST
def consent_withdraw(request, pk, purpose):
    client = client_policy.get_for(request.user, pk, Action.WITHDRAW_CONSENT)
    if purpose not in Purpose.values:
        raise Http404
    form = WithdrawConsentForm(request.POST)
    arguments = form.service_arguments() if form.is_valid() else {}
    services.consent_withdraw(
        acting_user=request.user, client=client, purpose=Purpose(purpose), **arguments
    )
    messages.success(
        request,
        _("Consent withdrawn: %(purpose)s. This applies from now on.")
        % {"purpose": Purpose(purpose).label},
    )
    return redirect("clients:detail", pk=client.pk)


@use_register
def client_close(request, pk):
    client = client_policy.get_for(request.user, pk, Action.CLOSE)
    form = CloseForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and apply_service(
            form,
            lambda: services.client_close(
                acting_user=request.user, client=client, **form.service_arguments()
            ),
        )
    ):
        messages.success(request, _("File closed. It can be reopened at any time."))
        return redirect("clients:detail", pk=client.pk)
    return _form_page(request, client, form, _("Close the file"))


@use_register
@require_POST
def client_reopen(request, pk):
    client = client_policy.get_for(request.user, pk, Action.REOPEN)
    services.client_reopen(acting_user=request.user, client=client)
    messages.success(request, _("File reopened."))
    return redirect("clients:detail", pk=client.pk)


@use_register
def team_manage(request, pk):
    client = client_policy.get_for(request.user, pk, Action.MANAGE_TEAM)
    form = TeamAddForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and apply_service(
            form,
            lambda: services.team_add_member(
                acting_user=request.user, client=client, **form.service_arguments()
            ),
        )
    ):
        messages.success(
            request, _("%(name)s joined the care team.") % {"name": form.cleaned_data["member"]}
        )
        return redirect("clients:team", pk=client.pk)
    current, former = selectors.care_team(selectors.team_history(client))
    return render(
        request,
        "clients/team.html",
        {"client": client, "form": form, "memberships": [*current, *former]},
    )


@use_register
@require_POST
def team_end(request, pk, membership_pk):
    client = client_policy.get_for(request.user, pk, Action.MANAGE_TEAM)
    # Only this person's team: another person's membership is not found here.
    membership = get_object_or_404(
        care_team_membership_policy.visible_to(request.user).filter(client=client),
        pk=membership_pk,
    )
    try:
        services.team_end_membership(acting_user=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s left the care team.") % {"name": membership.member})
    return redirect("clients:team", pk=client.pk)


@use_register
def team_join(request, pk):
    # Reached from a search result only: the search that found the person comes
    # along, so the page cannot be used to walk the register by record number.
    q = request.POST.get("q") or parse(request, JoinQuery).value("q", "")
    client = client_join_policy.get_for(request.user, pk, ClientJoinPolicy.Action.JOIN)
    if not selectors.matches_findable_query(client, q):
        raise Http404
    if request.method == "GET":
        record_view(client)
    form = JoinTeamForm(request.POST or None, initial={"q": q})
    if (
        request.method == "POST"
        and form.is_valid()
        and apply_service(
            form,
            lambda: services.team_join(
                acting_user=request.user, client=client, **form.service_arguments()
            ),
        )
    ):
        messages.success(request, _("You joined the care team of %(name)s.") % {"name": client})
        return redirect("clients:detail", pk=client.pk)
    return render(
        request,
        "clients/join.html",
        {"found": client, "status": status_of(client), "form": form, "q": q},
    )


@use_register
def client_merge(request, pk):
    client = client_policy.get_for(request.user, pk, Action.MERGE)
    # The comparison step comes as a query (?duplicate=), the merge as a POST.
    form: MergeForm | MergeStartForm
    if request.method == "POST":
        form = MergeForm(request.POST)
        form.is_valid()
        wanted = form.cleaned_data.get("duplicate")
    else:
        form = parse(request, MergeStartForm)
        wanted = form.value("duplicate")
    duplicate = None
    if wanted is not None:
        duplicate = client_policy.visible_to(request.user).filter(pk=wanted).first()
        if (
            duplicate is None
            or duplicate.pk == client.pk
            or not client_policy.can(request.user, Action.MERGE, duplicate)
        ):
            form.add_error("duplicate", _("No open record with this number can be merged here."))
            duplicate = None
        elif request.method == "GET":
            form = MergeForm(initial={"duplicate": duplicate.pk})
        elif not form.is_valid():
            pass  # the second step again, the reason's error on its field
        elif not form.cleaned_data["confirm"]:
            form.add_error("confirm", _("Tick this once you have compared both records."))
        else:
            merge = apply_service(
                form,
                lambda: services.client_merge(
                    acting_user=request.user,
                    keep=client,
                    merge_away=duplicate,
                    **form.service_arguments(),
                ),
            )
            if merge:
                messages.success(
                    request,
                    _("%(merged)s was merged into this record.")
                    % {"merged": merge.merged_display_name},
                )
                return redirect("clients:detail", pk=client.pk)
    return render(
        request,
        "clients/merge.html",
        {"client": client, "duplicate": duplicate, "form": form},
    )


@ability_required(Ability.MANAGE_CARE_TEAMS)
def team_joins(request):
    """People who joined a care team on their own, for the coordinator to see."""
    page = Paginator(selectors.self_joins(viewer=request.user), PAGE_SIZE).get_page(
        page_number(request)
    )
    return render(request, "clients/joins.html", {"page": page})
