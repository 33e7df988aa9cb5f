"""Slots: a lower page shows what higher apps add, and no panel replaces the page's own values."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from peersupport.slots import Slot


def test_a_slot_merges_what_each_provider_adds():
    slot = Slot("test page")
    slot.register(lambda request, *, client: {"timeline": [client]})
    slot.register(lambda request, *, client: {"can_write_notes": True})
    context = slot.context(RequestFactory().get("/"), client="Alex")
    assert context == {"timeline": ["Alex"], "can_write_notes": True}


def test_registering_a_provider_twice_adds_it_once():
    slot = Slot("test page")

    def panel(request):
        return {"waiting": 3}

    slot.register(panel)
    slot.register(panel)
    assert slot.context(RequestFactory().get("/")) == {"waiting": 3}


def test_a_provider_may_not_replace_a_value_the_page_set():
    slot = Slot("test page")

    def panel(request):
        return {"client": "someone else"}

    slot.register(panel)
    with pytest.raises(ImproperlyConfigured, match="client"):
        slot.context(RequestFactory().get("/"), taken={"client"})


def test_two_providers_may_not_set_the_same_key():
    slot = Slot("test page")
    slot.register(lambda request: {"waiting": 1})
    slot.register(lambda request: {"waiting": 2})
    with pytest.raises(ImproperlyConfigured, match="waiting"):
        slot.context(RequestFactory().get("/"))


def test_the_page_includes_in_each_region_the_templates_providers_name():
    slot = Slot("test page")
    slot.register(lambda request: {}, templates={"actions": "a.html", "sections": "s.html"})
    slot.register(lambda request: {"x": 1}, templates={"actions": "b.html"})
    context = slot.context(RequestFactory().get("/"))
    assert context["panels"] == {"actions": ["a.html", "b.html"], "sections": ["s.html"]}
    assert context["x"] == 1
