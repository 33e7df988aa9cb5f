"""Every text field of every form page, fed any text (Hypothesis): control
characters, emoji and other astral characters, combining accents, right-to-left
scripts, text longer than the field holds.

The walk does not go stale: every URL of the URL matrix is opened by the first
persona it answers 200, each POST form on the page is read from its HTML (hidden
fields, selected options, existing values; empty required inputs get a plain
value of their type), one text field is replaced by generated text, and the
form is sent. Then:

- never a server error (the test client raises it), only a new page of the
  form or a redirect;
- refused: the message is on that field;
- accepted: the value is stored as typed, after the form's normalisation
  (surrounding spaces stripped; a username is NFKC-normalised, as Django does).
"""

from __future__ import annotations

import unicodedata
from datetime import date
from urllib.parse import urlencode, urlsplit

import lxml.html
import pytest
from django.apps import apps
from django.db import models
from django.urls import resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peersupport.form_tools import CONTROL_CHARACTER, LINE_BREAK_OR_TAB
from tests.peersupport.test_url_matrix import MATRIX, World, world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

# The persona each form page is opened as: the first of these it answers 200.
PERSONAS = ("peer", "clinician", "coordinator", "researcher", "other_clinician")
FEATURE_APPS = [
    "peersupport",
    "partners",
    "clients",
    "interventions",
    "referrals",
    "agenda",
    "groups",
    "staff",
    "logbook",
]
TEXT_INPUTS = {"text", "email", "search", "tel", "url", None}

# Pages a generic walk cannot cover, and why.
NOT_COVERED = {
    # Django's admin: its forms are not the project's; its text fields run
    # the same check (test_form_tools proves it on Django's own forms).
    "admin:*": "Django's admin",
    # Sign-in and two-factor pages: a password or a one-time code, no stored text.
    "login": "a password, never stored as text",
    "two_factor_setup": "a one-time code, never stored",
    # The safety exception asks for the user's own password: the walk cannot
    # know it, and its wrong guesses would lock the account for the pages after.
    "safety:open": "asks the user's own password",
}

# Forms on a page of many rows, each row with its own small form: a refusal
# sends the user back to the list with the message at the top.
REFUSED_BY_MESSAGE = {"emergency:review"}

SPECIAL = [
    "\x1b[31mred",
    "name\x01",
    "😀 U+1F600 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "e\u0301te\u0301 combining",
    "שלום עולם مرحبا",
    "\u202eevil\u202c",
    "tab\there",
    "line\nbreak\r\nCRLF",
    "  padded  ",
    "x" * 5000,
]
TEXTS = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]),
        min_size=1,
        max_size=80,
    ),
)


def _persona_for(name: str):
    row = MATRIX[name]
    for persona in PERSONAS:
        if getattr(row, persona) == 200:
            return persona
    return None


def form_pages() -> list[str]:
    return sorted(
        name
        for name in MATRIX
        if _persona_for(name) and not name.startswith("admin:") and name not in NOT_COVERED
    )


def _path(the_world: World, name: str) -> str:
    row = MATRIX[name]
    path = reverse(name, kwargs=(row.kwargs(the_world) if row.kwargs else None) or None)
    return path + ("?" + urlencode(row.query) if row.query else "")


def _plain_value(element) -> str:
    """A value a person would type into an empty required input of this type."""
    kind = element.get("type")
    if kind == "date":
        return date.today().isoformat()
    if kind == "time":
        return "10:00"
    if kind == "number":
        return element.get("min") or "1"
    if kind == "email":
        return "someone@example.org"
    return "Plain text"


def read_form(form) -> tuple[dict[str, list[str]], list[str]]:
    """The payload the browser would send as the page stands, and the names
    of its visible text fields."""
    payload: dict[str, list[str]] = {}
    texts = []
    for element in form.inputs:
        name = element.get("name")
        if not name or element.get("disabled") is not None:
            continue
        tag = element.tag
        kind = element.get("type")
        if tag == "select":
            chosen = [
                o.get("value", o.text)
                for o in element.iter("option")
                if o.get("selected") is not None
            ]
            if not chosen:
                options = [o.get("value", o.text) for o in element.iter("option")]
                options = [o for o in options if o]
                if element.get("multiple") is None and options:
                    chosen = [options[0]]
            payload.setdefault(name, []).extend(chosen)
        elif tag == "textarea":
            payload[name] = [
                element.text or ("Plain text" if element.get("required") is not None else "")
            ]
            texts.append(name)
        elif kind in ("checkbox", "radio"):
            if element.get("checked") is not None:
                payload.setdefault(name, []).append(element.get("value", "on"))
            elif kind == "radio" and name not in payload:
                payload[name] = [element.get("value", "on")]
        elif kind in ("submit", "button", "reset", "file", "image"):
            continue
        else:
            value = element.get("value", "")
            if not value and element.get("required") is not None:
                value = _plain_value(element)
            payload.setdefault(name, []).append(value)
            if kind in TEXT_INPUTS and name != "csrfmiddlewaretoken":
                texts.append(name)
    return payload, texts


def post_forms(client, path: str, *, first: bool):
    """The POST forms of the page at ``path`` with text fields, as (action, form)."""
    page = client.get(path)
    if not first and page.status_code != 200:
        return  # an earlier example closed the person or joined the team: the page is gone
    assert page.status_code == 200, (path, page.status_code)
    if page.streaming or not page["Content-Type"].startswith("text/html"):
        return  # an export file, not a page
    document = lxml.html.fromstring(page.content.decode())
    for form in document.forms:
        if (form.get("method") or "get").lower() != "post":
            continue
        action = form.get("action") or path
        if not urlsplit(action).path:
            action = path
        _, texts = read_form(form)
        if texts:
            yield action, form


def stored_texts() -> set[str]:
    """Every text value of every row of the project, decrypted."""
    values: set[str] = set()
    for app in FEATURE_APPS:
        for model in apps.get_app_config(app).get_models():
            fields = [
                f.attname
                for f in model._meta.concrete_fields
                if isinstance(f, models.CharField | models.TextField)
            ]
            if fields:
                for row in model._default_manager.all():
                    values.update(getattr(row, name) or "" for name in fields)
    return values


def refused_by_the_text_alone(typed: str, element) -> bool:
    """Text every text field refuses, whatever the rest of the form: an
    invisible control character, or more than the field holds."""
    limit = element.get("maxlength") if element is not None else None
    multiline = element is not None and element.tag == "textarea"
    value = typed.strip()
    return bool(
        CONTROL_CHARACTER.search(value)
        or (not multiline and LINE_BREAK_OR_TAB.search(value))
        or (limit and len(value) > int(limit))
    )


def field_errors(document, name: str) -> bool:
    element = next(iter(document.xpath(f"//*[@name='{name}']")), None)
    if element is None:
        return False
    return element.get("aria-invalid") == "true" or "is-invalid" in (element.get("class") or "")


def expected_values(typed: str, name: str) -> set[str]:
    """What may be stored for ``typed``; nothing to look for when only spaces were typed."""
    stripped = typed.strip()
    if not stripped:
        return set()
    values = {typed, stripped}
    if name == "username":
        values.add(unicodedata.normalize("NFKC", stripped))
    return values


PROPERTY_SETTINGS = settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("name", form_pages())
@PROPERTY_SETTINGS
@given(data=st.data())
def test_any_text_in_any_field_is_stored_as_typed_or_refused_on_the_field(
    client,
    world,  # noqa: F811
    name,
    data,
):
    # Drawn before the page is read: what the page offers depends on what the
    # examples before did, and Hypothesis replays draws that do not.
    form_pick = data.draw(st.integers(0, 9), label="form")
    field_pick = data.draw(st.integers(0, 49), label="field")
    typed = data.draw(TEXTS, label="typed")
    persona = _persona_for(name)
    client.force_login(world.users[persona])
    path = _path(world, name)
    # A test's examples share its world: the first must find the page, a later
    # one may find it gone (an earlier example closed the person).
    first = not getattr(world, "_text_walk_opened", False)
    world._text_walk_opened = True
    forms = list(post_forms(client, path, first=first))
    if not forms:
        return  # a page without a text form (a list, a detail page)
    index = form_pick % len(forms)
    action, form = forms[index]
    payload, texts = read_form(form)
    field = texts[field_pick % len(texts)]
    payload[field] = [typed]
    response = client.post(action, payload)
    assert response.status_code in (200, 302, 303), (action, field, response.status_code)
    if response.status_code == 200:
        document = lxml.html.fromstring(response.content.decode())
        element = next(iter(document.xpath(f"//*[@name='{field}']")), None)
        if field_errors(document, field):
            return
        errors = [
            " ".join(e.text_content().split())
            for e in document.xpath("//*[contains(@class,'invalid-feedback') or @role='alert']")
        ]
        assert not refused_by_the_text_alone(typed, element), (
            f"{action}: {field}={typed!r} was refused, but not on the field: {errors}"
        )
        # Refused for another field: the page's own values do not make a valid
        # form (a required choice left empty), and a plain text is refused too.
        payload[field] = ["Plain text"]
        again = client.post(action, payload)
        assert again.status_code == 200, (
            f"{action}: {field}={typed!r} was refused for another field: {errors}, "
            "but a plain text there is accepted"
        )
    else:
        expected = expected_values(typed, field) - {""}
        stored = stored_texts()
        if resolve(urlsplit(action).path).view_name in REFUSED_BY_MESSAGE and (
            refused_by_the_text_alone(typed, form.inputs[field])
        ):
            shown = client.get(response.url).content.decode()
            assert "invisible control character" in shown or "one line" in shown, action
            assert not any(value in text for value in expected for text in stored), action
            return
        assert not expected or any(value in text for value in expected for text in stored), (
            f"{action}: {field}={typed!r} was accepted but not stored as typed"
        )
