"""Screens of the logbook. Thin: the policy finds, services change."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from peersupport.audit import history_of, readable_entries
from peersupport.form_tools import apply_service

from . import access, exports_http, selectors, services
from .access import Action
from .choices import Kind, Source
from .forms import EntryFilterForm, EntryForm, StageForm, ThemeForm, ThemeMergeForm
from .models import Stage, Theme

PAGE_SIZE = 25


def _require(allowed):
    if not allowed:
        raise Http404


def _filters(request):
    """The list's filters from the query string; the export reads the same ones."""
    form = EntryFilterForm(
        request.GET or None,
        stages=access.stages_for(request.user),
        codebook=access.codebook_for(request.user),
        authors=access.authors_for(request.user),
    )
    data = form.cleaned_data if form.is_valid() else {}
    deleted = request.GET.get("deleted") == "1" and access.keeps_logbook(request.user)
    filters = selectors.EntryFilters(
        stage=data.get("stage"),
        kind=data.get("kind", ""),
        source=data.get("source", ""),
        theme_id=data["theme"].pk if data.get("theme") else None,
        author_id=data["author"].pk if data.get("author") else None,
        since=data.get("since"),
        until=data.get("until"),
        q=data.get("q", "").strip(),
        deleted=deleted,
    )
    return form, filters


def entry_list(request):
    _require(access.may_use_logbook(request.user))
    form, filters = _filters(request)
    page = Paginator(
        selectors.entry_list(viewer=request.user, filters=filters), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "logbook/list.html",
        {
            "form": form,
            "page": page,
            "deleted": filters.deleted,
            "query_string": query.urlencode(),
            "keeps": access.keeps_logbook(request.user),
            "may_contribute": access.may_contribute(request.user),
            "may_export": access.may_export(request.user),
            "formats": EXPORT_FORMATS,
        },
    )


EXPORT_FORMATS = ["csv", "xlsx", "json", "qdpx"]


def entry_export(request):
    """The list, as a file: same filters, same policy, every export recorded."""
    _require(access.may_export(request.user))
    fmt = request.GET.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
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


def entry_new(request):
    _require(access.may_contribute(request.user))
    may_code = access.keeps_logbook(request.user)
    form = EntryForm(
        request.POST or None, codebook=access.codebook_for(request.user), may_code=may_code
    )
    if request.method == "POST" and form.is_valid():
        entry = apply_service(
            form,
            lambda: services.entry_save(
                acting_user=request.user,
                data={**form.cleaned_data},
                themes=form.cleaned_data.get("themes") if may_code else None,
                partners=form.cleaned_data["partners"],
            ),
        )
        if entry:
            messages.success(request, _("Entry saved."))
            return redirect("logbook:detail", pk=entry.pk)
    return render(request, "logbook/form.html", {"form": form, "entry": None})


def entry_detail(request, pk):
    entry = access.get_entry_for(request.user, pk)
    entry = selectors.with_stage(type(entry).objects.filter(pk=entry.pk)).get()
    return render(
        request,
        "logbook/detail.html",
        {
            "entry": entry,
            "themes": list(entry.themes.all()),
            "partners": list(entry.partners.all()),
            "history": _in_words(history_of(entry)[:30]),
            "may_edit": access.can(request.user, Action.EDIT, entry),
            "may_delete": access.can(request.user, Action.DELETE, entry),
            "may_restore": access.can(request.user, Action.RESTORE, entry),
        },
    )


def _in_words(entries):
    entries = list(entries)
    for entry, words in zip(entries, readable_entries(entries, subjects=False), strict=True):
        entry.words = words
    return entries


def entry_edit(request, pk):
    entry = access.get_entry_for(request.user, pk, Action.EDIT)
    may_code = access.can(request.user, Action.CODE, entry)
    form = EntryForm(
        request.POST or None,
        instance=entry,
        codebook=access.codebook_for(request.user),
        may_code=may_code,
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and apply_service(
            form,
            lambda: services.entry_save(
                acting_user=request.user,
                entry=entry,
                data={**form.cleaned_data},
                themes=form.cleaned_data.get("themes") if may_code else None,
                partners=form.cleaned_data["partners"],
            ),
        )
    ):
        messages.success(request, _("Entry saved. The earlier version stays in its history."))
        return redirect("logbook:detail", pk=entry.pk)
    return render(request, "logbook/form.html", {"form": form, "entry": entry})


@require_POST
def entry_delete(request, pk):
    entry = access.get_entry_for(request.user, pk, Action.DELETE)
    services.entry_delete(acting_user=request.user, entry=entry)
    messages.success(request, _("Entry deleted. The research team can restore it."))
    return redirect("logbook:list")


@require_POST
def entry_restore(request, pk):
    entry = access.get_entry_for(request.user, pk, Action.RESTORE)
    services.entry_restore(acting_user=request.user, entry=entry)
    messages.success(request, _("Entry restored."))
    return redirect("logbook:detail", pk=entry.pk)


def codebook(request):
    _require(access.may_use_logbook(request.user))
    themes = access.codebook_for(request.user).select_related("parent")
    return render(
        request,
        "logbook/codebook.html",
        {"themes": themes, "keeps": access.keeps_logbook(request.user)},
    )


def theme_edit(request, pk=None):
    _require(access.keeps_logbook(request.user))
    codebook = access.codebook_for(request.user)
    theme = get_object_or_404(codebook, pk=pk) if pk else Theme()
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
def theme_merge(request, pk):
    _require(access.keeps_logbook(request.user))
    codebook = access.codebook_for(request.user)
    keep = get_object_or_404(codebook, pk=pk)
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


def stages(request):
    _require(access.may_use_logbook(request.user))
    return render(
        request,
        "logbook/stages.html",
        {"stages": access.stages_for(request.user), "keeps": access.keeps_logbook(request.user)},
    )


def stage_edit(request, pk=None):
    _require(access.keeps_logbook(request.user))
    stage = get_object_or_404(access.stages_for(request.user), pk=pk) if pk else Stage()
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


def matrix(request):
    _require(access.may_use_logbook(request.user))
    kind, source = request.GET.get("kind", ""), request.GET.get("source", "")
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


def timeline(request):
    _require(access.may_use_logbook(request.user))
    return render(
        request, "logbook/timeline.html", {"groups": selectors.timeline(viewer=request.user)}
    )
