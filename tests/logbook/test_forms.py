"""The entry form's theme picker shows the codebook as a tree."""

import pytest
from django.urls import reverse

from logbook.access import theme_policy
from logbook.forms import EntryForm
from logbook.models import Theme

pytestmark = pytest.mark.django_db


def _options(form):
    return list(form.fields["themes"].choices)


def test_the_theme_picker_groups_themes_under_their_parent(researcher):
    form = EntryForm(codebook=theme_policy.visible_to(researcher), can_code=True)
    groups = {label: options for label, options in _options(form) if isinstance(options, list)}
    assert set(groups) == {"Barriers", "Facilitators"}
    assert "Uncertain funding (Barrier)" in [label for _, label in groups["Barriers"]]


def test_a_parent_that_only_groups_others_is_not_a_checkbox(client, researcher):
    barriers = Theme.objects.get(name="Barriers")
    form = EntryForm(codebook=theme_policy.visible_to(researcher), can_code=True)
    values = [
        value for _, options in _options(form) if isinstance(options, list) for value, _ in options
    ]
    assert barriers.pk not in values
    assert not form.fields["themes"].queryset.filter(pk=barriers.pk).exists()
    client.force_login(researcher)
    page = client.get(reverse("logbook:new")).content.decode()
    assert f'value="{barriers.pk}"' not in page
    assert "<strong>Barriers</strong>" in page


def test_a_parent_already_on_an_entry_stays_checked_when_it_is_edited(researcher, make_entry):
    barriers = Theme.objects.get(name="Barriers")
    entry = make_entry(researcher)
    entry.themes.set([barriers])
    form = EntryForm(instance=entry, codebook=theme_policy.visible_to(researcher), can_code=True)
    assert form.fields["themes"].queryset.filter(pk=barriers.pk).exists()


def test_an_entry_form_given_no_partners_offers_none_and_still_renders():
    form = EntryForm()
    assert not form.fields["partners"].queryset.exists()
    assert 'name="title"' in form.as_div()
