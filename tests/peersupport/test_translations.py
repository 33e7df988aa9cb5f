"""Every string a person can see has a French translation.

Strings are found the way ``makemessages`` finds them (Django's templatize for
templates, gettext calls for Python), and looked up in the compiled French
catalogue, so a new string without a translation fails here.
"""

import ast
import re
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType
from django.utils.translation import trans_real
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[2]
PROJECT_DIRS = [
    "peersupport",
    "partners",
    "clients",
    "interventions",
    "referrals",
    "agenda",
    "groups",
    "staff",
    "logbook",
    "overview",
    "audit",
    "accounts",
    "demo",
]
TEMPLATE_DIRS = [ROOT / "templates", *(ROOT / d / "templates" for d in PROJECT_DIRS)]
# Rendered by the server when everything else has failed, so it cannot rely on
# the translation machinery; it carries both languages itself.
BILINGUAL_BY_HAND = {"500.html"}
GETTEXT_NAMES = {
    "_",
    "gettext",
    "gettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
LITERAL = r"""u?('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
TEMPLATIZED_CALL = re.compile(rf"\b(n?p?gettext)\(\s*{LITERAL}(?:\s*,\s*{LITERAL})?")


def templates():
    for directory in TEMPLATE_DIRS:
        if directory.exists():
            for path in sorted(directory.rglob("*.html")):
                if path.name not in BILINGUAL_BY_HAND:
                    yield path


def python_files():
    for directory in PROJECT_DIRS:
        for path in sorted((ROOT / directory).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def template_msgids(path):
    for match in TEMPLATIZED_CALL.finditer(templatize(path.read_text(), origin=str(path))):
        function, first, second = match.groups()
        if function == "ngettext":  # plural: the catalogue keys it by (singular, form)
            yield (ast.literal_eval(first), 0)
        elif function.startswith("p"):  # pgettext(context, message)
            yield f"{ast.literal_eval(first)}\x04{ast.literal_eval(second)}"
        else:
            yield ast.literal_eval(first)


def python_msgids(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", None))
        if name not in GETTEXT_NAMES:
            continue
        args = [a.value for a in node.args if isinstance(a, ast.Constant)]
        if name.startswith("np"):
            yield (f"{args[0]}\x04{args[1]}", 0)
        elif name.startswith("p"):
            yield f"{args[0]}\x04{args[1]}"
        elif name.startswith("n"):
            yield (args[0], 0)
        elif args:
            yield args[0]


@pytest.fixture(scope="module")
def french():
    return trans_real.translation("fr")._catalog


def _untranslated(msgids, catalogue):
    return sorted({m for m in msgids if m and not catalogue.get(m)})


@pytest.mark.parametrize("path", list(templates()), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_template_string_has_a_french_translation(path, french):
    assert _untranslated(template_msgids(path), french) == []


@pytest.mark.parametrize("path", list(python_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_python_string_has_a_french_translation(path, french):
    assert _untranslated(python_msgids(path), french) == []


def test_the_scan_sees_plural_forms_as_the_catalogue_keys_them():
    found = set(template_msgids(ROOT / "templates/clients/list.html"))
    assert ("%(counter)s person found", 0) in found


def test_the_scan_sees_strings_of_both_kinds():
    assert "Sign in" in set(template_msgids(ROOT / "templates/registration/login.html"))
    assert "Signed in as %(name)s" in set(template_msgids(ROOT / "templates/base.html"))
    assert "Peer support worker" in set(python_msgids(ROOT / "peersupport/roles.py"))


# Attributes whose values people read or hear (screen readers, tooltips).
SPOKEN_ATTRIBUTES = re.compile(
    r"""\b(aria-label|title|placeholder|alt|data-confirm)\s*=\s*("[^"]*"|'[^']*')""", re.I
)


def untranslated_text(source: str) -> list[str]:
    """Letters a person would see that are not inside a template tag."""
    pieces, in_blocktranslate, in_comment = [], False, False
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            tag = token.contents.split()[0]
            if tag in {"blocktranslate", "blocktrans"}:
                in_blocktranslate = True
            elif tag in {"endblocktranslate", "endblocktrans"}:
                in_blocktranslate = False
            elif tag == "comment":
                in_comment = True
            elif tag == "endcomment":
                in_comment = False
        visible = token.token_type == TokenType.TEXT and not (in_blocktranslate or in_comment)
        pieces.append(token.contents if visible else "§")
    flat = "".join(pieces)
    flat = re.sub(r"<!--.*?-->|<!doctype[^>]*>", "", flat, flags=re.S | re.I)
    found = [value for _, value in SPOKEN_ATTRIBUTES.findall(flat) if re.search(r"[A-Za-z]", value)]
    between_tags = re.sub(r"<[^>]*>", " ", flat)
    between_tags = re.sub(r"&[a-z]+;|&#\d+;", " ", between_tags)
    # Letters only: the multiplication and division signs sit inside the Latin-1
    # range but are symbols.
    found += re.findall(r"[A-Za-zÀ-ÖØ-öø-ÿ][^§<>]*", between_tags)
    return [text.strip() for text in found]


@pytest.mark.parametrize("path", list(templates()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_visible_text_escapes_translation(path):
    assert untranslated_text(path.read_text()) == []


def test_the_visible_text_check_catches_a_bare_string():
    assert untranslated_text('<p>Hello {% translate "x" %}</p>') == ["Hello"]
    assert untranslated_text('<a title="Close">§</a>') == ['"Close"']
    assert untranslated_text("<a title=\"{% translate 'Close' %}\">§</a>") == []
    assert untranslated_text("<p>{% blocktranslate %}Hi {{ n }}{% endblocktranslate %}</p>") == []
    assert untranslated_text("{% comment %}A note for developers{% endcomment %}<b>×</b>") == []
    assert untranslated_text("{% comment %}x{% endcomment %}<p>Après</p>") == ["Après"]


@pytest.mark.django_db
def test_pages_render_in_french(client, coordinator):
    client.force_login(coordinator)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    page = client.get("/").content.decode()
    assert '<html lang="fr">' in page
    assert "Comptes et rôles" in page
    assert "Se déconnecter" in page
