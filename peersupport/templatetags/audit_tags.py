"""Template helpers for showing audit entries."""

from django import template

from ..audit import describe_entry

register = template.Library()


@register.filter
def described(entry):
    return describe_entry(entry)
