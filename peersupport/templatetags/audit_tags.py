"""Template helpers for showing audit entries."""

from django import template

from ..audit import describe_entry

register = template.Library()


@register.filter
def described(entry):
    return describe_entry(entry)


@register.filter
def verbose_name_of(model):
    return model._meta.verbose_name.capitalize() if model else ""
