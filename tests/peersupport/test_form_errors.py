"""Every crispy form that failed says so at its top, and ties each error to its field."""

import re

from django import forms
from django.template import engines

CRISPY = engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}")
CRISPY_FILTER = engines["django"].from_string("{% load crispy_forms_tags %}{{ form|crispy }}")


class VisitForm(forms.Form):
    place = forms.CharField(label="Place")
    setting = forms.ChoiceField(
        label="Setting",
        choices=[("street", "Street"), ("clinic", "Clinic")],
        widget=forms.RadioSelect,
    )
    when = forms.DateField(label="When")

    def clean(self):
        raise forms.ValidationError("The person was discharged that day.")


def _failed(template=CRISPY) -> str:
    form = VisitForm(data={"when": "not a date"})
    assert not form.is_valid()
    return template.render({"form": form})


def test_a_failed_form_opens_with_an_error_summary_announced_to_screen_readers():
    html = _failed()
    summary = re.search(r'<div class="[^"]*error-summary[^"]*"[^>]*>', html)
    assert summary is not None
    assert 'role="alert"' in summary.group(0)
    assert html.index("error-summary") < html.index('name="place"')
    assert "The person was discharged that day." in html


def test_the_summary_links_every_field_in_error_to_the_field():
    html = _failed()
    summary = html[html.index("error-summary") : html.index('name="place"')]
    assert 'href="#id_place"' in summary
    assert 'href="#id_setting_0"' in summary  # a group of choices: its first one
    assert 'href="#id_when"' in summary
    assert "Enter a valid date." in summary


def test_each_field_in_error_is_marked_invalid_and_described_by_its_error():
    html = _failed()
    field = re.search(r'<input [^>]*name="when"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field
    described_by = re.search(r'aria-describedby="([^"]+)"', field).group(1).split()
    error_id = next(i for i in described_by if i.endswith("_error"))
    error = re.search(rf'<div id="{error_id}"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert "Enter a valid date." in error


def test_the_filter_form_of_crispy_gets_the_same_summary():
    assert 'role="alert"' in _failed(CRISPY_FILTER)


def test_a_form_without_errors_has_no_summary():
    html = CRISPY.render({"form": VisitForm()})
    assert "error-summary" not in html
