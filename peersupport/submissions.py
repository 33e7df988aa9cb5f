"""Sending a form twice creates one thing.

A double tap, or a retry after a timeout on a bad connection, sends the same
POST again. Every form that creates something carries a one-time token (the
``OnceFormMixin`` hidden field, or ``{% submission_token %}`` in a hand-written
form). ``SubmissionMiddleware`` reserves the token in the database, under a
unique constraint, before the view runs:

- the view answers with a redirect (success, the project's pattern after any
  write): the token is kept with where it led, and any repeat of the POST is
  sent there too, creating nothing;
- the view answers with anything else (the form back with its errors, a
  refusal, a server error): the token is released, so the corrected form can
  be sent;
- a repeat arriving while the first is still being handled waits briefly for
  its result, and is otherwise told that the form is already being saved.

Tokens belong to one user (a token sent by someone else is a different
reservation and reveals nothing) and are forgotten after ``TOKEN_LIFETIME``.
"""

import re
import time
import uuid
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, models, transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FIELD = "submission_token"
TOKEN_LIFETIME = timedelta(days=1)
# How long a repeat waits for the first request's outcome before answering.
WAIT_FOR_FIRST = timedelta(seconds=8)
POLL_EVERY = 0.2
_TOKEN_SHAPE = re.compile(r"^[0-9a-f]{32}$")

# The cookie app.js reads to clear the tab's offline copies the server now has.
DRAFTS_SAVED_COOKIE = "peersupport_drafts_saved"


def new_token() -> str:
    return uuid.uuid4().hex


class Submission(models.Model):
    """A form submission being handled or handled, by its one-time token."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)
    # Empty while the first request is being handled.
    result_url = models.CharField(max_length=500, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "peersupport"
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="one_submission_per_token")
        ]
        indexes = [models.Index(fields=["user", "created_at"], name="submission_age")]

    def __str__(self):
        return f"{self.token} ({'done' if self.done_at else 'pending'})"


class OnceFormMixin(forms.Form):
    """Adds the one-time token as a hidden field, so crispy renders it with the
    form. A bound form keeps the token it was sent with (the corrected form
    reuses it); an unbound form gets a new one."""

    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial[FIELD] = new_token()


def mark_drafts_saved(response, *keys):
    """Tell app.js, on the page after a successful submit, which offline
    copies the server now has. A cookie, since the success page may belong to
    another app; it lives for two minutes and app.js removes it on reading."""
    response.set_cookie(
        DRAFTS_SAVED_COOKIE,
        ",".join(keys),
        max_age=120,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=False,  # app.js reads it; it holds only keys such as "note-12"
    )
    return response


def completed(response, url: str):
    """Mark a response that is not a redirect as the success of its
    submission (an htmx autosave that created a draft); repeats go to ``url``."""
    response.submission_result = url
    return response


def _result_of(response) -> str | None:
    if getattr(response, "submission_result", None):
        return response.submission_result
    if 300 <= response.status_code < 400 and response.has_header("Location"):
        return response["Location"]
    return None


def _reserve(user, token) -> bool:
    now = timezone.now()
    Submission.objects.filter(user=user, created_at__lt=now - TOKEN_LIFETIME).delete()
    try:
        with transaction.atomic():
            Submission.objects.create(user=user, token=token, created_at=now)
    except IntegrityError:
        return False
    return True


def _repeat(request, submission_url):
    messages.info(request, _("This form had already been sent: it was saved once."))
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = submission_url
        return response
    return redirect(submission_url)


def _still_pending(request):
    return render(
        request,
        "peersupport/submission_pending.html",
        {"message": gettext_lazy("This form was already sent and is still being saved.")},
        status=409,
    )


class SubmissionMiddleware:
    """Honours the one-time token of form submissions (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = self._token(request)
        if token is None:
            return self.get_response(request)
        user = request.user
        deadline = timezone.now() + WAIT_FOR_FIRST
        while not _reserve(user, token):
            first = Submission.objects.filter(user=user, token=token).first()
            if first is None:
                continue  # the first one was refused and released: handle this one
            if first.done_at is not None:
                return _repeat(request, first.result_url)
            if timezone.now() >= deadline:
                return _still_pending(request)
            time.sleep(POLL_EVERY)
        try:
            response = self.get_response(request)
        except BaseException:
            self._release(user, token)
            raise
        result = _result_of(response)
        if result:
            Submission.objects.filter(user=user, token=token).update(
                result_url=result, done_at=timezone.now()
            )
        else:
            self._release(user, token)
        return response

    @staticmethod
    def _token(request):
        if request.method != "POST" or not request.user.is_authenticated:
            return None
        token = request.POST.get(FIELD, "")
        return token if _TOKEN_SHAPE.match(token) else None

    @staticmethod
    def _release(user, token):
        Submission.objects.filter(user=user, token=token, done_at__isnull=True).delete()
