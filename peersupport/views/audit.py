"""The audit trail for coordinators: who did or saw what, searchable."""

from datetime import datetime, time

from auditlog.models import LogEntry
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date

from clients.access import clients_visible_to

from ..access import ability_required
from ..audit import entries_about_person
from ..roles import Ability

ACTIONS = {
    "create": LogEntry.Action.CREATE,
    "update": LogEntry.Action.UPDATE,
    "delete": LogEntry.Action.DELETE,
    "access": LogEntry.Action.ACCESS,
}


def _day(value):
    day = parse_date(value or "")
    return timezone.make_aware(datetime.combine(day, time.min)) if day else None


@ability_required(Ability.VIEW_AUDIT_TRAIL)
def audit_trail(request):
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
    user = request.GET.get("user", "").strip()
    person = request.GET.get("person", "").strip()
    action = request.GET.get("action", "")
    since, until = _day(request.GET.get("since")), _day(request.GET.get("until"))
    if user:
        entries = entries.filter(actor__username__iexact=user)
    if person.isdigit():
        entries = entries.filter(entries_about_person(int(person)))
    if action in ACTIONS:
        entries = entries.filter(action=ACTIONS[action])
    if since:
        entries = entries.filter(timestamp__gte=since)
    if until:
        entries = entries.filter(timestamp__lt=until + timezone.timedelta(days=1))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    people_ids = set()
    for entry in page:
        client_id = (entry.additional_data or {}).get("client_id")
        if entry.content_type.model == "client":
            client_id = int(entry.object_pk)
        entry.client_id = client_id
        if client_id:
            people_ids.add(client_id)
    names = dict(
        clients_visible_to(request.user).filter(pk__in=people_ids).values_list("pk", "display_name")
    )
    for entry in page:
        entry.client_name = names.get(entry.client_id, "")
    person_name = names.get(int(person)) if person.isdigit() else None
    if person.isdigit() and person_name is None:
        person_name = (
            clients_visible_to(request.user)
            .filter(pk=int(person))
            .values_list("display_name", flat=True)
            .first()
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "peersupport/audit.html",
        {
            "page": page,
            "names": names,
            "filters": {
                "user": user,
                "person": person,
                "action": action,
                "since": request.GET.get("since", ""),
                "until": request.GET.get("until", ""),
            },
            "person_name": person_name,
            "actions": list(ACTIONS),
            "query_string": query.urlencode(),
        },
    )
