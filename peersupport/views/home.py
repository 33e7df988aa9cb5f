"""The signed-in user's home page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..home import EVERYONE_TOOLS, sections_for
from ..slots import HOME_PAGE


def home(request: HttpRequest) -> HttpResponse:
    # The counts of waiting work come from the apps that keep it (HOME_PAGE);
    # a tool that counts something is offered only when its count exists.
    extra = HOME_PAGE.context(request)
    return render(
        request,
        "peersupport/home.html",
        {
            "sections": sections_for(request.user, extra.get("waiting")),
            "everyone_tools": EVERYONE_TOOLS,
        },
    )
