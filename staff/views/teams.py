"""Staff teams (a clinic, a department, a street team), which the
coordinator's overview is filtered by: listed, created, renamed, their
members changed, retired. Never deleted."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from peersupport.form_tools import apply_service
from peersupport.models import StaffTeam

from ..people_forms import StaffTeamForm
from ..people_services import staff_team_save
from .declarations import manage_staff


@manage_staff
def team_list(request):
    teams = (
        StaffTeam.objects.annotate(member_count=Count("members"))
        .prefetch_related("members")
        .order_by("-is_active", "name", "pk")
    )
    return render(request, "staff/people/teams.html", {"teams": teams})


def _team_form_page(request, team):
    initial = {}
    if team is not None:
        initial = {
            "name": team.name,
            "members": list(team.members.all()),
            "is_active": team.is_active,
        }
    form = StaffTeamForm(request.POST or None, initial=initial, row=team)
    if team is not None:
        # A change sent twice is applied twice: no one-time token.
        form.fields.pop("submission_token", None)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(
            form,
            lambda: staff_team_save(
                acting_user=request.user, team=team, **form.service_arguments()
            ),
        )
        if saved is not None:
            messages.success(request, _("The team %(name)s is saved.") % {"name": saved.name})
            return redirect("supervision:teams")
    title = (
        _("New staff team") if team is None else _("Change the team %(name)s") % {"name": team.name}
    )
    return render(
        request, "staff/people/team_form.html", {"form": form, "team": team, "title": title}
    )


@manage_staff
def team_create(request):
    return _team_form_page(request, None)


@manage_staff
def team_edit(request, pk):
    return _team_form_page(request, get_object_or_404(StaffTeam, pk=pk))
