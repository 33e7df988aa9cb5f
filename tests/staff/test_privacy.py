# ruff: noqa: F811 (the fixtures imported below are then requested by name)
"""Privacy, end to end through the pages.

The wellness plan: every persona requests every wellness URL; only the
owner, and their supervisor of today when the newest version is shared, ever
get it. Its text appears on no other page they can open: their own pages,
the home page, the account page, the audit trail, the admin.

Dual relationships: the declarer's own record leaves every list, page,
search and join; a coordinator cannot put them on its care team; the
coordinator sees the declaration; the person's history says nothing of it.
"""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse

from audit.selectors import entries_about_person
from clients.models import CareTeamMembership
from staff import people_services as services
from tests.factories import ClientFactory, put_on_team
from tests.staff.people_world import (  # noqa: F401 (fixtures, by name)
    PLAN_TEXT,
    reference,
    safety_clinician,
    superuser,
    supervisor,
    write_plan,
)

pytestmark = pytest.mark.django_db

OWN_URLS = ["me:wellness", "me:wellness_edit", "me:wellness_history"]
EVERYONE = [
    "peer",
    "supervisor",
    "reference",
    "other_clinician",
    "researcher",
    "coordinator",
    "superuser",
    "safety_clinician",
    "outsider",
]


def _get(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def _shared_url(peer):
    return reverse("me:wellness_shared", kwargs={"peer_pk": peer.pk})


@pytest.mark.parametrize("shared", [True, False])
@pytest.mark.parametrize("persona", EVERYONE)
def test_every_persona_gets_every_wellness_url(
    client, request, persona, shared, peer, supervisor, reference, write_plan
):
    write_plan(shared=shared)
    user = request.getfixturevalue(persona)
    for name in OWN_URLS:
        response = _get(client, user, reverse(name))
        if persona == "peer":
            assert response.status_code == 200, name
            if name != "me:wellness_edit":
                assert PLAN_TEXT in response.content.decode()
        elif persona == "reference":
            # Another peer, with no plan of their own: reading it or its
            # history sends them to write theirs, never to the owner's.
            if name == "me:wellness_edit":
                assert response.status_code == 200, name
            else:
                assert response.status_code == 302, name
                assert response.url == reverse("me:wellness_edit")
            assert PLAN_TEXT not in response.content.decode()
        else:
            assert response.status_code == 404, (persona, name)
    response = _get(client, user, _shared_url(peer))
    if persona == "peer":
        assert response.status_code == 302
    elif persona == "supervisor" and shared:
        assert response.status_code == 200
        assert PLAN_TEXT in response.content.decode()
    else:
        assert response.status_code == 404, persona


def test_an_anonymous_visitor_is_sent_to_sign_in(client, peer, supervisor, write_plan):
    write_plan(shared=True)
    for url in [*(reverse(name) for name in OWN_URLS), _shared_url(peer)]:
        response = _get(client, None, url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_supervisor_gets_404_once_the_backing_ended(
    client, coordinator, peer, supervisor, write_plan
):
    write_plan(shared=True)
    backing = peer.backed_by.get(backer=supervisor)
    services.backing_end(acting_user=coordinator, backing=backing)
    assert _get(client, supervisor, _shared_url(peer)).status_code == 404


def test_the_supervisor_never_sees_an_older_shared_version(client, peer, supervisor, write_plan):
    write_plan(shared=True, text="Shared once, long ago")
    write_plan(shared=False, text="Private now")
    response = _get(client, supervisor, _shared_url(peer))
    assert response.status_code == 404


def test_the_supervisor_reading_is_audited(client, peer, supervisor, write_plan):
    plan = write_plan(shared=True)
    _get(client, supervisor, _shared_url(peer))
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_id=plan.pk)
    assert entry.actor == supervisor


def test_the_text_is_on_no_page_another_persona_can_open(
    client, request, peer, supervisor, reference, coordinator, superuser, write_plan
):
    write_plan(shared=True)
    # The owner and the supervisor read it: their reads are in the trail too.
    _get(client, peer, reverse("me:wellness"))
    _get(client, supervisor, _shared_url(peer))
    pages = {
        "coordinator": [
            reverse("home"),
            reverse("audit"),
            reverse("accounts:detail", args=[peer.pk]),
            reverse("supervision:peers"),
            reverse("supervision:onboarding", args=[peer.pk]),
        ],
        "supervisor": [reverse("home")],
        "reference": [reverse("home"), reverse("me:profile")],
        "superuser": [reverse("admin:index"), reverse("admin:auditlog_logentry_changelist")],
    }
    for persona, urls in pages.items():
        user = request.getfixturevalue(persona)
        for url in urls:
            response = _get(client, user, url)
            # The admin refuses the trail's own pages even to a superuser (403).
            assert response.status_code in (200, 302, 403), (persona, url)
            assert PLAN_TEXT not in response.content.decode(), (persona, url)
    # The admin has no page for the plan at all.
    with pytest.raises(NoReverseMatch):
        reverse("admin:staff_wellnessplan_changelist")


def test_the_trail_keeps_no_word_of_the_plan(peer, write_plan):
    services.wellness_plan_save(
        acting_user=peer,
        when_well=PLAN_TEXT,
        early_signs="x",
        what_helps="y",
        who_to_call="z",
    )
    for entry in LogEntry.objects.all():
        assert PLAN_TEXT not in str(entry.changes) + str(entry.additional_data)


# Dual relationships.


@pytest.fixture
def own_record(coordinator, peer, clinician):
    """The peer's own record, on whose care team they were, declared and linked."""
    record = ClientFactory(display_name="Zéphyrin Ownrecord", birth_year=1980)
    put_on_team(record, peer)
    put_on_team(record, clinician)
    declaration = services.declaration_make(acting_user=peer, details="Used the name Zeph")
    services.declaration_link(acting_user=coordinator, declaration=declaration, record=record)
    return record


def test_the_own_record_leaves_everything_its_declarer_sees(client, peer, own_record):
    client.force_login(peer)
    listing = client.get(reverse("clients:list"))
    assert "Ownrecord" not in listing.content.decode()
    search = client.get(reverse("clients:list"), {"q": "Zéphyrin"})
    assert "Ownrecord" not in search.content.decode()
    assert client.get(reverse("clients:detail", args=[own_record.pk])).status_code == 404
    join = client.get(reverse("clients:join", args=[own_record.pk]), {"q": "Zéphyrin"})
    assert join.status_code == 404


def test_the_declarer_left_the_care_team_in_its_history(peer, coordinator, own_record):
    membership = CareTeamMembership.objects.get(client=own_record, member=peer)
    assert membership.left_on is not None and membership.ended_by == coordinator


def test_a_coordinator_cannot_put_the_declarer_on_its_care_team(
    client, coordinator, peer, own_record
):
    client.force_login(coordinator)
    response = client.post(
        reverse("clients:team", args=[own_record.pk]),
        {"member": peer.pk, "team_role": "peer", "reason": ""},
    )
    assert response.status_code == 200
    assert "member" in response.context["form"].errors
    assert not CareTeamMembership.objects.filter(
        client=own_record, member=peer, left_on__isnull=True
    ).exists()


def test_the_coordinator_sees_the_declaration(client, coordinator, peer, own_record):
    client.force_login(coordinator)
    page = client.get(reverse("supervision:declarations")).content.decode()
    assert str(peer) in page and "Used the name Zeph" in page


def test_the_persons_history_says_nothing_of_the_declaration(client, coordinator, own_record):
    entries = LogEntry.objects.filter(entries_about_person(own_record.pk))
    models = {entry.content_type.model for entry in entries}
    assert models <= {"client", "careteammembership"}
    for entry in entries:
        assert "Zeph" not in str(entry.changes) + str(entry.additional_data)
    # The trail records that the declaration was made and linked (for those who
    # read the trail), never in the person's history, never with its words.
    declared = LogEntry.objects.filter(
        content_type=ContentType.objects.get(app_label="clients", model="dualrelationship")
    )
    assert declared.exists()
    assert not declared.filter(pk__in=entries.values("pk")).exists()
    for entry in declared:
        assert "Zeph" not in str(entry.changes) + str(entry.additional_data)
    client.force_login(coordinator)
    for url in (
        reverse("clients:detail", args=[own_record.pk]),
        reverse("audit") + f"?person={own_record.pk}",
    ):
        page = client.get(url).content.decode()
        assert "Zeph" not in page and "dual relationship" not in page.lower()
