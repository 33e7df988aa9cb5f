"""The co-intervention feed (conversations with the care team), and requests
for a peer."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients.access import client_policy
from peersupport.access import ability_required
from peersupport.audit import record_reads
from peersupport.dates import start_of
from peersupport.form_tools import apply_service
from peersupport.query import page_number, parse
from peersupport.roles import Ability

from .. import selectors, services
from ..access import note_policy, peer_request_policy
from ..forms import PeerRequestForm, SharedFeedQuery
from ..models import PeerRequest

FEED_PAGE = 20
Action = peer_request_policy.Action


@ability_required(Ability.JOIN_CARE_TEAMS)
def shared_feed(request):
    query = parse(request, SharedFeedQuery)
    since, until = query.value("since"), query.value("until")
    filters = selectors.FeedFilters(
        client_id=query.value("client"),
        since=start_of(since) if since else None,
        until=start_of(until + timedelta(days=1)) if until else None,
    )
    page = Paginator(
        selectors.shared_feed(viewer=request.user, filters=filters), FEED_PAGE
    ).get_page(page_number(request))
    conversations = list(page)
    for start in conversations:
        start.latest_answers.reverse()  # read top to bottom, the newest last
        start.earlier_answers = start.answer_count - len(start.latest_answers)
    # What the cards show is read; answers they leave out stay new until the
    # conversation is opened.
    shown = [n for start in conversations for n in (start, *start.latest_answers)]
    record_reads(shown, via="shared_feed")
    services.mark_read(reader=request.user, notes=shown)
    return render(
        request,
        "interventions/shared_feed.html",
        {
            "page": page,
            "conversations": conversations,
            "people": client_policy.visible_to(request.user).order_by("search_text"),
            "selected_client": filters.client_id,
            "query": query,
        },
    )


@ability_required(Ability.JOIN_CARE_TEAMS)
def conversation(request, pk):
    """A note and the answers to it the viewer reads, oldest first, with the
    answer one tap away. What it shows is read (and recorded as read)."""
    start = note_policy.get_for(request.user, pk)
    if start.answers_note_id:  # an answer: its place in the conversation
        root = note_policy.get_for(request.user, start.answers_note_id)
        return redirect(f"{reverse('shared:conversation', args=[root.pk])}#note-{start.pk}")
    if not start.is_signed:  # a draft is no conversation yet
        return redirect("notes:detail", pk=start.pk)
    thread = selectors.conversation(viewer=request.user, start=start)
    record_reads(thread.notes, via="conversation")
    services.mark_read(reader=request.user, notes=thread.notes)
    return render(
        request,
        "interventions/conversation.html",
        {
            "conversation": thread,
            "can_answer": bool(note_policy.audiences_for_answer(request.user, start)),
        },
    )


@ability_required(Ability.REQUEST_PEER)
def peer_request_new(request, client_pk):
    client = client_policy.get_for(request.user, client_pk)
    if not peer_request_policy.can(request.user, Action.CREATE, PeerRequest(client=client)):
        raise Http404
    form = PeerRequestForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and apply_service(
            form,
            lambda: services.peer_request_open(
                acting_user=request.user, client=client, **form.service_arguments()
            ),
        )
    ):
        messages.success(request, _("Request sent. The coordinator and peers will see it."))
        return redirect("clients:detail", pk=client.pk)
    return render(request, "interventions/peer_request_form.html", {"client": client, "form": form})


@ability_required(Ability.USE_REGISTER)
def peer_requests(request):
    """Open requests for a peer: a coordinator assigns one, a peer takes one.

    A request shows the person's name used only, as the join search does.
    """
    if not peer_request_policy.can(request.user, Action.LIST):
        raise Http404
    can_assign = peer_request_policy.can(request.user, Action.ASSIGN)
    return render(
        request,
        "interventions/peer_requests.html",
        {
            "requests": selectors.open_peer_requests(viewer=request.user),
            "can_assign": can_assign,
            "peers": peer_request_policy.users_who_can(Action.TAKE) if can_assign else None,
            "can_read_reasons": peer_request_policy.can(request.user, Action.READ_REASON),
        },
    )


@ability_required(Ability.USE_REGISTER)
@require_POST
def peer_request_fulfil(request, pk):
    peer_request = peer_request_policy.get_for(request.user, pk, Action.FULFIL)
    if peer_request_policy.can(request.user, Action.ASSIGN, peer_request):
        peer = get_object_or_404(
            peer_request_policy.users_who_can(Action.TAKE, peer_request),
            pk=request.POST.get("peer"),
        )
    else:
        peer = request.user
    try:
        services.peer_request_fulfil(acting_user=request.user, request=peer_request, peer=peer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("shared:requests")
    messages.success(request, _("%(name)s joined the care team.") % {"name": peer})
    if client_policy.visible_to(request.user).filter(pk=peer_request.client_id).exists():
        return redirect("clients:detail", pk=peer_request.client_id)
    return redirect("shared:requests")
