"""De-identified programme statistics and the pseudonymised export, for research."""

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from interventions.choices import Setting
from interventions.models import Activity
from peersupport.access import ability_required
from peersupport.audit import record_export
from peersupport.roles import Ability

from . import research

stats = ability_required(Ability.VIEW_PROGRAMME_STATS)
CHART_WIDTH = 300


@stats
def activity(request):
    monthly = research.monthly_activity(viewer=request.user)["months"]
    peak = max((m["bar"] for m in monthly), default=0)
    for index, month in enumerate(monthly):
        month["bar_width"] = round(CHART_WIDTH * month["bar"] / peak) if peak else 0
        month["y"] = 22 * index
        month["value_x"] = 75 + month["bar_width"]
    settings_seen = sorted({s for m in monthly for s in m["settings"]})
    labels = {a.name_en: a.label for a in Activity.objects.all()}
    activities_seen = [
        (name, labels.get(name, name))
        for name in sorted({a for m in monthly for a in m["activities"]})
    ]
    return render(
        request,
        "logbook/research_activity.html",
        {
            "months": monthly,
            "stages": research.by_stage(viewer=request.user),
            "settings": [(s, Setting(s).label) for s in settings_seen],
            "activities": activities_seen,
            "chart_width": CHART_WIDTH,
            "chart_height": 22 * len(monthly) + 10,
        },
    )


@stats
def export(request):
    fmt = request.GET.get("format", "csv")
    if fmt == "dictionary":
        return StreamingHttpResponse(
            research.csv_chunks(["column", "description"], research.EXPORT_COLUMNS),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="research-dictionary.csv"'},
        )
    if fmt != "csv":
        raise Http404
    dates = "week" if request.GET.get("dates") == "week" else "shift"
    encounters, rows = research.export_rows(viewer=request.user, dates=dates)
    record_export(
        user=request.user,
        dataset="research_encounters",
        format="csv",
        filters={"dates": dates},
        row_count=encounters.count(),
    )
    filename = f"research-encounters-{timezone.localdate().isoformat()}.csv"
    return StreamingHttpResponse(
        research.csv_chunks([name for name, _ in research.EXPORT_COLUMNS], rows),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
