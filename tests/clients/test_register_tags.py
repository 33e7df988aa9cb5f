"""The register's badges (clients/templatetags/register_tags.py): a word in
the reader's language, its colour, and a purpose before it when given."""

from django.template import Context, Template
from django.utils import translation

from clients.choices import ConsentState, Purpose, Status


def rendered(source, **context):
    return Template("{% load register_tags %}" + source).render(Context(context))


def test_a_status_badge_says_the_status_in_words_with_its_colour():
    assert rendered("{% status_badge s %}", s=Status.ACTIVE) == (
        '<span class="badge text-bg-success">Active</span>'
    )


def test_a_consent_badge_names_its_purpose_first_in_the_readers_language():
    with translation.override("fr"):
        html = rendered(
            "{% consent_badge s p|short_purpose %}", s=ConsentState.WITHDRAWN, p=Purpose.RESEARCH
        )
    assert html == '<span class="badge text-bg-danger">Recherche: Retiré</span>'
