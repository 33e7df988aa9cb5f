"""Account management for coordinators: create, edit roles, deactivate; and
every user's own password change."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peersupport.access import ability_required
from peersupport.audit import account_history
from peersupport.form_tools import apply_service
from peersupport.query import page_number
from peersupport.roles import Ability
from peersupport.slots import ACCOUNT_PAGE, OWN_ACCOUNT_PAGE

from . import services
from .access import Action, account_policy
from .forms import (
    AccountCreateForm,
    AccountUpdateForm,
    OwnPasswordChangeForm,
    TemporaryPasswordForm,
)

manage_accounts = ability_required(Ability.MANAGE_ACCOUNTS)


def own_account(request: HttpRequest) -> HttpResponse:
    """Every signed-in user's own page: who they are here, their password, and
    what the apps above add (their sign-ins, their second factor)."""
    context: dict = {"account": request.user}
    context |= OWN_ACCOUNT_PAGE.context(request, taken=context, account=request.user)
    return render(request, "accounts/own.html", context)


@manage_accounts
def account_list(request: HttpRequest) -> HttpResponse:
    accounts = account_policy.visible_to(request.user)
    page = Paginator(accounts, 50).get_page(page_number(request))
    return render(request, "accounts/list.html", {"page": page})


@manage_accounts
def account_create(request: HttpRequest) -> HttpResponse:
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.account_create(acting_user=request.user, **form.service_arguments())
        messages.success(request, _("Account %(name)s created.") % {"name": user.username})
        return redirect("accounts:detail", pk=user.pk)
    return render(request, "accounts/form.html", {"form": form, "account": None})


@manage_accounts
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = account_policy.get_for(request.user, pk)
    history = account_history(account)[:50]
    context = {"account": account, "history": history}
    # What the apps above add (who backs a peer, onboarding, time), through the slot.
    context |= ACCOUNT_PAGE.context(request, taken=context, account=account)
    return render(request, "accounts/detail.html", context)


@manage_accounts
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account = account_policy.get_for(request.user, pk, Action.EDIT)
    form = AccountUpdateForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(
            form,
            lambda: services.account_update(
                acting_user=request.user, user=account, **form.service_arguments()
            ),
        )
        if saved is None:
            # The form wrote its values on the account: show what is stored.
            account.refresh_from_db()
        else:
            messages.success(request, _("Account saved."))
            return redirect("accounts:detail", pk=account.pk)
    return render(request, "accounts/form.html", {"form": form, "account": account})


@manage_accounts
@require_POST
def account_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    account = account_policy.get_for(request.user, pk, Action.DEACTIVATE)
    try:
        services.account_deactivate(acting_user=request.user, user=account)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Account deactivated. Its history is kept."))
    return redirect("accounts:detail", pk=account.pk)


@manage_accounts
@require_POST
def account_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    account = account_policy.get_for(request.user, pk, Action.REACTIVATE)
    services.account_reactivate(acting_user=request.user, user=account)
    messages.success(request, _("Account reactivated."))
    return redirect("accounts:detail", pk=account.pk)


@manage_accounts
def account_temporary_password(request: HttpRequest, pk: int) -> HttpResponse:
    account = account_policy.get_for(request.user, pk, Action.SET_PASSWORD)
    form = TemporaryPasswordForm(request.POST or None, user=account)
    if request.method == "POST" and form.is_valid():
        services.account_set_temporary_password(
            acting_user=request.user, user=account, **form.service_arguments()
        )
        messages.success(request, _("Temporary password set."))
        return redirect("accounts:detail", pk=account.pk)
    return render(request, "accounts/temporary_password.html", {"form": form, "account": account})


class OwnPasswordChange(PasswordChangeView):
    """The owner's own password change; also ends a temporary password."""

    form_class = OwnPasswordChangeForm
    success_url = reverse_lazy("home")
    template_name = "registration/password_change.html"

    def form_valid(self, form: OwnPasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        services.password_changed_by_owner(user=form.user)
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("Your password has been changed."))
        return response
