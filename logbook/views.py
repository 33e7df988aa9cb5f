"""Screens of the logbook. Thin: the policy finds, services change."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from partners.selectors import partners_to_pick
from peersupport.audit import history_of, readable_entries
from peersupport.form_tools import apply_service
from peersupport.keyset import Keyset, count_up_to, requested_page
from peersupport.query import RecordCursorQuery, parse
from staff.access import work_activity_policy

from . import exports, exports_http, selectors, services
from .access import Action, entry_policy, stage_policy, theme_policy
from .choices import Kind, Source
from .forms import (
    EntryFilterForm,
    EntryForm,
    LogbookQuery,
    StageForm,
    ThemeForm,
    ThemeMergeForm,
    initial_from_work,
)
from .models import Stage, Theme

PAGE_SIZE = 25
# The list says how many entries match up to this many, and "more than" beyond.
COUNT_UP_TO = 1000


def _require(allowed: bool) -> None:
    if not allowed:
        raise Http404


def _filters(request: HttpRequest) -> tuple[EntryFilterForm, selectors.EntryFilters]:
    """The list's filters from the query string; the export reads the same ones."""
    form = parse(
        request,
        EntryFilterForm,
        stages=stage_policy.visible_to(request.user),
        codebook=theme_policy.visible_to(request.user),
        authors=selectors.entry_authors(viewer=request.user),
    )
    in_bin = parse(request, LogbookQuery).value("deleted", False) and entry_policy.can(
        request.user, Action.RESTORE
    )
    return form, form.entry_filters(deleted=in_bin)


def entry_list(request: HttpRequest) -> HttpResponse:
    _require(entry_policy.can(request.user, Action.VIEW))
    form, filters = _filters(request)
    entries = selectors.entry_list(viewer=request.user, filters=filters)
    # By place (peersupport.keyset): no count of the whole logbook, no offset
    # into it. A link names an entry by number, found again through the policy.
    keyset = Keyset([entries], selectors.LIST_ORDER, PAGE_SIZE, cursor=lambda e: str(e.pk))
    page = requested_page(
        request,
        keyset,
        query=RecordCursorQuery,
        place_of=lambda pk: selectors.entry_place(
            viewer=request.user, pk=pk, deleted=filters.deleted
        ),
    )
    return render(
        request,
        "logbook/list.html",
        {
            "form": form,
            "page": page,
            "found": count_up_to(entries, COUNT_UP_TO),
            "count_up_to": COUNT_UP_TO,
            "deleted": filters.deleted,
            "can_open_bin": entry_policy.can(request.user, Action.RESTORE),
            "can_contribute": entry_policy.can(request.user, Action.CONTRIBUTE),
            "can_export": entry_policy.can(request.user, Action.EXPORT),
            "formats": list(exports.FORMATS),
        },
    )


def entry_export(request: HttpRequest) -> HttpResponse:
    """The list, as a file: same filters, same policy, every export recorded."""
    _require(entry_policy.can(request.user, Action.EXPORT))
    fmt = parse(request, LogbookQuery).value("format", "csv")
    if fmt not in exports.FORMATS:
        raise Http404
    form, filters = _filters(request)
    if form.is_bound and not form.is_valid():
        # Dropping a bad filter would export more than was asked for.
        return HttpResponseBadRequest(
            _("The filters are not valid: %(errors)s")
            % {"errors": "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())},
            content_type="text/plain; charset=utf-8",
        )
    return exports_http.export_response(viewer=request.user, filters=filters, fmt=fmt)


def _from_work(request: HttpRequest):
    """The meeting or debriefing a new entry counts (``?from_work=``): one the
    user may turn into an entry, else 404 (or 403 for one they may only see)."""
    query = parse(request, LogbookQuery)
    if query.refused("from_work"):
        raise Http404
    if (chosen := query.value("from_work")) is None:
        return None
    return work_activity_policy.get_for(
        request.user, chosen, work_activity_policy.Action.TO_LOGBOOK
    )


def entry_new(request: HttpRequest) -> HttpResponse:
    _require(entry_policy.can(request.user, Action.CONTRIBUTE))
    work_activity = _from_work(request)
    if work_activity is not None and (counted := selectors.entry_counting(work_activity)):
        # Counted once: the second tap leads to the first entry, if the user sees it.
        return render(
            request,
            "logbook/form.html",
            {
                "form": None,
                "entry": None,
                "already_counted": counted,
                "can_open_counted": entry_policy.can(request.user, Action.VIEW, counted),
            },
        )
    form = EntryForm(
        request.POST or None,
        codebook=theme_policy.visible_to(request.user),
        partners=partners_to_pick(request.user),
        can_code=entry_policy.can(request.user, Action.CODE),
        from_work=work_activity is not None,
        initial=initial_from_work(work_activity) if work_activity is not None else None,
    )
    if request.method == "POST" and form.is_valid():
        entry = apply_service(
            form,
            lambda: services.entry_save(
                acting_user=request.user, work_activity=work_activity, **form.service_arguments()
            ),
        )
        if entry:
            messages.success(request, _("Entry saved."))
            return redirect("logbook:detail", pk=entry.pk)
    return render(
        request,
        "logbook/form.html",
        {"form": form, "entry": None, "work_activity": work_activity},
    )


def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.entry_with_stage(entry_policy.get_for(request.user, pk))
    return render(
        request,
        "logbook/detail.html",
        {
            "entry": entry,
            "themes": list(entry.themes.all()),
            "partners": list(entry.partners.all()),
            "history": _in_words(history_of(entry)[:30]),
            "can_edit": entry_policy.can(request.user, Action.EDIT, entry),
            "can_delete": entry_policy.can(request.user, Action.DELETE, entry),
            "can_restore": entry_policy.can(request.user, Action.RESTORE, entry),
        },
    )


def _in_words(entries):
    entries = list(entries)
    for entry, words in zip(entries, readable_entries(entries, subjects=False), strict=True):
        entry.words = words
    return entries


def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_policy.get_for(request.user, pk, Action.EDIT)
    form = EntryForm(
        request.POST or None,
        instance=entry,
        codebook=theme_policy.visible_to(request.user),
        partners=partners_to_pick(request.user),
        can_code=entry_policy.can(request.user, Action.CODE, entry),
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and apply_service(
            form,
            lambda: services.entry_save(
                acting_user=request.user, entry=entry, **form.service_arguments()
            ),
        )
    ):
        messages.success(request, _("Entry saved. The earlier version stays in its history."))
        return redirect("logbook:detail", pk=entry.pk)
    return render(request, "logbook/form.html", {"form": form, "entry": entry})


@require_POST
def entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_policy.get_for(request.user, pk, Action.DELETE)
    services.entry_delete(acting_user=request.user, entry=entry)
    messages.success(request, _("Entry deleted. The research team can restore it."))
    return redirect("logbook:list")


@require_POST
def entry_restore(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_policy.get_for(request.user, pk, Action.RESTORE)
    services.entry_restore(acting_user=request.user, entry=entry)
    messages.success(request, _("Entry restored."))
    return redirect("logbook:detail", pk=entry.pk)


def codebook(request: HttpRequest) -> HttpResponse:
    _require(theme_policy.can(request.user, theme_policy.Action.VIEW))
    themes = theme_policy.visible_to(request.user).select_related("parent")
    return render(
        request,
        "logbook/codebook.html",
        {"themes": themes, "can_keep": theme_policy.can(request.user, theme_policy.Action.EDIT)},
    )


def theme_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    # The codebook is not a secret, but changing it is the research team's:
    # to anyone else its edit pages do not exist.
    _require(theme_policy.can(request.user, theme_policy.Action.EDIT))
    codebook = theme_policy.visible_to(request.user)
    theme = theme_policy.get_for(request.user, pk, theme_policy.Action.EDIT) if pk else Theme()
    form = ThemeForm(request.POST or None, instance=theme, codebook=codebook)
    merge_form = ThemeMergeForm(codebook=codebook, keep=theme) if pk else None
    if (
        request.method == "POST"
        and form.is_valid()
        and apply_service(
            form, lambda: services.theme_save(acting_user=request.user, theme=form.instance)
        )
    ):
        messages.success(request, _("Theme saved."))
        return redirect("logbook:codebook")
    return render(
        request,
        "logbook/theme_form.html",
        {"form": form, "theme": theme if pk else None, "merge_form": merge_form},
    )


@require_POST
def theme_merge(request: HttpRequest, pk: int) -> HttpResponse:
    _require(theme_policy.can(request.user, theme_policy.Action.EDIT))
    codebook = theme_policy.visible_to(request.user)
    keep = theme_policy.get_for(request.user, pk, theme_policy.Action.EDIT)
    form = ThemeMergeForm(request.POST, codebook=codebook, keep=keep)
    if form.is_valid() and apply_service(
        form,
        lambda: services.theme_merge(
            acting_user=request.user, keep=keep, merge_away=form.cleaned_data["other"]
        ),
    ):
        messages.success(request, _("Themes merged."))
        return redirect("logbook:codebook")
    return render(
        request,
        "logbook/theme_form.html",
        {"form": ThemeForm(instance=keep, codebook=codebook), "theme": keep, "merge_form": form},
    )


def stages(request: HttpRequest) -> HttpResponse:
    _require(stage_policy.can(request.user, stage_policy.Action.VIEW))
    return render(
        request,
        "logbook/stages.html",
        {
            "stages": stage_policy.visible_to(request.user),
            "can_keep": stage_policy.can(request.user, stage_policy.Action.EDIT),
        },
    )


def stage_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require(stage_policy.can(request.user, stage_policy.Action.EDIT))
    stage = stage_policy.get_for(request.user, pk, stage_policy.Action.EDIT) if pk else Stage()
    form = StageForm(request.POST or None, instance=stage)
    if (
        request.method == "POST"
        and form.is_valid()
        and apply_service(
            form, lambda: services.stage_save(acting_user=request.user, stage=form.instance)
        )
    ):
        messages.success(request, _("Stage saved. Entries follow their dates into it."))
        return redirect("logbook:stages")
    return render(
        request, "logbook/stage_form.html", {"form": form, "stage": stage if pk else None}
    )


HEAT_LEVELS = 5


def matrix(request: HttpRequest) -> HttpResponse:
    _require(entry_policy.can(request.user, Action.VIEW))
    query = parse(request, LogbookQuery)
    kind, source = query.value("kind", ""), query.value("source", "")
    stages, rows = selectors.theme_matrix(viewer=request.user, kind=kind, source=source)
    peak = max((max(row.cells) for row in rows), default=0)
    columns = [stage.pk for stage in stages] + [selectors.OUTSIDE_STAGES]
    names = [stage.name for stage in stages] + [_("outside any stage")]
    list_url = reverse("logbook:list")
    for row in rows:
        # Heat levels by CSS class: the Content Security Policy forbids inline styles.
        row.levels = [
            (count, 0 if not count else 1 + (HEAT_LEVELS - 1) * count // max(peak, 1))
            for count in row.cells
        ]
        # Each count opens the entries it counts: the list filtered the same way.
        row.links = [
            (
                f"{list_url}?{urlencode(_matrix_filters(row.theme.pk, column, kind, source))}"
                if count
                else "",
                ngettext(
                    "%(count)s entry coded %(theme)s in stage %(stage)s",
                    "%(count)s entries coded %(theme)s in stage %(stage)s",
                    count,
                )
                % {"count": count, "theme": row.theme.label, "stage": name}
                if count
                else "",
            )
            for count, column, name in zip(row.cells, columns, names, strict=True)
        ]
        row.cells_shown = list(zip(row.levels, row.links, strict=True))
    return render(
        request,
        "logbook/matrix.html",
        {
            "stages": stages,
            "rows": rows,
            "kind": kind,
            "source": source,
            "kinds": Kind.choices,
            "sources": Source.choices,
            "has_outside": any(row.cells[-1] for row in rows),
            "heat_levels": range(1, HEAT_LEVELS + 1),
        },
    )


def _matrix_filters(theme_id, column, kind, source) -> dict:
    return {
        key: value
        for key, value in (
            ("theme", theme_id),
            ("stage", column),
            ("kind", kind),
            ("source", source),
        )
        if value
    }


def timeline(request: HttpRequest) -> HttpResponse:
    _require(entry_policy.can(request.user, Action.VIEW))
    return render(
        request, "logbook/timeline.html", {"groups": selectors.timeline(viewer=request.user)}
    )
