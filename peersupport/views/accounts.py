"""Account management for coordinators: create, edit roles, deactivate."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import accounts as services
from ..access import ability_required
from ..audit import account_history
from ..forms import (
    AccountCreateForm,
    AccountUpdateForm,
    OwnPasswordChangeForm,
    TemporaryPasswordForm,
)
from ..roles import Ability

manage_accounts = ability_required(Ability.MANAGE_ACCOUNTS)


def _account_for(request, pk):
    return get_object_or_404(services.accounts_for(request.user), pk=pk)


def _form_error(form, error: ValidationError):
    for message in error.messages:
        form.add_error(None, message)


@manage_accounts
def account_list(request):
    page = Paginator(services.accounts_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "peersupport/accounts/list.html", {"page": page})


@manage_accounts
def account_create(request):
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.account_create(
            acting_user=request.user,
            username=data["username"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            roles=data["roles"],
            password=data["password2"],
        )
        messages.success(request, _("Account %(name)s created.") % {"name": user.username})
        return redirect("accounts:detail", pk=user.pk)
    return render(request, "peersupport/accounts/form.html", {"form": form, "account": None})


@manage_accounts
def account_detail(request, pk):
    account = _account_for(request, pk)
    history = account_history(account)[:50]
    return render(
        request, "peersupport/accounts/detail.html", {"account": account, "history": history}
    )


@manage_accounts
def account_edit(request, pk):
    account = _account_for(request, pk)
    form = AccountUpdateForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.account_update(
                acting_user=request.user,
                user=account,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                roles=data["roles"],
            )
        except ValidationError as error:
            account.refresh_from_db()
            _form_error(form, error)
        else:
            messages.success(request, _("Account saved."))
            return redirect("accounts:detail", pk=account.pk)
    return render(request, "peersupport/accounts/form.html", {"form": form, "account": account})


@manage_accounts
@require_POST
def account_deactivate(request, pk):
    account = _account_for(request, pk)
    try:
        services.account_deactivate(acting_user=request.user, user=account)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Account deactivated. Its history is kept."))
    return redirect("accounts:detail", pk=account.pk)


@manage_accounts
@require_POST
def account_reactivate(request, pk):
    account = _account_for(request, pk)
    services.account_reactivate(acting_user=request.user, user=account)
    messages.success(request, _("Account reactivated."))
    return redirect("accounts:detail", pk=account.pk)


@manage_accounts
def account_temporary_password(request, pk):
    account = _account_for(request, pk)
    form = TemporaryPasswordForm(request.POST or None, user=account)
    if request.method == "POST" and form.is_valid():
        services.account_set_temporary_password(
            acting_user=request.user, user=account, password=form.cleaned_data["password2"]
        )
        messages.success(request, _("Temporary password set."))
        return redirect("accounts:detail", pk=account.pk)
    return render(
        request, "peersupport/accounts/temporary_password.html", {"form": form, "account": account}
    )


class OwnPasswordChange(PasswordChangeView):
    """The owner's own password change; also ends a temporary password."""

    form_class = OwnPasswordChangeForm
    success_url = reverse_lazy("home")
    template_name = "registration/password_change.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed_by_owner(user=form.user)
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("Your password has been changed."))
        return response
