"""The signed-in user's home page."""

from django.shortcuts import render

from ..home import EVERYONE_TOOLS, sections_for


def home(request):
    return render(
        request,
        "peersupport/home.html",
        {"sections": sections_for(request.user), "everyone_tools": EVERYONE_TOOLS},
    )
