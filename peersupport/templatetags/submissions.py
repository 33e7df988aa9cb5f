"""``{% submission_token %}``: the one-time token of a hand-written form that
creates something (forms built with ``OnceFormMixin`` carry it already)."""

from django import template
from django.utils.html import format_html

from ..submissions import FIELD, new_token

register = template.Library()


@register.simple_tag
def submission_token():
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())
