"""The signed-in user's home page."""

from django.shortcuts import render

from interventions.context_processors import waiting_for

from ..home import EVERYONE_TOOLS, sections_for


def home(request):
    return render(
        request,
        "peersupport/home.html",
        {
            "sections": sections_for(request.user, waiting_for(request)),
            "everyone_tools": EVERYONE_TOOLS,
        },
    )
