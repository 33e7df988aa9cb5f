"""Every URL of the register, for every persona: allowed cells show the page or
make the change; refused cells answer 404 (or 403 for a person one may see) and
leave the database exactly as it was."""

import re

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.models import CareTeamMembership, Client, Consent, LivingSituation
from tests.db_plans import explain
from tests.db_snapshot import snapshot
from tests.factories import ClientFactory, UserFactory, put_on_team
from tests.form_versions import with_version

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate().isoformat()


@pytest.fixture
def elsewhere(person):
    return Client.objects.get(display_name="Someone else")


@pytest.fixture
def urls(person, clinician, other_peer, elsewhere):
    """name: (method, url, data)."""
    pk = person.pk
    membership = person.memberships.get(member=clinician)
    return {
        "list": ("get", reverse("clients:list"), None),
        "create_form": ("get", reverse("clients:create"), None),
        "create": (
            "post",
            reverse("clients:create"),
            {
                "display_name": "Newcomer",
                "health_coverage": "not_asked",
                "intake_date": TODAY,
            },
        ),
        "detail": ("get", reverse("clients:detail", args=[pk]), None),
        "edit_form": ("get", reverse("clients:edit", args=[pk]), None),
        "edit": (
            "post",
            reverse("clients:edit", args=[pk]),
            {
                "display_name": "Hélène R.",
                "health_coverage": "has_card",
                "intake_date": TODAY,
            },
        ),
        "situation_form": ("get", reverse("clients:situation", args=[pk]), None),
        "situation": (
            "post",
            reverse("clients:situation", args=[pk]),
            {
                "situation": "street",
                "recorded_on": TODAY,
            },
        ),
        "consent_form": ("get", reverse("clients:consent_add", args=[pk]), None),
        "consent": (
            "post",
            reverse("clients:consent_add", args=[pk]),
            {
                "purpose": "research",
                "decision": "given",
                "decided_on": TODAY,
                "method": "verbal",
            },
        ),
        "withdraw": ("post", reverse("clients:consent_withdraw", args=[pk, "research"]), {}),
        "close_form": ("get", reverse("clients:close", args=[pk]), None),
        "close": ("post", reverse("clients:close", args=[pk]), {"reason": "moved"}),
        "reopen": ("post", reverse("clients:reopen", args=[pk]), {}),
        "team": ("get", reverse("clients:team", args=[pk]), None),
        "team_add": (
            "post",
            reverse("clients:team", args=[pk]),
            {
                "member": other_peer.pk,
                "team_role": "peer",
            },
        ),
        "team_end": ("post", reverse("clients:team_end", args=[pk, membership.pk]), {}),
        "join_form": ("get", reverse("clients:join", args=[pk]) + "?q=helene", None),
        "join": (
            "post",
            reverse("clients:join", args=[pk]),
            {
                "reason": "Met at the drop-in",
                "q": "helene",
            },
        ),
        "merge_form": ("get", reverse("clients:merge", args=[pk]), None),
        "merge": (
            "post",
            reverse("clients:merge", args=[pk]),
            {
                "duplicate": elsewhere.pk,
                "reason": "Same person",
                "confirm": "on",
            },
        ),
        "joins": ("get", reverse("clients:joins"), None),
    }


ALL = [
    "list",
    "create_form",
    "create",
    "detail",
    "edit_form",
    "edit",
    "situation_form",
    "situation",
    "consent_form",
    "consent",
    "withdraw",
    "close_form",
    "close",
    "reopen",
    "team",
    "team_add",
    "team_end",
    "join_form",
    "join",
    "merge_form",
    "merge",
    "joins",
]
ON_TEAM = {
    "list": 200,
    "create_form": 200,
    "create": 302,
    "detail": 200,
    "edit_form": 200,
    "edit": 302,
    "situation_form": 200,
    "situation": 302,
    "consent_form": 200,
    "consent": 302,
    "withdraw": 302,
    "close_form": 200,
    "close": 302,
    "reopen": 403,
    "team": 403,
    "team_add": 403,
    "team_end": 403,
    "join_form": 404,
    "join": 404,
    "merge_form": 403,
    "merge": 403,
    "joins": 404,
}
OFF_TEAM = {
    **{name: 404 for name in ALL},
    "list": 200,
    "create_form": 200,
    "create": 302,
    "join_form": 200,
    "join": 302,
}
EXPECTED = {
    "peer": ON_TEAM,
    "clinician": ON_TEAM,
    "other_peer": OFF_TEAM,
    "other_clinician": OFF_TEAM,
    "researcher": {name: 404 for name in ALL},
    "outsider": {name: 404 for name in ALL},
    "coordinator": {
        **ON_TEAM,
        "team": 200,
        "team_add": 302,
        "team_end": 302,
        "merge_form": 200,
        "merge": 302,
        "joins": 200,
    },
}
CELLS = [(persona, name) for persona in EXPECTED for name in ALL]


@pytest.mark.parametrize(("persona", "name"), CELLS)
def test_persona_matrix(client, as_persona, urls, person, persona, name):
    as_persona(persona)
    method, url, data = urls[name]
    before = snapshot()
    if method == "post":  # an edit carries the version its page shows (peersupport.concurrency)
        data = with_version(client, url, data)
        before = snapshot()
    response = getattr(client, method)(url, data)
    expected = EXPECTED[persona][name]
    assert response.status_code == expected, response.content[:300]
    if expected in (403, 404):
        assert snapshot() == before
    elif method == "get":
        page = response.content.decode()
        if name == "list":
            assert ("Hélène" in page) is (EXPECTED[persona]["detail"] == 200)
        elif name == "create_form":
            assert 'name="display_name"' in page
        elif name == "joins":
            assert "Care team joins" in page
        else:
            assert "Hélène" in page
    else:
        assert snapshot() != before


@pytest.mark.parametrize("name", ALL)
def test_anonymous_visitors_are_sent_to_sign_in(client, urls, name):
    method, url, data = urls[name]
    before = snapshot()
    response = getattr(client, method)(url, data)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert snapshot() == before


def test_a_person_who_does_not_exist_looks_like_one_you_may_not_see(client, other_peer, person):
    client.force_login(other_peer)
    hidden = client.get(reverse("clients:detail", args=[person.pk]))
    missing = client.get(reverse("clients:detail", args=[999_999]))
    assert hidden.status_code == missing.status_code == 404

    def main(response):
        page = response.content.decode()
        return page[page.index("<main") : page.index("</main>")]

    assert main(hidden) == main(missing)


def test_each_view_of_a_persons_page_is_audited(client, clinician, person):
    client.force_login(clinician)
    client.get(reverse("clients:detail", args=[person.pk]))
    client.get(reverse("clients:detail", args=[person.pk]))
    reads = LogEntry.objects.get_for_object(person).filter(action=LogEntry.Action.ACCESS)
    assert reads.count() == 2
    assert {entry.actor for entry in reads} == {clinician}


def test_the_list_shows_my_people_first(client, other_peer, person, elsewhere, coordinator):
    client.force_login(coordinator)
    put_on_team(elsewhere, UserFactory(username="c2", roles=["coordinator"]))
    mine = ClientFactory(display_name="Zacharie")
    put_on_team(mine, coordinator, team_role="reference")
    names = [c.display_name for c in client.get(reverse("clients:list")).context["page"]]
    assert names[0] == "Zacharie"
    assert set(names) == {"Zacharie", "Hélène", "Someone else"}


@pytest.mark.parametrize("query", ["helene", "HÉLÈNE", "lène", "Lene"])
def test_search_ignores_case_and_accents(client, peer, person, query):
    client.force_login(peer)
    response = client.get(reverse("clients:list"), {"q": query})
    assert [c.display_name for c in response.context["page"]] == ["Hélène"]


@pytest.mark.parametrize(
    "query", ["jean francois", "Jean-François", "jean–françois", "d'amour", "d’amour", "d amour"]
)
def test_search_ignores_hyphens_and_apostrophes(client, peer, query):
    jf = ClientFactory(display_name="Jean-François", legal_last_name="D’Amour")
    put_on_team(jf, peer)
    client.force_login(peer)
    response = client.get(reverse("clients:list"), {"q": query})
    assert [c.display_name for c in response.context["page"]] == ["Jean-François"]


def test_people_outside_my_teams_are_found_without_the_hyphen(client, other_peer, person):
    ClientFactory(display_name="Marie-Ève")
    client.force_login(other_peer)
    response = client.get(reverse("clients:list"), {"q": "marie eve"})
    assert [c["display_name"] for c in response.context["others"]] == ["Marie-Ève"]


def test_filters_by_status_situation_and_consent(client, coordinator, person, elsewhere):
    from clients import services
    from clients.choices import Decision, Purpose, Situation

    client.force_login(coordinator)
    services.client_record_situation(
        acting_user=coordinator, client=person, situation=Situation.STREET
    )
    services.consent_record(
        acting_user=coordinator,
        client=elsewhere,
        purpose=Purpose.RESEARCH,
        decision=Decision.REFUSED,
    )
    services.client_close(acting_user=coordinator, client=elsewhere, reason="moved")

    def names(**params):
        response = client.get(reverse("clients:list"), params)
        return [c.display_name for c in response.context["page"]]

    assert names(situation="street") == ["Hélène"]
    assert names(status="closed") == ["Someone else"]
    assert names(status="active") == ["Hélène"]
    assert names(consent_purpose="research", consent_state="refused") == ["Someone else"]
    assert names(consent_purpose="research", consent_state="not_asked") == ["Hélène"]


def test_people_outside_my_teams_show_only_name_year_and_status(client, other_peer, person):
    client.force_login(other_peer)
    response = client.get(reverse("clients:list"), {"q": "helene"})
    assert list(response.context["page"]) == []
    (found,) = response.context["others"]
    assert set(found) == {"pk", "display_name", "birth_year", "status"}
    page = response.content.decode()
    assert "Hélène" in page and "1971" in page
    assert f'href="{reverse("clients:detail", args=[person.pk])}"' not in page
    assert "Lène" not in page  # aliases stay private
    assert reverse("clients:join", args=[person.pk]) in page


def test_a_short_search_does_not_list_everyone_outside_my_teams(client, other_peer, person):
    client.force_login(other_peer)
    assert client.get(reverse("clients:list"), {"q": "h"}).context["others"] == []


def test_joining_from_a_search_gives_access_and_the_coordinator_sees_it(
    client, other_peer, coordinator, person
):
    client.force_login(other_peer)
    client.post(
        reverse("clients:join", args=[person.pk]), {"reason": "Met at the drop-in", "q": "hel"}
    )
    assert client.get(reverse("clients:detail", args=[person.pk])).status_code == 200
    client.force_login(coordinator)
    page = client.get(reverse("clients:joins")).content.decode()
    assert "Met at the drop-in" in page and "Hélène" in page


def test_joining_without_a_reason_is_explained_on_the_field(client, other_peer, person):
    client.force_login(other_peer)
    before = snapshot()
    response = client.post(reverse("clients:join", args=[person.pk]), {"reason": "", "q": "hel"})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert snapshot() == before


def test_a_merged_away_record_leads_to_the_kept_one(client, coordinator, person, elsewhere):
    client.force_login(coordinator)
    client.post(
        reverse("clients:merge", args=[person.pk]),
        {"duplicate": elsewhere.pk, "reason": "Same person", "confirm": "on"},
    )
    response = client.get(reverse("clients:detail", args=[elsewhere.pk]))
    assert response.status_code == 302
    assert response.url == reverse("clients:detail", args=[person.pk])
    page = client.get(response.url).content.decode()
    assert "Someone else" in page and "Same person" in page


def test_merge_asks_for_a_comparison_first(client, coordinator, person, elsewhere):
    client.force_login(coordinator)
    response = client.get(reverse("clients:merge", args=[person.pk]), {"duplicate": elsewhere.pk})
    assert response.context["duplicate"] == elsewhere
    before = snapshot()
    response = client.post(
        reverse("clients:merge", args=[person.pk]),
        {"duplicate": elsewhere.pk, "reason": "Same person"},
    )
    assert "confirm" in response.context["form"].errors
    assert snapshot() == before


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_nul_in_the_merge_reason_is_explained_on_the_second_step(
    client, coordinator, person, elsewhere, settings, lang
):
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    before = snapshot()
    response = client.post(
        reverse("clients:merge", args=[person.pk]),
        {"duplicate": elsewhere.pk, "reason": "Same\x00person", "confirm": "on"},
    )
    assert response.status_code == 200
    # Still comparing the two records, the reason's field saying what is wrong.
    assert response.context["duplicate"] == elsewhere
    assert response.context["form"].errors["reason"]
    page = response.content.decode()
    message = {
        "en": "Null characters are not allowed.",
        "fr": "Le caractère nul n’est pas autorisé.",
    }
    assert message[lang] in page
    assert snapshot() == before


def test_a_merge_number_that_is_not_one_is_explained_on_the_first_step(client, coordinator, person):
    client.force_login(coordinator)
    response = client.get(reverse("clients:merge", args=[person.pk]), {"duplicate": "²"})
    assert response.status_code == 200
    assert response.context["duplicate"] is None
    assert "Type a record number with the digits 0 to 9 only" in response.content.decode()


def test_a_bad_consent_is_explained_on_its_fields(client, peer, person):
    client.force_login(peer)
    before = snapshot()
    response = client.post(
        reverse("clients:consent_add", args=[person.pk]),
        {"purpose": "research", "decision": "given", "decided_on": "2999-01-01"},
    )
    errors = response.context["form"].errors
    assert {"decided_on", "method"} <= set(errors)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("back", "lands_on"),
    [
        ("/referrals/new/{pk}/", "/referrals/new/{pk}/"),
        ("https://elsewhere.example/", "/clients/{pk}/"),
        ("//elsewhere.example/", "/clients/{pk}/"),
    ],
)
def test_a_recorded_consent_goes_back_where_it_was_missing_if_that_is_this_site(
    client, peer, person, back, lands_on
):
    client.force_login(peer)
    url = reverse("clients:consent_add", args=[person.pk])
    response = client.post(
        f"{url}?next={back.format(pk=person.pk)}",
        {
            "purpose": "partner_referral",
            "decision": "given",
            "method": "verbal",
            "decided_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert response.url == lands_on.format(pk=person.pk)


def _errors_on(response, field):
    return response.context["form"].errors.get(field, [])


@pytest.mark.parametrize(
    ("intake_date", "message"),
    [
        ("2999-01-01", "The intake date cannot be in the future."),
        ("1990-01-01", "Choose a date between"),
    ],
)
def test_an_impossible_intake_date_is_refused_on_its_field(client, peer, intake_date, message):
    client.force_login(peer)
    before = snapshot()
    response = client.post(
        reverse("clients:create"),
        {"display_name": "Newcomer", "health_coverage": "not_asked", "intake_date": intake_date},
    )
    assert any(message in error for error in _errors_on(response, "intake_date"))
    assert snapshot() == before


@pytest.mark.parametrize("birth_year", ["2999", "1850"])
def test_an_impossible_year_of_birth_is_refused_on_its_field(client, peer, birth_year):
    client.force_login(peer)
    response = client.post(
        reverse("clients:create"),
        {
            "display_name": "Newcomer",
            "health_coverage": "not_asked",
            "intake_date": TODAY,
            "birth_year": birth_year,
        },
    )
    assert _errors_on(response, "birth_year")
    assert not Client.objects.filter(display_name="Newcomer").exists()


def test_a_consent_decision_dated_decades_ago_is_refused_on_its_field(client, peer, person):
    client.force_login(peer)
    before = snapshot()
    response = client.post(
        reverse("clients:consent_add", args=[person.pk]),
        {"purpose": "research", "decision": "refused", "decided_on": "1990-05-01"},
    )
    assert any("Choose a date between" in e for e in _errors_on(response, "decided_on"))
    assert snapshot() == before


@pytest.mark.parametrize(
    ("expires_on", "message"),
    [
        ("2000-01-01", "The expiry must come after the date of the decision."),
        ("2990-01-01", "at most ten years after"),
    ],
)
def test_an_impossible_consent_expiry_is_refused_on_its_field(
    client, peer, person, expires_on, message
):
    client.force_login(peer)
    before = snapshot()
    response = client.post(
        reverse("clients:consent_add", args=[person.pk]),
        {
            "purpose": "research",
            "decision": "given",
            "method": "verbal",
            "decided_on": TODAY,
            "expires_on": expires_on,
        },
    )
    assert any(message in e for e in _errors_on(response, "expires_on"))
    assert snapshot() == before


@pytest.mark.parametrize("recorded_on", ["2999-01-01", "1990-01-01"])
def test_an_impossible_situation_date_is_refused_on_its_field(client, peer, person, recorded_on):
    client.force_login(peer)
    before = snapshot()
    response = client.post(
        reverse("clients:situation", args=[person.pk]),
        {"situation": "street", "recorded_on": recorded_on},
    )
    assert _errors_on(response, "recorded_on")
    assert snapshot() == before


def test_an_estimated_age_becomes_an_estimated_year_of_birth(client, peer):
    client.force_login(peer)
    client.post(
        reverse("clients:create"),
        {
            "display_name": "Anaïs",
            "estimated_age": "40",
            "health_coverage": "not_asked",
            "intake_date": TODAY,
        },
    )
    person = Client.objects.get(display_name="Anaïs")
    assert person.birth_year == timezone.localdate().year - 40
    assert person.birth_year_estimated


def test_a_withdrawal_shows_at_once(client, peer, person):
    from clients.choices import Decision

    client.force_login(peer)
    client.post(reverse("clients:consent_withdraw", args=[person.pk, "research"]))
    assert Consent.objects.get(client=person).decision == Decision.WITHDRAWN
    page = client.get(reverse("clients:detail", args=[person.pk])).content.decode()
    assert "Withdrawn" in page


def test_an_unknown_purpose_is_not_found(client, peer, person):
    client.force_login(peer)
    response = client.post(reverse("clients:consent_withdraw", args=[person.pk, "marketing"]))
    assert response.status_code == 404
    assert not Consent.objects.exists()


def _grow_register(count, coordinator, peer):
    from clients import services
    from clients.choices import Decision, Purpose, Situation

    for index in range(count):
        person = ClientFactory(display_name=f"Grown {index}")
        put_on_team(person, peer)
        services.client_record_situation(
            acting_user=coordinator, client=person, situation=Situation.STREET
        )
        services.consent_record(
            acting_user=coordinator,
            client=person,
            purpose=Purpose.RESEARCH,
            decision=Decision.REFUSED,
        )


@pytest.mark.parametrize("persona", ["peer", "coordinator"])
def test_the_list_makes_the_same_queries_for_1_and_50_people(
    client, request, persona, coordinator, peer
):
    client.force_login(request.getfixturevalue(persona))
    _grow_register(1, coordinator, peer)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("clients:list")).status_code == 200
    _grow_register(49, coordinator, peer)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(reverse("clients:list"))
    assert len(response.context["page"]) == 25
    assert len(fifty.captured_queries) == len(one.captured_queries)


def test_the_persons_page_makes_a_fixed_number_of_queries(client, coordinator, peer, person):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(peer)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("clients:detail", args=[person.pk]))
    from clients import services
    from clients.choices import Decision, Purpose, Situation

    for _ in range(10):
        services.client_record_situation(
            acting_user=coordinator, client=person, situation=Situation.STREET
        )
        services.consent_record(
            acting_user=coordinator,
            client=person,
            purpose=Purpose.RESEARCH,
            decision=Decision.REFUSED,
        )
        put_on_team(person, UserFactory(roles=["clinician"]))
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("clients:detail", args=[person.pk]))
    assert len(large.captured_queries) == len(small.captured_queries)
    assert LivingSituation.objects.filter(client=person).count() == 10
    assert CareTeamMembership.objects.filter(client=person).count() == 12


# A person's page with every panel the apps add. The viewer's care teams and
# uses of the safety exception are read once for the request, and every access
# question of the page and its panels is answered from them: 38 queries for a
# peer and 40 for a clinician when each question was a query of its own. The
# clinician's page also counts the notes consent hides (none is in force).
PERSON_PAGE_QUERIES = {"peer": 22, "clinician": 23}


@pytest.mark.parametrize("persona", list(PERSON_PAGE_QUERIES))
def test_the_persons_page_asks_whether_the_viewer_is_on_the_team_once(
    client, request, person, persona, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("clients:detail", args=[person.pk])
    client.get(url)
    with django_assert_max_num_queries(PERSON_PAGE_QUERIES[persona]) as counted:
        assert client.get(url).status_code == 200
    sql = [query["sql"] for query in counted.captured_queries]
    reads_own_memberships = re.compile(r'"clients_careteammembership"\."member_id" = \d')
    assert len([q for q in sql if reads_own_memberships.search(q)]) == 1
    asked_alone = [q for q in sql if q.startswith("SELECT 1 AS") and "careteammembership" in q]
    assert asked_alone == []


@pytest.mark.parametrize("query", ["tremblay", "ti-lou", "TI-LOU"])
def test_people_outside_my_teams_are_not_found_by_legal_name_or_alias(
    client, other_peer, person, query
):
    person.legal_last_name = "Tremblay"
    person.aliases = "Ti-Lou"
    person.save()
    client.force_login(other_peer)
    assert client.get(reverse("clients:list"), {"q": query}).context["others"] == []


@pytest.mark.parametrize("q", ["", "h", "someone", "tremblay"])
def test_the_join_page_opens_only_from_a_search_that_found_the_person(
    client, other_peer, person, q
):
    person.legal_last_name = "Tremblay"
    person.save()
    client.force_login(other_peer)
    before = snapshot()
    assert client.get(reverse("clients:join", args=[person.pk]), {"q": q}).status_code == 404
    response = client.post(
        reverse("clients:join", args=[person.pk]), {"reason": "Met them", "q": q}
    )
    assert response.status_code == 404
    assert snapshot() == before


def test_opening_the_join_page_is_audited(client, other_peer, person):
    client.force_login(other_peer)
    client.get(reverse("clients:join", args=[person.pk]), {"q": "helene"})
    read = LogEntry.objects.get_for_object(person).get(action=LogEntry.Action.ACCESS)
    assert read.actor == other_peer


def test_a_merged_record_hidden_from_me_does_not_say_where_it_went(
    client, coordinator, other_peer, person, elsewhere
):
    client.force_login(coordinator)
    client.post(
        reverse("clients:merge", args=[person.pk]),
        {"duplicate": elsewhere.pk, "reason": "Same person", "confirm": "on"},
    )
    client.force_login(other_peer)  # was on the duplicate's team, now on the kept one's
    assert client.get(reverse("clients:detail", args=[elsewhere.pk])).status_code == 302
    stranger = UserFactory(username="stranger", roles=["peer"])
    client.force_login(stranger)
    response = client.get(reverse("clients:detail", args=[elsewhere.pk]))
    assert response.status_code == 404


def test_another_persons_membership_cannot_be_ended_through_this_person(
    client, coordinator, person, elsewhere
):
    client.force_login(coordinator)
    foreign = elsewhere.memberships.first()
    before = snapshot()
    response = client.post(reverse("clients:team_end", args=[person.pk, foreign.pk]))
    assert response.status_code == 404
    assert snapshot() == before


def test_adding_someone_already_on_the_team_is_explained_on_the_field(
    client, coordinator, peer, person
):
    client.force_login(coordinator)
    response = client.post(
        reverse("clients:team", args=[person.pk]), {"member": peer.pk, "team_role": "peer"}
    )
    assert "member" in response.context["form"].errors


def test_the_admin_shows_only_what_the_policy_allows_and_audits_reads(client, person, peer):
    root = UserFactory(username="root", is_staff=True, is_superuser=True, roles=["coordinator"])
    client.force_login(root)
    url = reverse("admin:clients_client_change", args=[person.pk])
    assert client.get(url).status_code == 200
    assert (
        LogEntry.objects.get_for_object(person)
        .filter(action=LogEntry.Action.ACCESS, actor=root)
        .count()
        == 1
    )
    no_register = UserFactory(username="root2", is_staff=True, is_superuser=True, roles=[])
    client.force_login(no_register)
    assert client.get(url).status_code == 302  # not found: back to the admin index
    listing = client.get(reverse("admin:clients_client_changelist"))
    assert "Hélène" not in listing.content.decode()
    staff_without_permission = UserFactory(username="staff", is_staff=True, roles=["coordinator"])
    client.force_login(staff_without_permission)
    assert client.get(url).status_code == 403


def test_after_a_merge_a_member_on_both_records_is_shown_once_as_current(
    client, coordinator, peer, person, elsewhere
):
    put_on_team(elsewhere, peer)  # peer is on both records' teams
    client.force_login(coordinator)
    client.post(
        reverse("clients:merge", args=[person.pk]),
        {"duplicate": elsewhere.pk, "reason": "Same person", "confirm": "on"},
    )
    # The duplicate's membership of peer was ended by the merge and moved here.
    assert person.memberships.filter(member=peer).count() == 2
    response = client.get(reverse("clients:detail", args=[person.pk]))
    assert [m.member for m in response.context["team"]].count(peer) == 1
    assert peer not in [m.member for m in response.context["former_team"]]
    response = client.get(reverse("clients:team", args=[person.pk]))
    assert [m.member for m in response.context["memberships"]].count(peer) == 1


def test_a_former_member_who_left_twice_is_listed_once(client, coordinator, other_peer, person):
    from datetime import timedelta

    today = timezone.localdate()
    for days in (30, 10):
        put_on_team(person, other_peer, left_on=today - timedelta(days=days))
    client.force_login(coordinator)
    response = client.get(reverse("clients:detail", args=[person.pk]))
    former = response.context["former_team"]
    assert [m.member for m in former] == [other_peer]
    assert former[0].left_on == today - timedelta(days=10)


def test_the_consent_form_offers_no_blank_radio_and_preselects_nothing(client, peer, person):
    import re

    client.force_login(peer)
    page = client.get(reverse("clients:consent_add", args=[person.pk])).content.decode()
    radios = re.findall(r"<input[^>]*type=\"radio\"[^>]*>", page)
    assert radios
    assert not [r for r in radios if 'value=""' in r]
    assert not [r for r in radios if "checked" in r]
    assert "---------" not in page


def test_the_consent_form_preselects_the_purpose_it_was_opened_for(client, peer, person):
    import re

    client.force_login(peer)
    url = reverse("clients:consent_add", args=[person.pk])
    page = client.get(url, {"purpose": "research"}).content.decode()
    checked = re.findall(r"<input[^>]*type=\"radio\"[^>]*checked[^>]*>", page)
    assert len(checked) == 1 and 'value="research"' in checked[0]


def test_every_filter_of_the_people_list_says_any_when_empty(client, peer):
    client.force_login(peer)
    form = client.get(reverse("clients:list")).context["filter_form"]
    empty_labels = {
        name: next(iter(field.choices)) for name, field in form.fields.items() if name != "q"
    }
    assert empty_labels and all(label == ("", "Any") for label in empty_labels.values())


@pytest.fixture
def person_page_panels():
    """Stand in for the apps above the register on a person's page, alone:
    a provider with its own context and a template for each region."""
    from django.template import Template

    from peersupport import slots
    from peersupport.slots import Slot

    seen = []

    def panels(request, *, client):
        seen.append((request.user, client))
        return {"from_above": f"about {client.display_name}"}

    stand_in = Slot("person page")
    stand_in.register(
        panels,
        templates={
            region: Template(f"<p>{region} {{{{ from_above }}}}</p>")
            for region in ("alerts", "actions", "more_actions", "sections")
        },
    )
    kept, slots.PERSON_PAGE._providers = slots.PERSON_PAGE._providers, stand_in._providers
    kept_templates, slots.PERSON_PAGE._templates = slots.PERSON_PAGE._templates, stand_in._templates
    yield seen
    slots.PERSON_PAGE._providers, slots.PERSON_PAGE._templates = kept, kept_templates


def test_the_persons_page_shows_what_the_apps_above_add(client, peer, person, person_page_panels):
    client.force_login(peer)
    response = client.get(reverse("clients:detail", args=[person.pk]))
    page = response.content.decode()
    assert person_page_panels == [(peer, person)]
    for region in ("alerts", "actions", "more_actions", "sections"):
        assert f"<p>{region} about Hélène</p>" in page


def test_the_persons_page_stands_alone_without_the_apps_above(client, peer, person):
    from peersupport.slots import PERSON_PAGE

    kept, PERSON_PAGE._providers = PERSON_PAGE._providers, []
    try:
        client.force_login(peer)
        response = client.get(reverse("clients:detail", args=[person.pk]))
    finally:
        PERSON_PAGE._providers = kept
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hélène" in page and "Encounters and notes" not in page


@pytest.mark.parametrize("persona", ["peer", "coordinator"])
def test_the_persons_page_flags_are_the_policys(client, request, person, persona):
    from clients.access import client_policy

    user = request.getfixturevalue(persona)
    client.force_login(user)
    context = client.get(reverse("clients:detail", args=[person.pk])).context
    for action in client_policy.Action:
        if action != client_policy.Action.CREATE:
            assert context[f"can_{action}"] is client_policy.can(user, action, person)
    assert "may" not in context


def test_the_list_pages_keep_the_filters(client, peer, coordinator):
    for index in range(30):
        put_on_team(ClientFactory(display_name=f"Grown {index}"), peer)
    client.force_login(peer)
    response = client.get(reverse("clients:list"), {"status": "active"})
    last = response.context["page"].rows[-1]
    assert f"?status=active&amp;after={last.pk}" in response.content.decode()
    client.force_login(coordinator)
    page = client.get(reverse("clients:joins")).content.decode()
    assert "page=2" not in page  # one page: no links


def test_the_team_page_offers_the_active_peers_and_clinicians(
    client, coordinator, person, peer, clinician, researcher
):
    gone = UserFactory(username="gone", roles=["peer"], is_active=False)
    client.force_login(coordinator)
    form = client.get(reverse("clients:team", args=[person.pk])).context["form"]
    offered = set(form.fields["member"].queryset)
    assert {peer, clinician} <= offered
    assert not {gone, researcher, coordinator} & offered


# The register pages by place: own people first, then the others, by name.


def _next_link(response, rel="next"):
    import html
    import re

    found = re.search(rf'rel="{rel}" href="([^"]+)"', response.content.decode())
    return reverse("clients:list") + html.unescape(found.group(1)) if found else None


def _walk(client, start):
    pages = [client.get(start)]
    while (following := _next_link(pages[-1])) is not None:
        pages.append(client.get(following))
    return pages


def test_the_register_pages_cover_everyone_once_own_people_first(client, coordinator):
    # Namesakes: the record number keeps their order from page to page.
    people = [ClientFactory(display_name=f"Name {n % 7}") for n in range(60)]
    own = people[::9]
    for person in own:
        put_on_team(person, coordinator, team_role="reference")
    client.force_login(coordinator)
    pages = _walk(client, reverse("clients:list"))
    seen = [row.pk for page in pages for row in page.context["page"]]

    def in_order(rows):
        return [c.pk for c in sorted(rows, key=lambda c: (c.display_key, c.pk))]

    assert seen == in_order(own) + in_order(set(people) - set(own))
    assert len(pages) == 3
    back = [pages[-1]]
    while (previous := _next_link(back[-1], "prev")) is not None:
        back.append(client.get(previous))
    assert [[c.pk for c in p.context["page"]] for p in reversed(back)] == [
        [c.pk for c in p.context["page"]] for p in pages
    ]


def test_the_register_pages_keep_the_search(client, peer):
    for index in range(30):
        put_on_team(ClientFactory(display_name=f"Grown {index}"), peer)
    put_on_team(ClientFactory(display_name="Someone else"), peer)
    client.force_login(peer)
    pages = _walk(client, reverse("clients:list") + "?q=grown")
    names = [row.display_name for page in pages for row in page.context["page"]]
    assert sorted(names) == sorted(f"Grown {index}" for index in range(30))


def test_a_search_of_the_whole_register_pages_own_people_first_then_the_others(client, coordinator):
    matching = [ClientFactory(display_name=f"Grown {n % 4}") for n in range(40)]
    ClientFactory(display_name="Someone else")
    own = matching[::7]
    for person in own:
        put_on_team(person, coordinator, team_role="reference")
    client.force_login(coordinator)
    pages = _walk(client, reverse("clients:list") + "?q=grown")
    seen = [row.pk for page in pages for row in page.context["page"]]

    def in_order(rows):
        return [c.pk for c in sorted(rows, key=lambda c: (c.display_key, c.pk))]

    assert seen == in_order(own) + in_order(set(matching) - set(own))
    assert all(row.on_my_team == (row in own) for page in pages for row in page.context["page"])


@pytest.mark.postgresql_only
def test_a_name_search_finds_its_page_in_the_name_index_alone(client, coordinator):
    for n in range(30):
        ClientFactory(display_name=f"Grown {n}")
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as asked:
        response = client.get(reverse("clients:list"), {"q": "grown"})
    assert len(response.context["page"]) == 25
    numbers = [
        query["sql"]
        for query in asked.captured_queries
        if query["sql"].startswith('SELECT "clients_client"."id" AS "pk" FROM')
    ]
    assert len(numbers) == 1
    assert '"clients_client"."search_text"::text LIKE' in numbers[0]
    # Explained as it was sent (its values are in its text). Whether the scan
    # is index-only depends on how much of the table is known all-visible (a
    # fresh test table is not); that the index holds the searched text is
    # tests/peersupport/test_migration_operations.py's.
    # A test database is small enough to read whole and sort: both made dear,
    # so that the plan is the one a large register gets.
    plan = explain(numbers[0], dear=("seqscan", "bitmapscan", "sort"))
    assert "using client_by_name on clients_client" in plan, plan


def test_a_link_naming_someone_off_my_teams_opens_the_top_of_my_list(
    client, peer, person, elsewhere
):
    for index in range(30):
        put_on_team(ClientFactory(display_name=f"Grown {index}"), peer)
    client.force_login(peer)
    top = [c.pk for c in client.get(reverse("clients:list")).context["page"]]
    for cursor in (elsewhere.pk, 999_999):
        # Nobody learns where someone they may not see sorts, nor whether they exist.
        response = client.get(reverse("clients:list"), {"after": cursor})
        assert [c.pk for c in response.context["page"]] == top
        assert "not valid" not in response.content.decode()
    response = client.get(reverse("clients:list"), {"before": "²"})
    assert [c.pk for c in response.context["page"]] == top
    assert "This link to a page of the list is not valid" in response.content.decode()


def test_an_old_page_number_still_opens_the_register_page(client, peer):
    for index in range(30):
        put_on_team(ClientFactory(display_name=f"Grown {index:02d}"), peer)
    client.force_login(peer)
    response = client.get(reverse("clients:list"), {"page": "2"})
    assert [c.display_name for c in response.context["page"]] == [
        f"Grown {index:02d}" for index in range(25, 30)
    ]


def test_a_long_register_is_counted_only_so_far(client, coordinator, monkeypatch):
    from clients import views

    monkeypatch.setattr(views, "COUNT_UP_TO", 3)
    for index in range(5):
        ClientFactory(display_name=f"Grown {index}")
    client.force_login(coordinator)
    assert "More than 3 people found" in client.get(reverse("clients:list")).content.decode()
    page = client.get(reverse("clients:list"), {"q": "grown 1"}).content.decode()
    assert "1 person found" in page
