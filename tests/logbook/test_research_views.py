"""The programme activity page explains its marks and draws its chart at a fixed size."""

from django.urls import reverse

from tests.logbook.test_research import programme  # noqa: F401 (a fixture)


def test_the_page_explains_small_hidden_and_empty_cells(client, researcher, programme):  # noqa: F811
    client.force_login(researcher)
    response = client.get(reverse("research:activity"))
    page = response.content.decode()
    legend = page[page.index("How to read the counts") : page.index("Encounters per month")]
    for mark in ("&lt;5", "×", "—"):
        assert f">{mark}</dt>" in legend
    month = response.context["months"][0]
    columns = [value for value, _ in response.context["settings"]]
    assert month["setting_cells"] == [month["settings"].get(s, "—") for s in columns]


def test_the_chart_is_drawn_at_its_own_size_never_scaled(client, researcher, programme):  # noqa: F811
    client.force_login(researcher)
    page = client.get(reverse("research:activity")).content.decode()
    chart = page[page.index('<svg class="bar-chart"') :]
    chart = chart[: chart.index(">")]
    assert 'width="320"' in chart
    assert 'viewBox="0 0 320 ' in chart
    assert 'width="100%"' not in chart
