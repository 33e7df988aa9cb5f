"""The signed-in user's home page: their day first, then their tools."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..home import EVERYONE_TOOLS, recent_exports, sections_for
from ..slots import HOME_PAGE


def home(request: HttpRequest) -> HttpResponse:
    # The day's cards come from the apps that keep the work (HOME_PAGE), by
    # region: what is due, the rest of the day, the work of those who run or
    # study the programme, and the account's own links. A tool that counts
    # something is offered only when its count exists.
    context = {
        "everyone_tools": EVERYONE_TOOLS,
        "home_exports": recent_exports(viewer=request.user),
    }
    context.update(HOME_PAGE.context(request, taken=[*context, "sections"]))
    context["sections"] = sections_for(request.user, context.get("waiting"))
    return render(request, "peersupport/home.html", context)
