"""What a simulated user reads on a page and sends back: the forms and links.

Standard library only, and no locust: the tests import this module to check,
against the pages the app really renders, that the load test fills its forms
the way a person's browser would (tests/scripts/test_loadtest.py).
"""

import random
import re
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

# Every write the generator makes carries one marker in its text; the check
# after the run looks each accepted marker up in the database.
MARKER = re.compile(r"LT-[0-9a-f]{32}")


def new_marker() -> str:
    return f"LT-{uuid.uuid4().hex}"


@dataclass
class Form:
    """One <form>: where it goes and its fields as a browser would send them."""

    action: str
    method: str
    classes: str
    # (name, value) of the fields sent as they are: hidden and text inputs,
    # checked boxes, selected options, textareas.
    values: list[tuple[str, str]] = field(default_factory=list)
    # Every value a radio group, checkbox group or select offers, by name.
    choices: dict[str, list[str]] = field(default_factory=dict)

    def value(self, name: str) -> str | None:
        return next((value for key, value in self.values if key == name), None)


class Page(HTMLParser):
    """The forms and the links of one HTML page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: tuple[str, bool] | None = None  # (name, multiple)
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag == "form":
            self._form = Form(
                action=attributes.get("action", ""),
                method=attributes.get("method", "get").lower(),
                classes=attributes.get("class", ""),
            )
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text").lower()
            if kind in ("radio", "checkbox"):
                form.choices.setdefault(name, []).append(attributes.get("value", "on"))
                if "checked" in attributes:
                    form.values.append((name, attributes.get("value", "on")))
            elif kind not in ("submit", "button", "image", "reset", "file"):
                form.values.append((name, attributes.get("value", "")))
        elif tag == "select" and name:
            self._select = (name, "multiple" in attributes)
            self._select_first, self._select_chosen = None, False
            form.choices.setdefault(name, [])
        elif tag == "option" and self._select is not None:
            select_name, _ = self._select
            value = attributes.get("value", "")
            form.choices[select_name].append(value)
            if self._select_first is None:
                self._select_first = value
            if "selected" in attributes:
                form.values.append((select_name, value))
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, multiple = self._select
            # A single select with nothing marked sends its first option.
            if not multiple and not self._select_chosen and self._select_first is not None:
                self._form.values.append((name, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            # A newline right after <textarea> is not part of its value.
            self._form.values.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None

    def form(self, *, has_field: str) -> Form:
        """The page's form that carries ``has_field`` (not the menu's sign-out
        form nor the language switch, which every page has)."""
        for form in self.forms:
            if form.value(has_field) is not None or has_field in form.choices:
                return form
        raise LookupError(f"no form with a field {has_field!r} on the page")


def replace(values: list[tuple[str, str]], **fields: str | list[str]) -> list[tuple[str, str]]:
    """``values`` with each named field set to what is given (a list: several values)."""
    kept = [(name, value) for name, value in values if name not in fields]
    for name, value in fields.items():
        kept.extend((name, item) for item in (value if isinstance(value, list) else [value]))
    return kept


def sign_in_submission(form: Form, *, username: str, password: str) -> list[tuple[str, str]]:
    return replace(form.values, username=username, password=password)


def code_submission(form: Form, *, key: str) -> list[tuple[str, str]]:
    """The second step: the code an authenticator app holding ``key`` (hex)
    shows now. django-otp's own TOTP, with no settings to read."""
    from django_otp.oath import totp

    return replace(form.values, code=f"{totp(bytes.fromhex(key)):06d}")


def people_on_encounter_form(form: Form) -> list[str]:
    """The people the encounter form offers (its first option is the anonymous contact)."""
    return [value for value in form.choices.get("client", []) if value]


def encounter_submission(
    form: Form, *, marker: str, audience: str | None, rng: random.Random
) -> list[tuple[str, str]]:
    """The encounter form as a peer sends it: where and what was done (one or
    two activities), the time it proposes (now), a note carrying ``marker``,
    signed for ``audience`` (None: kept as a draft)."""
    settings = form.choices.get("setting", [])
    # "partner" needs a partner picked as well; the routine contact does not.
    settings = [value for value in settings if value != "partner"] or settings
    activities = form.choices.get("activities", [])
    fields: dict[str, str | list[str]] = {
        "setting": rng.choice(settings),
        "activities": rng.sample(activities, k=min(len(activities), rng.choice((1, 2)))),
        "note": f"Met for a coffee and talked about the week. {marker}",
        "duration_minutes": str(rng.choice((10, 20, 30, 45))),
    }
    if audience is not None:
        fields["note_audience"] = audience
        fields["sign"] = "1"
    return replace(form.values, **fields)


def answer_links(html: str, base: str) -> list[str]:
    """The "Answer" links of the shared feed (a note about a person, ``?answer=``)."""
    return sorted(
        {
            urljoin(base, href)
            for href in Page(html).links
            if re.match(r"^/notes/new/\d+/\?answer=\d+", href)
        }
    )


def conversation_links(html: str) -> list[str]:
    return sorted(
        {href for href in Page(html).links if re.match(r"^/shared/conversations/\d+/$", href)}
    )


def answer_submission(form: Form, *, marker: str) -> list[tuple[str, str]]:
    """The answer form, signed, with the audience it opens with (the one of the
    note answered, or narrower when the policy says so)."""
    return replace(
        form.values,
        body=f"Thank you, I will see them on Thursday. {marker}",
        sign="1",
    )
