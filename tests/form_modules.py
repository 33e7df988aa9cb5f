"""Every module of the project that defines a form, found rather than listed:
a new form module is walked by the tests that check every form (one-time
tokens, versions, control characters) before anyone remembers to name it."""

import importlib
import inspect
from pathlib import Path

from django import forms

ROOT = Path(__file__).resolve().parents[1]
PRODUCT_PACKAGES = [
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
]


def _defines_a_form(name: str) -> bool:
    module = importlib.import_module(name)
    return any(
        issubclass(cls, forms.BaseForm) and cls.__module__ == name
        for _, cls in inspect.getmembers(module, inspect.isclass)
    )


def form_modules() -> list[str]:
    found = []
    for package in PRODUCT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts or "forms" not in path.read_text():
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            if _defines_a_form(name):
                found.append(name)
    return found


def project_forms(modules=None):
    """The form classes those modules define (mixins left out)."""
    for name in modules if modules is not None else form_modules():
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, forms.BaseForm)
                and cls.__module__ == name
                and not cls.__name__.endswith("Mixin")
            ):
                yield cls
