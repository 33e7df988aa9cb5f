"""Two-factor sign-in screens: the second step of signing in, setting up an
app, recovery codes, a coordinator's reset, and the account pages' panels."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from peersupport.access import ability_required
from peersupport.form_tools import apply_service
from peersupport.query import parse
from peersupport.roles import Ability
from peersupport.second_factor import has_second_factor

from . import two_factor
from .access import Action, account_policy
from .two_factor_forms import ConfirmAppForm, SecondFactorForm, SecondStepQuery


def _next_url(request: HttpRequest) -> str:
    """Where the person was going, if it is a page of this site."""
    wanted = request.POST.get("next") or parse(request, SecondStepQuery).value("next", "")
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return resolve_url("home")


def _owes_a_code(request: HttpRequest) -> bool:
    """Signed in with the password only, though an app is set up: nothing about
    the second factor may change until the code is given."""
    return not request.user.is_verified() and has_second_factor(request.user)


def _to_second_step(request: HttpRequest) -> HttpResponse:
    return redirect(f"{resolve_url('two_factor_verify')}?next={request.path}")


def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or a recovery code."""
    next_url = _next_url(request)
    if not _owes_a_code(request):
        request.session.pop(two_factor.PENDING, None)
        return redirect(next_url)
    use = request.POST.get("use") or parse(request, SecondStepQuery).value("use")
    recovery = use == "recovery"
    form = SecondFactorForm(request.POST or None, recovery=recovery)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.check_sign_in_code(request=request, code=form.cleaned_data["code"])
        except ValidationError as refusal:
            form.add_error("code", refusal)
        else:
            two_factor.second_factor_passed(request, device)
            return redirect(next_url)
    return render(
        request,
        "registration/second_factor.html",
        {"form": form, "next": next_url, "recovery": recovery},
    )


def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up (or replace) an authenticator app: scan, or type the secret, then
    confirm with a code it shows."""
    if _owes_a_code(request):
        return _to_second_step(request)
    user = request.user
    device = two_factor.setup_device(user=user)
    form = ConfirmAppForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = apply_service(
            form,
            lambda: two_factor.second_factor_confirm(
                user=user, device=device, code=form.cleaned_data["code"]
            ),
        )
        if codes is not None:
            # The account's other sessions ended (signed in without this app):
            # this one goes on, verified by the code just given.
            update_session_auth_hash(request, user)
            two_factor.second_factor_passed(request, device)
            request.session[two_factor.NEW_RECOVERY_CODES] = codes
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("two_factor_recovery_codes")
    context = {
        "form": form,
        "qr_code": two_factor.qr_code_svg(device),
        "secret": two_factor.secret_for_typing(device),
        "replacing": has_second_factor(user),
        "status": two_factor.two_factor_status(user),
    }
    return render(request, "accounts/two_factor/setup.html", context)


def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once; a POST makes new ones and the old stop working."""
    if _owes_a_code(request):
        return _to_second_step(request)
    if not has_second_factor(request.user):
        return redirect("two_factor_setup")
    if request.method == "POST":
        codes = two_factor.recovery_codes_renew(user=request.user)
        request.session[two_factor.NEW_RECOVERY_CODES] = codes
        messages.success(request, _("New recovery codes made. The old ones no longer work."))
        return redirect("two_factor_recovery_codes")
    # Shown once: a reload, or anyone using this browser later, finds them gone.
    codes = request.session.pop(two_factor.NEW_RECOVERY_CODES, None)
    return render(
        request,
        "accounts/two_factor/recovery_codes.html",
        {"codes": codes, "status": two_factor.two_factor_status(request.user)},
    )


@ability_required(Ability.MANAGE_ACCOUNTS)
def two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator's reset of a lost second factor: a confirmation page, then the POST."""
    # Resetting a credential, like setting a temporary password.
    account = account_policy.get_for(request.user, pk, Action.SET_PASSWORD)
    if request.method == "POST":
        try:
            two_factor.second_factor_reset(acting_user=request.user, user=account, request=request)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            messages.success(
                request,
                _("Two-factor sign-in reset for %(name)s. Their sessions have ended.")
                % {"name": account.username},
            )
        return redirect("accounts:detail", pk=account.pk)
    return render(
        request,
        "accounts/two_factor/reset.html",
        {"account": account, "status": two_factor.two_factor_status(account)},
    )


# Panels of the account pages (peersupport.slots) ------------------------------


def own_account_panel(request: HttpRequest, account) -> dict:
    """The own account page: whether the second factor is on, and what to do."""
    return {"two_factor": two_factor.two_factor_status(account)}


def account_page_panel(request: HttpRequest, account) -> dict:
    """A staff member's account page: their second factor, and its reset."""
    return {"two_factor_of_account": two_factor.two_factor_status(account)}
