"""Two people editing the same thing: the second save is refused, says what
changed, and keeps what was typed (peersupport.concurrency)."""

import importlib
import inspect
import threading
from datetime import date

import pytest
from django import forms
from django.db import connections
from django.test import Client as Browser
from django.test import override_settings
from django.urls import reverse

from agenda.models import AccompanimentKind
from clients import services as client_services
from clients.forms import ClientForm
from clients.models import Client
from interventions.models import Activity, Note
from logbook.models import Stage, Theme
from partners.models import Partner
from peersupport import concurrency
from peersupport.roles import Role
from tests.factories import ClientFactory, UserFactory, put_on_team
from tests.form_modules import form_modules
from tests.form_versions import version_on

# Every module holding the project's forms: a ModelForm found here that is
# ever given a saved instance must carry the version.
FORM_MODULES = form_modules()
# ModelForms that only ever create (their views give them no saved row).
CREATE_ONLY = {"AccountCreateForm", "SituationForm", "ConsentForm", "ClientRegisterForm"}
# Plain forms that change a saved row, given as ``row=``.
PLAIN_EDIT_FORMS = {
    "FollowUpForm",
    "GroupForm",
    "SessionForm",
    "WorkForm",
    "OnboardingItemForm",
    "WellnessPlanForm",
    "StaffTeamForm",
    "NoteForm",
}


def project_forms():
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                yield cls


def test_every_form_that_changes_a_saved_row_carries_the_version():
    found = {cls.__name__: cls for cls in project_forms()}
    assert found.keys() >= PLAIN_EDIT_FORMS
    model_forms = {
        name for name, cls in found.items() if issubclass(cls, forms.BaseModelForm)
    } - CREATE_ONLY
    assert {"ClientForm", "PartnerForm", "EntryForm", "AccountUpdateForm"} <= model_forms
    unversioned = {
        name
        for name in model_forms | PLAIN_EDIT_FORMS
        if not issubclass(found[name], concurrency.VersionedFormMixin)
    }
    assert unversioned == set()


# The version itself ------------------------------------------------------------


@pytest.mark.django_db
def test_the_version_says_nothing_of_the_values_and_depends_on_the_secret_key():
    person = ClientFactory(display_name="Hélène", phone="514 555 0199")
    version = concurrency.digests(person, ["display_name", "phone"])
    assert set(version) == {"display_name", "phone"}
    text = concurrency.encode(version)
    assert "514" not in text and "Hélène" not in text
    with override_settings(SECRET_KEY="another-secret-key-for-this-test-only-0123456789"):
        assert concurrency.digests(person, ["phone"])["phone"] != version["phone"]
    person.phone = "514 555 0100"
    assert concurrency.digests(person, ["phone"])["phone"] != version["phone"]
    assert concurrency.decode(text) == version


@pytest.mark.parametrize("sent", ["", "garbage", "phone:", ":abc", "phone:ab<c"])
def test_a_version_that_is_not_one_is_refused(sent):
    assert concurrency.decode(sent) is None


# Two people on the same edit page ----------------------------------------------


def form_as_sent(response):
    """What a browser sends back for the page's form, untouched."""
    form = response.context["form"]
    data = {}
    for bound in form:
        value = bound.value()
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
            continue
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(getattr(item, "pk", item)) for item in value]
            continue
        data[bound.html_name] = str(getattr(value, "pk", value))
    return data


def two_on_the_same_page(user, url):
    first, second = Browser(), Browser()
    for browser in (first, second):
        browser.force_login(user)
    return (first, form_as_sent(first.get(url))), (second, form_as_sent(second.get(url)))


@pytest.fixture
def person(peer):
    person = ClientFactory(display_name="Hélène", phone="514 555 0199", where_to_find="")
    put_on_team(person, peer)
    return person


def edit_pages(request):
    """(user, edit url, the row) for each ModelForm edit page."""
    peer, coordinator, researcher = (
        request.getfixturevalue(name) for name in ("peer", "coordinator", "researcher")
    )
    person = request.getfixturevalue("person")
    partner = Partner.objects.create(name="Refuge", kind="shelter")
    stage = Stage.objects.create(name="Start", starts_on=date(2025, 1, 1))
    theme = Theme.objects.create(name="Trust", polarity="facilitator")
    activity = Activity.objects.create(name_en="Listening", name_fr="Écoute")
    kind = AccompanimentKind.objects.create(name_en="Court (test)", name_fr="Tribunal (test)")
    return {
        "person": (peer, reverse("clients:edit", args=[person.pk]), person, "phone", "aliases"),
        "partner": (
            coordinator,
            reverse("partners:edit", args=[partner.pk]),
            partner,
            "name",
            "address",
        ),
        "stage": (
            researcher,
            reverse("logbook:stage_edit", args=[stage.pk]),
            stage,
            "name",
            "description",
        ),
        "theme": (
            researcher,
            reverse("logbook:theme_edit", args=[theme.pk]),
            theme,
            "name",
            "description",
        ),
        "activity": (
            coordinator,
            reverse("activities:edit", args=[activity.pk]),
            activity,
            "name_en",
            "name_fr",
        ),
        "kind": (
            coordinator,
            reverse("follow_ups:kind_edit", args=[kind.pk]),
            kind,
            "name_en",
            "name_fr",
        ),
        "account": (
            coordinator,
            reverse("accounts:edit", args=[peer.pk]),
            peer,
            "first_name",
            "last_name",
        ),
    }


@pytest.mark.parametrize(
    "page", ["person", "partner", "stage", "theme", "activity", "kind", "account"]
)
def test_the_second_save_is_refused_names_what_changed_and_keeps_what_was_typed(request, page, db):
    user, url, row, theirs, mine = edit_pages(request)[page]
    (first, first_data), (second, second_data) = two_on_the_same_page(user, url)
    label = str(first.get(url).context["form"].fields[theirs].label)

    saved = first.post(url, {**first_data, theirs: "Saved first"})
    assert saved.status_code == 302, saved.context["form"].errors
    refused = second.post(url, {**second_data, mine: "Typed second"})

    assert refused.status_code == 200
    page_text = refused.content.decode()
    assert "Someone else saved this while you were editing" in page_text
    assert f"Their changes: {label}." in page_text
    assert "Changed meanwhile to: Saved first" in page_text
    assert "Typed second" in page_text  # what the second person typed is still there
    row.refresh_from_db()
    assert getattr(row, theirs) == "Saved first"
    assert getattr(row, mine) != "Typed second"

    # Sent again as shown (the user checked it), the form now applies.
    again = {**second_data, mine: "Typed second", "version": version_on(page_text)}
    assert second.post(url, again).status_code == 302
    row.refresh_from_db()
    assert getattr(row, mine) == "Typed second"


def test_the_refusal_names_who_saved_and_when(person, peer):
    peer.first_name, peer.last_name = "Alex", "Martin"
    peer.save()
    url = reverse("clients:edit", args=[person.pk])
    (first, first_data), (second, second_data) = two_on_the_same_page(peer, url)
    first.post(url, {**first_data, "phone": "514 555 0100"})
    page = second.post(url, {**second_data, "phone": "514 555 0111"}).content.decode()
    assert "(Alex Martin, " in page
    # The same field typed by both: the second's value is kept, the first's is named.
    assert 'value="514 555 0111"' in page
    assert "Changed meanwhile to: 514 555 0100" in page
    person.refresh_from_db()
    assert person.phone == "514 555 0100"


def test_a_save_that_follows_its_own_page_is_not_refused(person, peer, client):
    client.force_login(peer)
    url = reverse("clients:edit", args=[person.pk])
    for phone in ("514 555 0100", "514 555 0111"):
        data = form_as_sent(client.get(url))
        assert client.post(url, {**data, "phone": phone}).status_code == 302
    person.refresh_from_db()
    assert person.phone == "514 555 0111"


def test_a_change_elsewhere_on_the_row_is_no_conflict(person, peer, client):
    """The version covers the form's fields: a contact logged meanwhile (the
    row's last contact date) does not refuse an edit of the details."""
    client.force_login(peer)
    url = reverse("clients:edit", args=[person.pk])
    data = form_as_sent(client.get(url))
    Client.objects.filter(pk=person.pk).update(last_contact_on=date(2025, 6, 1))
    assert client.post(url, {**data, "phone": "514 555 0100"}).status_code == 302


def test_the_same_edit_sent_twice_is_saved_not_refused(person, peer, client):
    """A double tap or a retry after a lost answer: the row already holds
    exactly what the second send carries, so nothing can be lost."""
    client.force_login(peer)
    url = reverse("clients:edit", args=[person.pk])
    data = {**form_as_sent(client.get(url)), "phone": "514 555 0100"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    person.refresh_from_db()
    assert person.phone == "514 555 0100"


def test_two_people_typing_the_same_value_do_not_conflict_but_another_field_does(person, peer):
    url = reverse("clients:edit", args=[person.pk])
    (first, first_data), (second, second_data) = two_on_the_same_page(peer, url)
    first.post(url, {**first_data, "phone": "514 555 0100", "pronouns": "elle"})
    # The same phone, and the pronouns the second never saw changed: refused on those.
    page = second.post(url, {**second_data, "phone": "514 555 0100"}).content.decode()
    assert "Their changes: Pronouns" in page
    assert "Changed meanwhile to: elle" in page


def test_an_edit_sent_without_a_version_is_refused(person, peer, client):
    client.force_login(peer)
    url = reverse("clients:edit", args=[person.pk])
    data = form_as_sent(client.get(url))
    del data["version"]
    response = client.post(url, {**data, "phone": "514 555 0100"})
    assert "This page is out of date" in response.content.decode()
    person.refresh_from_db()
    assert person.phone == "514 555 0199"


# A draft open in two tabs --------------------------------------------------------


@pytest.fixture
def draft(person, peer):
    return Note.objects.create(client=person, author=peer, body="First words", audience="peer_team")


def test_a_draft_autosaved_from_a_second_tab_is_refused_and_keeps_its_text(draft, peer):
    url = reverse("notes:save", args=[draft.pk])
    page = reverse("notes:detail", args=[draft.pk])
    first, second = Browser(), Browser()
    for tab in (first, second):
        tab.force_login(peer)
    first_version = version_on(first.get(page).content.decode())
    second_version = version_on(second.get(page).content.decode())
    htmx = {"HTTP_HX_REQUEST": "true"}

    saved = first.post(
        url, {"body": "Tab one", "audience": "peer_team", "version": first_version}, **htmx
    )
    assert "Saved at" in saved.content.decode()
    # The first tab's next autosave builds on its own save: it passes.
    next_version = version_on(saved.content.decode())
    assert next_version and next_version != first_version
    again = first.post(
        url, {"body": "Tab one, more", "audience": "peer_team", "version": next_version}, **htmx
    )
    assert "Saved at" in again.content.decode()

    refused = second.post(
        url, {"body": "Tab two", "audience": "peer_team", "version": second_version}, **htmx
    )
    text = refused.content.decode()
    assert "Not saved:" in text and "Someone else saved this" in text
    assert refused["X-Draft-Not-Saved"] == "1"  # the tab keeps its offline copy
    assert version_on(text) is None  # its later autosaves stay refused
    draft.refresh_from_db()
    assert draft.body == "Tab one, more"

    # Saved on purpose with the button, the page shows the text kept and the new version.
    shown = second.post(
        url, {"body": "Tab two", "audience": "peer_team", "version": second_version}
    ).content.decode()
    assert "Tab two" in shown and "Changed meanwhile to: Tab one, more" in shown
    assert (
        second.post(
            url, {"body": "Tab two", "audience": "peer_team", "version": version_on(shown)}
        ).status_code
        == 302
    )
    draft.refresh_from_db()
    assert draft.body == "Tab two"


def test_a_new_note_hands_its_draft_version_to_the_page(person, peer, client):
    client.force_login(peer)
    url = reverse("notes:new", args=[person.pk])
    page = client.get(url).content.decode()
    token = page.split('name="draft_token" value="')[1].split('"')[0]
    created = client.post(
        url,
        {"body": "Hello", "audience": "peer_team", "draft_token": token},
        HTTP_HX_REQUEST="true",
    )
    version = version_on(created.content.decode())
    note = Note.objects.get(client=person)
    next_save = client.post(
        url,
        {"body": "Hello again", "audience": "peer_team", "draft": note.pk, "version": version},
        HTTP_HX_REQUEST="true",
    )
    assert "Saved at" in next_save.content.decode()
    note.refresh_from_db()
    assert note.body == "Hello again"


# Two saves at the same moment ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgresql_only
def test_of_two_saves_racing_past_the_form_check_only_one_wins():
    """Both requests pass the check on the page's row; the write's check
    under the lock lets the first through and refuses the second."""
    user = UserFactory(username="racer", roles=[Role.PEER])
    person = ClientFactory(display_name="Hélène", phone="514 555 0199")
    put_on_team(person, user)
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(name, phone):
        try:
            row = Client.objects.get(pk=person.pk)
            drawn = ClientForm(instance=row)
            form = ClientForm({**form_as_sent_unbound(drawn), "phone": phone}, instance=row)
            assert form.is_valid(), form.errors
            barrier.wait()  # both forms are checked against the same row
            try:
                client_services.client_update(
                    acting_user=user, client=row, **form.service_arguments()
                )
                outcomes[name] = "saved"
            except concurrency.ConcurrentEdit:
                outcomes[name] = "refused"
        finally:
            concurrency.forget_expectations()
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(name, phone))
        for name, phone in (("one", "514 555 0001"), ("two", "514 555 0002"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["refused", "saved"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    person.refresh_from_db()
    assert person.phone == {"one": "514 555 0001", "two": "514 555 0002"}[winner]


def form_as_sent_unbound(form):
    data = {}
    for bound in form:
        value = bound.value()
        if value is None or value is False:
            continue
        data[bound.html_name] = "on" if value is True else str(value)
    return data
