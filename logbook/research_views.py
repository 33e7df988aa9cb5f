"""De-identified programme statistics and the pseudonymised export, for research."""

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext

from interventions.choices import Setting
from interventions.models import Activity
from partners.choices import PartnerKind
from peersupport.access import ability_required
from peersupport.audit import record_streamed_file
from peersupport.query import parse
from peersupport.roles import Ability
from referrals.choices import ReferralStatus

from . import research
from .exports import csv_stream
from .forms import ResearchExportQuery

stats = ability_required(Ability.VIEW_PROGRAMME_STATS)

# The chart is drawn at its own pixel size and never scaled, so its 12 px text
# reads the same on a phone and on a desktop; 320 px fits a 360 px phone.
CHART_WIDTH = 320
LABEL_WIDTH = 84  # "March 2026", "févr. 2026" at 12 px (about 71 px), after 2 px
VALUE_WIDTH = 36  # the count after the longest bar
ROW = 22
PADDING = 4
BAR_MAX = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
NONE = "—"


@stats
def activity(request):
    # Every table is drawn from the same counts, read once.
    counted = research.figures(viewer=request.user)
    monthly = research.monthly_activity(viewer=request.user, counted=counted)["months"]
    peak = max((m["bar"] for m in monthly), default=0)
    for index, month in enumerate(monthly):
        month["bar_width"] = round(BAR_MAX * month["bar"] / peak) if peak else 0
        month["y"] = PADDING + ROW * index
        month["text_y"] = month["y"] + ROW // 2
        month["value_x"] = LABEL_WIDTH + month["bar_width"] + 4
    settings_seen = sorted({s for m in monthly for s in m["settings"]})
    labels = {a.name_en: a.label for a in Activity.objects.all()}
    activities_seen = [
        (name, labels.get(name, name))
        for name in sorted({a for m in monthly for a in m["activities"]})
    ]
    # One cell per column; a month without any is "none" (the legend says so).
    for month in monthly:
        month["setting_cells"] = [month["settings"].get(s, NONE) for s in settings_seen]
        month["activity_cells"] = [
            month["activities"].get(name, NONE) for name, _ in activities_seen
        ]
    referrals = research.referral_figures(viewer=request.user, counted=counted)
    kind_labels = {
        research.INTERNAL: gettext("Services of our organisation"),
        **dict(PartnerKind.choices),
    }
    outcome_labels = {research.STILL_OPEN: gettext("Not ended yet"), **dict(ReferralStatus.choices)}
    referrals["by_kind"] = [(kind_labels[k], v) for k, v in referrals["by_kind"]]
    referrals["by_outcome"] = [(outcome_labels[k], v) for k, v in referrals["by_outcome"]]
    return render(
        request,
        "logbook/research_activity.html",
        {
            "referrals": referrals,
            "months": monthly,
            "stages": research.by_stage(viewer=request.user, counted=counted),
            "group_months": research.group_months(viewer=request.user, counted=counted),
            "settings": [(s, Setting(s).label) for s in settings_seen],
            "activities": activities_seen,
            "chart": {
                "width": CHART_WIDTH,
                "height": ROW * len(monthly) + 2 * PADDING,
                "bar_x": LABEL_WIDTH,
                "bar_height": ROW - 6,
            },
        },
    )


@stats
def export(request):
    query = parse(request, ResearchExportQuery)
    if query.refused("format"):
        raise Http404
    fmt = query.value("format", "csv")
    if fmt == "dictionary":
        return StreamingHttpResponse(
            csv_stream(["column", "description"], research.EXPORT_COLUMNS),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="research-dictionary.csv"'},
        )
    if fmt != "csv":
        raise Http404
    dates = query.value("dates", "shift")
    # Recorded before the first row leaves; the row count when the stream ends.
    stream = record_streamed_file(
        user=request.user,
        dataset="research_encounters",
        format="csv",
        filters={"dates": dates},
        file=research.ExportFile(viewer=request.user, dates=dates),
    )
    filename = f"research-encounters-{timezone.localdate().isoformat()}.csv"
    return StreamingHttpResponse(
        stream,
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
