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
  its result (``WAIT_FOR_FIRST``), and is otherwise told that the form is
  already being saved;
- a reservation still pending after ``ABANDONED_AFTER`` belonged to a request
  that died mid-way (a killed worker): the next repeat takes it over.

Only forms that create something carry a token: repeating a change (a second
temporary password, an edit) must apply it. A view whose repeats must reach it
(the note being written, whose first autosave creates the draft and whose
Sign click may carry the same token) calls ``claim`` itself, under a field
name of its own that the middleware does not read.

Tokens belong to one user (a token sent by someone else is a different
reservation and reveals nothing) and are forgotten after ``TOKEN_LIFETIME``:
expired rows of every user are deleted at most every ``CLEANUP_EVERY`` by
each process, on a request that reserves a token.
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
# How long a repeat holds its worker waiting for the first request's outcome.
WAIT_FOR_FIRST = timedelta(seconds=3)
POLL_EVERY = 0.2
# Longer than any request may run (the server's worker timeout is far shorter).
ABANDONED_AFTER = timedelta(minutes=2)
CLEANUP_EVERY = timedelta(minutes=10)
_last_cleanup = None
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
    # Empty while the first request is being handled. Text: a Location has no
    # length limit, and a too-long value would fail after the change committed.
    result_url = models.TextField(blank=True)
    # What the first request created, for a view that applies repeats to it.
    created_id = models.PositiveBigIntegerField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "peersupport"
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="one_submission_per_token")
        ]
        # The cleanup deletes by age across every user.
        indexes = [models.Index(fields=["created_at"], name="submission_created_at")]

    def __str__(self):
        return f"{self.token} ({'done' if self.done_at else 'pending'})"


class OnceFormMixin(forms.Form):
    """Adds the one-time token as a hidden field, so crispy renders it with the
    form. A bound form keeps the token it was sent with (the corrected form
    reuses it); an unbound form gets a new one. For a model form only when it
    creates: the same form editing a saved row carries no token, so sending
    a change again applies it again."""

    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and not instance._state.adding:
            del self.fields[FIELD]
        elif not self.is_bound:
            self.initial[FIELD] = new_token()


def mark_drafts_saved(response, *keys):
    """Tell app.js, on the page after a successful submit, which offline
    copies the server now has. A cookie, since the success page may belong to
    another app; it lives for two minutes and app.js removes it on reading."""
    # "|" and the keys' own characters are all ones a cookie value may hold
    # as they are: a comma would make Django quote the value ("a\\054b").
    response.set_cookie(
        DRAFTS_SAVED_COOKIE,
        "|".join(keys),
        max_age=120,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=False,  # app.js reads it; it holds only keys such as "note-12"
    )
    return response


def offline_key(user, name: str) -> str:
    """The name of a form's offline copy in the tab, scoped to its user so that
    app.js can drop another user's copies (a shared phone)."""
    return f"u{user.pk}:{name}"


def _result_of(response) -> str | None:
    if 300 <= response.status_code < 400 and response.has_header("Location"):
        return response["Location"]
    return None


def _forget_expired(now):
    global _last_cleanup
    if _last_cleanup is not None and now - _last_cleanup < CLEANUP_EVERY:
        return
    _last_cleanup = now
    Submission.objects.filter(created_at__lt=now - TOKEN_LIFETIME).delete()


def _reserve(user, token) -> bool:
    now = timezone.now()
    _forget_expired(now)
    try:
        with transaction.atomic():
            Submission.objects.create(user=user, token=token, created_at=now)
    except IntegrityError:
        # Take over a reservation whose request died; the condition in the
        # UPDATE lets only one of several retries win it.
        abandoned = Submission.objects.filter(
            user=user, token=token, done_at__isnull=True, created_at__lt=now - ABANDONED_AFTER
        )
        return abandoned.update(created_at=now) == 1
    return True


def claim(user, token) -> Submission | None:
    """Reserve ``token`` for this request (None: it is the first, and must
    ``finish`` or ``release``), or return the first request's row: done, or
    still pending after a short wait."""
    deadline = time.monotonic() + WAIT_FOR_FIRST.total_seconds()
    while not _reserve(user, token):
        first = Submission.objects.filter(user=user, token=token).first()
        if first is None:
            continue  # the first one was refused and released: handle this one
        if first.done_at is not None or time.monotonic() >= deadline:
            return first
        time.sleep(POLL_EVERY)
    return None


def finish(user, token, *, url: str, created_id: int | None = None) -> None:
    """The first request succeeded: repeats are sent to ``url``."""
    Submission.objects.filter(user=user, token=token).update(
        result_url=url, created_id=created_id, done_at=timezone.now()
    )


def release(user, token) -> None:
    """The first request failed or was refused: the token may be sent again."""
    Submission.objects.filter(user=user, token=token, done_at__isnull=True).delete()


def is_token(value) -> bool:
    return bool(_TOKEN_SHAPE.match(value or ""))


def repeat(request, submission_url):
    """The answer to a repeat of a submission that succeeded: where it led."""
    messages.info(request, _("This form had already been sent: it was saved once."))
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = submission_url
        return response
    return redirect(submission_url)


def still_pending(request):
    """The answer to a repeat whose first request is still being handled."""
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
        first = claim(user, token)
        if first is not None:
            if first.done_at is not None:
                return repeat(request, first.result_url)
            return still_pending(request)
        try:
            response = self.get_response(request)
        except BaseException:
            release(user, token)
            raise
        result = _result_of(response)
        if result:
            finish(user, token, url=result)
        else:
            release(user, token)
        return response

    @staticmethod
    def _token(request):
        if request.method != "POST" or not request.user.is_authenticated:
            return None
        token = request.POST.get(FIELD, "")
        return token if is_token(token) else None
