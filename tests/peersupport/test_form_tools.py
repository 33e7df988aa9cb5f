"""Every text field of every form refuses control characters with a message
that says where; multi-line texts keep their tabs and line breaks; passwords
are left as typed."""

from __future__ import annotations

import importlib
import inspect

import pytest
from django import forms
from django.contrib.auth.forms import AuthenticationForm

from peersupport.form_tools import check_text_field, refuse_control_characters
from peersupport.query import QueryForm
from tests.form_modules import form_modules
from tests.peersupport.test_submissions import FORM_MODULES

# Text fields whose value is not text once read (a UUID, a JSON document).
NOT_TEXT_ONCE_READ = (forms.UUIDField, forms.JSONField)


def project_forms():
    """Every form that is posted. Query forms read a link's query string: their
    fields ignore or explain a bad value (peersupport.query), and
    tests/peersupport/test_query_properties.py sends them every kind of text."""
    for name in form_modules():
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, forms.BaseForm)
                and cls.__module__ == name
                and not issubclass(cls, QueryForm)
            ):
                yield cls


def text_fields(form_class):
    for name, field in form_class.base_fields.items():
        if (
            isinstance(field, forms.CharField)
            and not isinstance(field, NOT_TEXT_ONCE_READ)
            and not isinstance(field.widget, forms.PasswordInput)
        ):
            yield name, field


def test_the_walk_finds_every_form_module_and_its_text_fields():
    modules = form_modules()
    assert set(FORM_MODULES) <= set(modules)
    assert {"agenda.forms", "groups.forms", "staff.people_forms", "referrals.forms"} <= set(modules)
    fields = [(cls.__name__, name) for cls in project_forms() for name, _ in text_fields(cls)]
    assert ("EntryForm", "narrative") in fields and ("PartnerForm", "name") in fields
    assert len(fields) > 40


@pytest.mark.parametrize("form_class", list(project_forms()), ids=lambda cls: cls.__name__)
def test_every_text_field_of_every_form_refuses_an_escape_character_on_the_field(form_class):
    for name, field in text_fields(form_class):
        with pytest.raises(forms.ValidationError) as refused:
            field.clean("ab\x1bcd")
        assert refused.value.code == "control_character", (form_class.__name__, name)
        assert "invisible control character (position 3)" in refused.value.messages[0]


def test_a_form_puts_the_refusal_on_the_field_itself():
    from partners.forms import PartnerForm

    form = PartnerForm(data={"name": "Clinique\x1b du Plateau", "kind": "clinic"})
    assert not form.is_valid()
    assert form.errors["name"] == [
        "This text contains an invisible control character (position 9). Remove it and save again."
    ]


@pytest.mark.parametrize("character", ["\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85"])
def test_control_characters_are_refused_in_long_texts_too(character):
    with pytest.raises(forms.ValidationError):
        refuse_control_characters(f"line{character}", multiline=True)


def test_a_multi_line_text_keeps_tabs_and_line_breaks_and_everything_visible():
    text = "Tab\there\r\nline 2\nشكرا 😀 e\u0301 \u200d\u200f"
    refuse_control_characters(text, multiline=True)
    field = forms.CharField(widget=forms.Textarea)
    assert field.clean(text) == text


@pytest.mark.parametrize("character", ["\t", "\n", "\r"])
def test_a_one_line_field_refuses_tabs_and_line_breaks_saying_so(character):
    field = forms.CharField()
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(f"Jean{character}Dupont")
    assert refused.value.messages == [
        "This field holds one line: remove the tab or line break (position 5) and save again."
    ]


def test_a_password_is_left_as_typed():
    field = forms.CharField(widget=forms.PasswordInput)
    check_text_field(field, "pass\x1bword")
    assert field.clean("pass\x1bword") == "pass\x1bword"


def test_forms_from_outside_the_project_are_checked_too():
    form = AuthenticationForm(data={"username": "someone\x1b", "password": "x\x1b"})
    assert not form.is_valid()
    assert "invisible control character" in form.errors["username"][0]
    assert "password" not in form.errors
