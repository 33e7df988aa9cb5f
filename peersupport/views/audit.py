"""The audit trail for coordinators: who did or saw what, searchable, in words."""

from datetime import datetime, time, timedelta

from auditlog.models import LogEntry
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from clients.access import clients_visible_to

from ..access import ability_required
from ..audit import entries_about_person, readable_entries
from ..forms import AuditFilterForm
from ..roles import Ability

PAGE_SIZE = 50


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


@ability_required(Ability.VIEW_AUDIT_TRAIL)
def audit_trail(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.values() if form.is_bound else {}
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
    person = filters.get("person")
    if filters.get("user"):
        entries = entries.filter(actor__username__iexact=filters["user"].strip())
    if person:
        entries = entries.filter(entries_about_person(person))
    if filters.get("action"):
        entries = entries.filter(action=AuditFilterForm.ACTIONS[filters["action"]])
    if filters.get("since"):
        entries = entries.filter(timestamp__gte=_start_of(filters["since"]))
    if filters.get("until"):
        entries = entries.filter(timestamp__lt=_start_of(filters["until"] + timedelta(days=1)))
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page)
    people_ids = {person} if person else set()
    for entry in rows:
        client_id = (entry.additional_data or {}).get("client_id")
        if entry.content_type.model == "client" and entry.content_type.app_label == "clients":
            client_id = int(entry.object_pk)
        entry.client_id = client_id
        if client_id:
            people_ids.add(client_id)
    # Names only of the people this coordinator may see; the others show as numbers.
    names = dict(
        clients_visible_to(request.user).filter(pk__in=people_ids).values_list("pk", "display_name")
    )
    for entry, words in zip(rows, readable_entries(rows), strict=True):
        entry.client_name = names.get(entry.client_id, "")
        entry.words = words
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "peersupport/audit.html",
        {
            "page": page,
            "rows": rows,
            "form": form if form.is_bound else AuditFilterForm(),
            "person_name": names.get(person) if person else None,
            "query_string": query.urlencode(),
        },
    )
