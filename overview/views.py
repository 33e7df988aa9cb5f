"""The coordinator's overview (/overview/): counts that lead to where the work
is done, caseloads, encounters per week in charts with their tables. Counts,
never content: no person served is named on the page."""

from __future__ import annotations

from typing import Any

from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext, pgettext

from clients.choices import ConsentState
from peersupport.access import ability_required
from peersupport.query import parse
from peersupport.roles import Ability

from . import charts, selectors
from .forms import OverviewFilterForm

CO_CLASS, ALONE_CLASS, ONE_CLASS = "bar-co", "bar-alone", "bar"


def week_words(monday) -> str:
    return gettext("week of %(day)s") % {"day": date_format(monday, "j M")}


def _charts(encounters: selectors.Encounters) -> dict[str, charts.Chart]:
    weeks = charts.bar_chart(
        "chart-weeks",
        gettext("Encounters per week: with someone else taking part, then the others"),
        [(week_words(week.monday), [week.co, week.alone]) for week in encounters.weeks],
        [CO_CLASS, ALONE_CLASS],
        [gettext("Co-interventions"), pgettext("encounters", "Others")],
    )
    settings = charts.bar_chart(
        "chart-settings",
        gettext("Encounters per setting over the period"),
        [(label, [count]) for _, label, count in encounters.settings],
        [ONE_CLASS],
    )
    workers = charts.bar_chart(
        "chart-workers",
        gettext("Encounters per worker who logged them, over the period"),
        [(str(row.worker), [row.total]) for row in encounters.workers],
        [ONE_CLASS],
    )
    return {"weeks": weeks, "settings": settings, "workers": workers}


def _consent_links(consents: selectors.ConsentsEnding) -> list[tuple[str, int, str]]:
    """(purpose, count, the register's list of those people) per purpose."""
    links = []
    for purpose, count in consents.by_purpose:
        query = urlencode(
            {"consent_purpose": purpose.value, "consent_state": ConsentState.EXPIRING_SOON}
        )
        links.append((str(purpose.label), count, f"{reverse('clients:list')}?{query}"))
    return links


@ability_required(Ability.VIEW_OVERVIEW)
def overview(request):
    form = parse(request, OverviewFilterForm)
    filters = form.filters()
    viewer = request.user
    encounters = selectors.encounters(viewer=viewer, filters=filters)
    context: dict[str, Any] = {
        "form": form,
        "filters": filters,
        "period_weeks": [week_words(monday) for monday in filters.period.weeks],
        "exceptions": selectors.exceptions_to_review(viewer=viewer, filters=filters),
        "requests": selectors.open_peer_requests(viewer=viewer, filters=filters),
        "overdue": selectors.overdue_per_worker(viewer=viewer, filters=filters),
        "consents": selectors.consents_ending(viewer=viewer, filters=filters),
        "becoming_inactive": selectors.becoming_inactive(viewer=viewer, filters=filters),
        "people": selectors.people_by_status(viewer=viewer, filters=filters),
        "onboarding": selectors.onboarding_overdue(viewer=viewer, filters=filters),
        "partners_stale": selectors.stale_partners(viewer=viewer),
        "caseloads": selectors.caseloads(viewer=viewer, filters=filters),
        "drafts": selectors.stale_drafts_per_author(viewer=viewer, filters=filters),
        "encounters": encounters,
        "charts": _charts(encounters),
        "becoming_inactive_days": selectors.BECOMING_INACTIVE_DAYS,
        "draft_days": selectors.DRAFT_STALE_DAYS,
    }
    context["consent_links"] = _consent_links(context["consents"])
    context["overdue_total"] = sum(row.count for row in context["overdue"])
    context["drafts_total"] = sum(row.count for row in context["drafts"])
    # The per-worker table's columns: one per week of the period.
    context["worker_rows"] = [
        (row.worker, [row.by_week.get(week.monday, 0) for week in encounters.weeks], row.total)
        for row in encounters.workers
    ]
    context["week_rows"] = [
        (
            week_words(week.monday),
            week,
            [week.by_setting.get(value, 0) for value, _, _ in encounters.settings],
        )
        for week in encounters.weeks
    ]
    return render(request, "overview/index.html", context)
