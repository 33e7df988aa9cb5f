"""The coordinator's overview (/overview/): counts that lead to where the work
is done, caseloads, encounters per week in charts with their tables. Counts,
never content: no person served is named on the page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext, pgettext

from clients.choices import ConsentState
from peersupport.access import ability_required
from peersupport.query import page_number, parse, query_string
from peersupport.roles import Ability

from . import charts, figures, selectors
from .forms import OverviewFilterForm

CO_CLASS, ALONE_CLASS, ONE_CLASS = "bar-co", "bar-alone", "bar"


def week_words(monday) -> str:
    return gettext("week of %(day)s") % {"day": date_format(monday, "j M")}


def _charts(encounters: selectors.Encounters, workers_shown: int) -> dict[str, charts.Chart]:
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
        gettext("Encounters per worker who logged them, over the period (the most first)"),
        [(str(row.worker), [row.total]) for row in encounters.workers[:workers_shown]],
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


# The per-worker blocks show the workers with the most; the whole list is
# one tap away (``workers``), a page at a time. A regional programme has a
# thousand workers: a table of them all is read on no phone.
WORKERS_SHOWN = 10
WORKERS_PER_PAGE = 50


def _figures(request) -> tuple[OverviewFilterForm, selectors.Filters, figures.Figures]:
    form = parse(request, OverviewFilterForm)
    filters = form.filters()
    kept = figures.kept(viewer=request.user, filters=filters, fresh=form.value("fresh") == "1")
    return form, filters, kept


def _filter_query(filters: selectors.Filters) -> str:
    """The query string that asks for the same filters (for links between the pages)."""
    query = {"start": filters.period.start.isoformat(), "end": filters.period.end.isoformat()}
    if filters.team is not None:
        query["team"] = filters.team.pk
    return urlencode(query)


def _without_fresh(request) -> HttpResponseRedirect:
    """Counted again: the same address without the request to count again,
    so that reloading the page or following its links does not count again."""
    query = query_string(request, fresh=None)
    return HttpResponseRedirect(f"{request.path}?{query}" if query else request.path)


@ability_required(Ability.VIEW_OVERVIEW)
def overview(request):
    form, filters, counted = _figures(request)
    if form.value("fresh") == "1":
        return _without_fresh(request)
    encounters = counted.encounters
    context: dict[str, Any] = {
        "form": form,
        "filters": filters,
        "figures": counted,
        "period_weeks": [week_words(monday) for monday in filters.period.weeks],
        "exceptions": counted.exceptions,
        "requests": counted.requests,
        "overdue": counted.overdue[:WORKERS_SHOWN],
        "overdue_workers": len(counted.overdue),
        "consents": counted.consents,
        "becoming_inactive": counted.becoming_inactive,
        "people": counted.people,
        "onboarding": counted.onboarding,
        "partners_stale": counted.partners_stale,
        "caseloads": counted.caseloads[:WORKERS_SHOWN],
        "caseload_workers": len(counted.caseloads),
        "drafts": counted.drafts[:WORKERS_SHOWN],
        "draft_authors": len(counted.drafts),
        "encounters": encounters,
        "encounter_workers": len(encounters.workers),
        "charts": _charts(encounters, WORKERS_SHOWN),
        "becoming_inactive_days": selectors.BECOMING_INACTIVE_DAYS,
        "draft_days": selectors.DRAFT_STALE_DAYS,
        "workers_shown": WORKERS_SHOWN,
        "filter_query": _filter_query(filters),
    }
    context["consent_links"] = _consent_links(counted.consents)
    context["overdue_total"] = sum(row.count for row in counted.overdue)
    context["drafts_total"] = sum(row.count for row in counted.drafts)
    # The per-worker table's columns: one per week of the period.
    context["worker_rows"] = [
        (row.worker, [row.by_week.get(week.monday, 0) for week in encounters.weeks], row.total)
        for row in encounters.workers[:WORKERS_SHOWN]
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


@dataclass
class WorkerRow:
    """One worker's line of the whole list: caseload, encounters of the
    period, overdue follow-ups and old drafts."""

    worker: selectors.Worker
    active: int = 0
    inactive: int = 0
    encounters: int = 0
    overdue: int = 0
    drafts: int = 0
    # Only the peers and clinicians of the caseloads are named by their role:
    # anyone else (a coordinator who logged an encounter) is not one of them.
    has_caseload: bool = False

    @property
    def caseload(self) -> int:
        return self.active + self.inactive


def worker_rows(counted: figures.Figures) -> list[WorkerRow]:
    """Every worker the overview counts, with the largest caseload first (as
    the overview's caseloads), then those who only logged encounters, have
    follow-ups overdue or old drafts."""
    rows: dict[int, WorkerRow] = {}
    for load in counted.caseloads:
        rows[load.worker.pk] = WorkerRow(load.worker, load.active, load.inactive, has_caseload=True)
    others: list[WorkerRow] = []
    for attribute, found in (
        ("encounters", [(r.worker, r.total) for r in counted.encounters.workers]),
        ("overdue", [(r.worker, r.count) for r in counted.overdue]),
        ("drafts", [(r.worker, r.count) for r in counted.drafts]),
    ):
        for worker, number in found:
            if worker.pk not in rows:
                rows[worker.pk] = WorkerRow(worker)
                others.append(rows[worker.pk])
            setattr(rows[worker.pk], attribute, number)
    ordered = [rows[load.worker.pk] for load in counted.caseloads]
    return ordered + sorted(others, key=lambda row: (row.worker.name.casefold(), row.worker.pk))


@ability_required(Ability.VIEW_OVERVIEW)
def workers(request):
    form, filters, counted = _figures(request)
    if form.value("fresh") == "1":
        return _without_fresh(request)
    page = Paginator(worker_rows(counted), WORKERS_PER_PAGE).get_page(page_number(request))
    return render(
        request,
        "overview/workers.html",
        {
            "form": form,
            "filters": filters,
            "figures": counted,
            "page": page,
            "filter_query": _filter_query(filters),
            "draft_days": selectors.DRAFT_STALE_DAYS,
        },
    )
