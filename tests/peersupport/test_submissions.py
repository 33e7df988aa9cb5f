"""A form sent twice (a double tap, a retry after a timeout) creates one thing:
the one-time token of every create form, honoured by SubmissionMiddleware."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from interventions.models import Activity, Encounter
from logbook.models import Entry
from peersupport import submissions
from peersupport.query import QueryForm
from peersupport.submissions import FIELD, OnceFormMixin, Submission, new_token
from tests.form_modules import form_modules, project_forms

pytestmark = pytest.mark.django_db
NOW = timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def anonymous_encounter(**extra):
    return {
        "anonymous_count": 2,
        "setting": "street",
        "activities": [Activity.objects.first().pk],
        "occurred_at": NOW,
        **extra,
    }


def test_the_encounter_form_sent_twice_logs_one_encounter_and_both_lead_to_it(client, peer):
    client.force_login(peer)
    data = anonymous_encounter(**{FIELD: new_token()})
    first = client.post(reverse("encounters:new"), data)
    second = client.post(reverse("encounters:new"), data)
    encounter = Encounter.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == reverse("encounters:detail", args=[encounter.pk])


def test_the_repeat_is_told_it_was_saved_once(client, peer):
    client.force_login(peer)
    data = anonymous_encounter(**{FIELD: new_token()})
    client.post(reverse("encounters:new"), data)
    client.get("/")  # the first success message is read
    response = client.post(reverse("encounters:new"), data, follow=True)
    assert "This form had already been sent: it was saved once." in response.content.decode()


def test_registering_a_person_twice_registers_one(client, peer):
    client.force_login(peer)
    data = {
        "display_name": "Rosalie",
        "health_coverage": "not_asked",
        "intake_date": timezone.localdate().isoformat(),
        FIELD: new_token(),
    }
    first = client.post(reverse("clients:create"), data)
    second = client.post(reverse("clients:create"), data)
    rosalie = Client.objects.get(display_name="Rosalie")
    assert first.url == second.url == reverse("clients:detail", args=[rosalie.pk])


def test_a_logbook_entry_sent_twice_is_written_once(client, peer):
    client.force_login(peer)
    data = {
        "occurred_on": "2025-03-02",
        "kind": "facilitator",
        "source": "team_meeting",
        "title": "Desk at last",
        "narrative": "The clinic gave the peer a desk and a badge.",
        FIELD: new_token(),
    }
    first = client.post(reverse("logbook:new"), data)
    second = client.post(reverse("logbook:new"), data)
    entry = Entry.objects.get(title="Desk at last")
    assert first.url == second.url == reverse("logbook:detail", args=[entry.pk])


def test_a_refused_form_releases_its_token_for_the_corrected_one(client, peer):
    client.force_login(peer)
    token = new_token()
    refused = client.post(
        reverse("encounters:new"), anonymous_encounter(setting="", **{FIELD: token})
    )
    assert refused.status_code == 200 and not Encounter.objects.exists()
    assert f'value="{token}"' in refused.content.decode()  # the corrected form resends it
    corrected = client.post(reverse("encounters:new"), anonymous_encounter(**{FIELD: token}))
    assert corrected.status_code == 302 and Encounter.objects.count() == 1


def test_a_token_belongs_to_its_user_and_reveals_nothing_to_another(client, peer, other_peer):
    token = new_token()
    client.force_login(peer)
    first = client.post(reverse("encounters:new"), anonymous_encounter(**{FIELD: token}))
    client.force_login(other_peer)
    second = client.post(reverse("encounters:new"), anonymous_encounter(**{FIELD: token}))
    assert Encounter.objects.filter(author=peer).count() == 1
    assert Encounter.objects.filter(author=other_peer).count() == 1
    assert first.url != second.url


def test_a_repeat_arriving_while_the_first_is_saved_waits_for_its_result(client, peer, monkeypatch):
    """Two POSTs at once: the first reserved the token; the second waits and
    is sent where the first led, creating nothing."""
    client.force_login(peer)
    token = new_token()
    Submission.objects.create(user=peer, token=token)  # the first, still running

    def first_finishes(seconds):
        Submission.objects.filter(token=token).update(
            result_url="/encounters/1/", done_at=timezone.now()
        )

    monkeypatch.setattr(submissions.time, "sleep", first_finishes)
    response = client.post(reverse("encounters:new"), anonymous_encounter(**{FIELD: token}))
    assert (response.status_code, response.url) == (302, "/encounters/1/")
    assert not Encounter.objects.exists()


def test_a_repeat_whose_first_takes_too_long_is_told_it_is_being_saved(client, peer, monkeypatch):
    client.force_login(peer)
    token = new_token()
    Submission.objects.create(user=peer, token=token)
    monkeypatch.setattr(submissions, "WAIT_FOR_FIRST", timedelta(0))
    response = client.post(reverse("encounters:new"), anonymous_encounter(**{FIELD: token}))
    assert response.status_code == 409
    assert "already sent and is still being saved" in response.content.decode()
    assert not Encounter.objects.exists()


def test_a_server_error_releases_the_token(client, peer, monkeypatch):
    from interventions import services

    client.force_login(peer)
    token = new_token()

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "encounter_log", broken)
    client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        client.post(reverse("encounters:new"), anonymous_encounter(**{FIELD: token}))
    assert not Submission.objects.filter(token=token).exists()


def test_tokens_are_forgotten_after_a_day(client, peer, monkeypatch):
    monkeypatch.setattr(submissions, "_last_cleanup", None, raising=False)
    client.force_login(peer)
    old = Submission.objects.create(
        user=peer,
        token=new_token(),
        created_at=timezone.now() - timedelta(days=2),
        result_url="/",
        done_at=timezone.now() - timedelta(days=2),
    )
    client.post(reverse("encounters:new"), anonymous_encounter(**{FIELD: new_token()}))
    assert not Submission.objects.filter(pk=old.pk).exists()


# Forms that create or change nothing (filters sent by GET), or that Django
# itself handles (the password change rotates the session).
NOT_SENT_BY_POST = {
    "AuditFilterForm",
    "ClientFilterForm",
    "EntryFilterForm",
    "OwnPasswordChangeForm",
    "SignInFilterForm",
}
FORM_MODULES = form_modules()


def test_the_walk_finds_the_project_forms():
    names = {cls.__name__ for cls in project_forms()}
    assert {"EncounterForm", "ClientRegisterForm", "EntryForm", "AccountCreateForm"} <= names


# Forms that change something already there: sending one again applies the
# same change again, which is what the person asked for (a second temporary
# password must work), so they carry no token.
CHANGE_ONLY = {
    "AccountUpdateForm",
    "AudienceForm",
    "CloseForm",
    # A code proves who one is; django-otp refuses the same code twice, so a
    # second send is a clear "wrong code", never a second device.
    "ConfirmAppForm",
    "SecondFactorForm",
    "MergeForm",
    "NoteForm",  # the draft's own page; a new note has its draft token instead
    "ReviewForm",
    "TemporaryPasswordForm",
    "ThemeMergeForm",
    "OnboardingItemForm",
    "OnboardingDoneForm",
    "DeclarationLinkForm",
    # A new version of the plan only when its content differs from the newest:
    # the same plan sent twice writes one version.
    "WellnessPlanForm",
    # Holds an open debriefing request, locked: a second send finds it held.
    "HoldForm",
}


def test_every_project_form_is_sorted_into_create_change_or_get():
    names = {cls.__name__ for cls in project_forms()}
    assert names >= CHANGE_ONLY
    assert names >= NOT_SENT_BY_POST


@pytest.mark.parametrize("form_class", list(project_forms()), ids=lambda cls: cls.__name__)
def test_forms_that_create_carry_the_one_time_token_and_the_others_do_not(form_class):
    # A query form reads the query string (peersupport.query): it is never posted.
    if form_class.__name__ in NOT_SENT_BY_POST or issubclass(form_class, QueryForm):
        assert not issubclass(form_class, OnceFormMixin)  # a token in a URL is no use
    elif form_class.__name__ in CHANGE_ONLY:
        assert not issubclass(form_class, OnceFormMixin)
    else:
        assert issubclass(form_class, OnceFormMixin)


def test_a_temporary_password_set_twice_is_set_twice(client, coordinator):
    from peersupport.models import User

    person = User.objects.create_user(username="someone", password="first-password-123")
    client.force_login(coordinator)
    url = reverse("accounts:password", args=[person.pk])
    page = client.get(url).content.decode()
    # Whatever hidden fields the page carries go back with both posts, as the
    # browser's back button and a second send would do.
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    hidden.pop("csrfmiddlewaretoken", None)
    for password in ("second-password-456", "third-password-789"):
        client.post(url, {**hidden, "password1": password, "password2": password})
    person.refresh_from_db()
    assert person.check_password("third-password-789")


TOKEN_INPUT = re.compile(rf'<input type="hidden" name="{FIELD}" value="[0-9a-f]{{32}}"')


@pytest.mark.parametrize(
    ("persona", "url_name", "args"),
    [
        ("peer", "encounters:new", []),
        ("peer", "clients:create", []),
        ("peer", "logbook:new", []),
        ("coordinator", "accounts:create", []),
        ("coordinator", "partners:create", []),
        ("researcher", "logbook:stage_new", []),
        ("researcher", "logbook:theme_new", []),
        ("coordinator", "activities:create", []),
    ],
)
def test_create_pages_render_the_token_inside_their_form(client, request, persona, url_name, args):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(url_name, args=args))
    assert response.status_code == 200
    assert TOKEN_INPUT.search(response.content.decode())


def test_a_reservation_whose_request_died_is_taken_over_by_the_retry(client, peer, monkeypatch):
    """A worker killed mid-request leaves its token pending: after two minutes
    nobody is still saving it, and the retry is handled as the first."""
    client.force_login(peer)
    token = new_token()
    Submission.objects.create(
        user=peer, token=token, created_at=timezone.now() - timedelta(minutes=3)
    )
    monkeypatch.setattr(submissions.time, "sleep", lambda seconds: pytest.fail("waited"))
    response = client.post(reverse("encounters:new"), anonymous_encounter(**{FIELD: token}))
    encounter = Encounter.objects.get()
    assert (response.status_code, response.url) == (
        302,
        reverse("encounters:detail", args=[encounter.pk]),
    )
    assert Submission.objects.get(token=token).result_url == response.url


def test_a_repeat_waits_at_most_three_seconds_for_the_first(client, peer, monkeypatch):
    client.force_login(peer)
    token = new_token()
    Submission.objects.create(user=peer, token=token)
    clock = [0.0]
    monkeypatch.setattr(submissions.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(
        submissions.time, "sleep", lambda seconds: clock.__setitem__(0, clock[0] + seconds)
    )
    response = client.post(reverse("encounters:new"), anonymous_encounter(**{FIELD: token}))
    assert response.status_code == 409
    assert 0 < round(clock[0], 6) <= 3  # seconds, summed from 0.2 s polls


def test_expired_tokens_of_every_user_are_deleted_now_and_then(
    client, peer, other_peer, monkeypatch
):
    monkeypatch.setattr(submissions, "_last_cleanup", None)
    two_days_ago = timezone.now() - timedelta(days=2)
    old = Submission.objects.create(user=other_peer, token=new_token(), created_at=two_days_ago)
    client.force_login(peer)
    client.post(reverse("encounters:new"), anonymous_encounter(**{FIELD: new_token()}))
    assert not Submission.objects.filter(pk=old.pk).exists()
    # Not on every request: at most every few minutes per process.
    again = Submission.objects.create(user=other_peer, token=new_token(), created_at=two_days_ago)
    client.post(reverse("encounters:new"), anonymous_encounter(**{FIELD: new_token()}))
    assert Submission.objects.filter(pk=again.pk).exists()


def test_a_long_result_address_fits_its_column(peer):
    """PostgreSQL refuses a value longer than the column (SQLite does not, so
    the model's own validation, which mirrors the column, says it)."""
    long_url = "/logbook/?" + "theme=12&" * 100
    submission = Submission(user=peer, token=new_token(), result_url=long_url)
    submission.full_clean()
    submission.save()
    assert Submission.objects.get().result_url == long_url


def test_an_account_edited_twice_is_saved_twice(client, coordinator, peer):
    """A change sent again (back, change, send) applies again: an edit form
    carries no token, only a form that creates does."""
    client.force_login(coordinator)
    page = client.get(reverse("accounts:edit", args=[peer.pk])).content.decode()
    assert f'name="{FIELD}"' not in page


@pytest.mark.parametrize(
    ("persona", "url_name", "model"),
    [
        ("coordinator", "accounts:edit", "user"),
        ("peer", "logbook:edit", "entry"),
        ("coordinator", "activities:edit", "activity"),
        ("peer", "notes:detail", "draft"),
    ],
)
def test_pages_that_only_change_something_render_no_token(
    client, request, persona, url_name, model, peer
):
    from interventions.models import Note

    rows = {
        "user": lambda: peer,
        "entry": lambda: Entry.objects.create(
            occurred_on="2025-03-02",
            kind="facilitator",
            source="team_meeting",
            title="Desk",
            narrative="A desk.",
            author=peer,
        ),
        "activity": lambda: Activity.objects.first(),
        "draft": lambda: Note.objects.create(
            client=Client.objects.create(display_name="Rosalie", created_by=peer),
            author=peer,
            audience="peer_team",
            body="Went",
        ),
    }
    row = rows[model]()
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(url_name, args=[row.pk]))
    assert response.status_code == 200
    assert f'name="{FIELD}"' not in response.content.decode()
