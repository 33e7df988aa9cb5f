"""`make loadtest` (scripts/loadtest/): its check finds a write missing or
saved twice, and its simulated users fill the app's real forms the way a
browser does, so that what they count as accepted is what the app saved.

The whole target is not run here: it builds a PostgreSQL database, migrates
and seeds it, and serves it with gunicorn before locust starts, which takes
one to two minutes on a shared machine even for a few users and seconds. Nor
is locust imported: gevent patches the standard library on import, which
must never happen inside the test process. The locustfile's pieces that
decide what is sent (pages.py), the accounts (prepare.py) and the check
(writes.py) are plain Python, and are tested here against the pages the app
renders.
"""

import importlib.util
import random
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
LOADTEST = ROOT / "scripts" / "loadtest"
# The load test's modules import one another by name, as locust loads them.
sys.path.insert(0, str(LOADTEST))

import pages  # noqa: E402
import prepare  # noqa: E402
import writes  # noqa: E402

_spec = importlib.util.spec_from_file_location("loadtest_run", LOADTEST / "run.py")
run = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run)


def test_each_accepted_write_found_once_passes():
    first, second = pages.new_marker(), pages.new_marker()
    verdict = writes.compare([first, second], Counter({first: 1, second: 1}))
    assert verdict.ok
    assert (verdict.accepted, verdict.missing, verdict.duplicated) == (2, [], {})


def test_a_missing_and_a_duplicated_write_fail_the_check_and_are_named():
    kept, lost, doubled = (pages.new_marker() for _ in range(3))
    verdict = writes.compare([kept, lost, doubled], Counter({kept: 1, doubled: 2}))
    assert not verdict.ok
    assert verdict.missing == [lost]
    assert verdict.duplicated == {doubled: 2}


def test_a_write_counted_twice_by_the_generator_is_a_duplicate_too():
    marker = pages.new_marker()
    verdict = writes.compare([marker, marker], Counter({marker: 1}))
    assert verdict.duplicated == {marker: 2}
    assert not verdict.ok


def test_a_saved_write_the_generator_gave_up_on_is_reported_but_does_not_fail():
    # A request still in flight when the run stopped: the server saved it.
    accepted, cut_off = pages.new_marker(), pages.new_marker()
    verdict = writes.compare([accepted], Counter({accepted: 1, cut_off: 1}))
    assert verdict.ok
    assert verdict.unclaimed == [cut_off]


def test_markers_are_found_in_any_text_and_nothing_else_looks_like_one():
    marker = pages.new_marker()
    assert pages.MARKER.findall(f"Met at the shelter. {marker}\nNext week.") == [marker]
    assert pages.MARKER.findall("LT-not-a-marker LT-1234") == []


@pytest.mark.parametrize("users", [1, 2, 3, 4, 10, 50, 51])
def test_the_users_are_split_between_the_roles_and_add_up(users):
    counts = run.split(users)
    assert sum(counts.values()) == users
    assert counts["peer"] >= 1
    assert all(count >= 0 for count in counts.values())


def test_fifty_users_are_mostly_peers_with_clinicians_researchers_and_coordinators():
    assert run.split(50) == {"peer": 25, "clinician": 15, "researcher": 5, "coordinator": 5}


def test_a_database_not_named_for_the_load_test_is_never_dropped():
    with pytest.raises(SystemExit, match="must name a PostgreSQL database with 'loadtest'"):
        run.recreate_database("postgres://postgres@127.0.0.1:5432/peersupport")


def test_the_form_parser_sends_what_a_browser_would():
    page = pages.Page(
        """<form action="/elsewhere/"><input name="q" value="menu"></form>
        <form method="post" action="/x/" class="main">
          <input type="hidden" name="token" value="abc">
          <input type="radio" name="where" value="street">
          <input type="radio" name="where" value="phone" checked>
          <input type="checkbox" name="what" value="1" checked>
          <input type="checkbox" name="what" value="2">
          <select name="who"><option value="">none<option value="7">Ana</select>
          <select name="pick"><option value="3">A<option value="4" selected>B</select>
          <textarea name="note">
kept</textarea>
          <button type="submit" name="sign" value="1">Sign</button>
        </form>"""
    )
    form = page.form(has_field="token")
    assert (form.action, form.method, form.classes) == ("/x/", "post", "main")
    assert form.values == [
        ("token", "abc"),
        ("where", "phone"),
        ("what", "1"),
        ("who", ""),
        ("pick", "4"),
        ("note", "kept"),
    ]
    assert form.choices == {
        "where": ["street", "phone"],
        "what": ["1", "2"],
        "who": ["", "7"],
        "pick": ["3", "4"],
    }
    assert pages.replace(form.values, note="new", what=["1", "2"])[-3:] == [
        ("note", "new"),
        ("what", "1"),
        ("what", "2"),
    ]


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_demo")
class TestTheSimulatedUsersOnTheRealPages:
    """prepare.py's accounts, on the demo data, sending the app's own forms as
    the locustfile does (the test client stands in for locust's HTTP client;
    they sign in through the login form and the two-factor step)."""

    @pytest.fixture
    def plan(self):
        return prepare.prepare({"peer": 2, "clinician": 1}, "load-test-password-1", "ab" * 20)

    def signed_in(self, plan, username):
        """Through the sign-in form and the two-factor step, as the locustfile signs in."""
        client = Client()
        login = pages.Page(client.get("/accounts/login/").content.decode())
        data = pages.sign_in_submission(
            login.form(has_field="username"), username=username, password=plan["password"]
        )
        assert client.post("/accounts/login/", _as_dict(data)).status_code == 302
        step = client.get("/")
        assert step.status_code == 302
        assert "two-factor" in step["Location"]
        form = pages.Page(client.get(step["Location"]).content.decode()).form(has_field="code")
        data = pages.code_submission(form, key=plan["key"])
        assert client.post(step["Location"], _as_dict(data)).status_code == 302
        assert client.get("/").status_code == 200
        return client

    def test_prepare_gives_each_account_people_an_authenticator_and_its_audiences(self, plan):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from clients.models import CareTeamMembership

        peers = plan["accounts"]["peer"]
        assert [account["username"] for account in peers] == ["load-peer-01", "load-peer-02"]
        for username in ("load-peer-01", "load-peer-02", "load-clinician-01"):
            assert (
                CareTeamMembership.objects.filter(
                    member__username=username, left_on__isnull=True
                ).count()
                == prepare.PEOPLE_PER_ACCOUNT
            )
            assert TOTPDevice.objects.get(user__username=username, confirmed=True).key == "ab" * 20
        audiences = peers[0]["audiences"]
        assert len(audiences) == prepare.PEOPLE_PER_ACCOUNT
        assert all(choices[0] == "peer_team" for choices in audiences.values())

    def test_an_encounter_sent_once_and_again_is_saved_once_with_its_marker(self, plan):
        from interventions.models import Encounter

        account = plan["accounts"]["peer"][0]
        client = self.signed_in(plan, account["username"])
        person, audiences = next(iter(account["audiences"].items()))
        path = f"/encounters/new/?client={person}"
        response = client.get(path)
        assert response.status_code == 200, response.get("Location")
        form = pages.Page(response.content.decode()).form(has_field="submission_token")
        assert person in pages.people_on_encounter_form(form)
        marker = pages.new_marker()
        data = pages.encounter_submission(
            form,
            marker=marker,
            audience=audiences[-1],
            rng=random.Random(13),  # noqa: S311 (which tiles to tap)
        )
        before = Encounter.objects.count()

        first = client.post(path, _as_dict(data))
        again = client.post(path, _as_dict(data))

        assert first.status_code == 302
        assert first["Location"] == f"/clients/{person}/"
        assert (again.status_code, again["Location"]) == (302, first["Location"])
        assert Encounter.objects.count() == before + 1
        assert writes.markers_in_database()[marker] == 1
        note = Encounter.objects.latest("pk").notes.get()
        assert note.is_signed
        assert note.audience == audiences[-1]

    def test_an_answer_from_the_shared_feed_sent_once_and_again_is_saved_once(self, plan):
        from interventions.models import Note

        client = self.signed_in(plan, plan["accounts"]["clinician"][0]["username"])
        links = pages.answer_links(client.get("/shared/").content.decode(), "/")
        assert links, "the clinician's feed offers conversations to answer"
        path = links[0]
        form = pages.Page(client.get(path).content.decode()).form(has_field="body")
        marker = pages.new_marker()
        data = _as_dict(pages.answer_submission(form, marker=marker))

        first = client.post(path, data)
        again = client.post(path, data)

        assert first.status_code == 302
        assert first["Location"].startswith("/notes/")
        assert (again.status_code, again["Location"]) == (302, first["Location"])
        assert writes.markers_in_database()[marker] == 1
        answer = Note.objects.get(pk=first["Location"].split("/")[2])
        assert answer.is_signed
        assert answer.answers_note_id is not None


def _as_dict(values):
    """(name, value) pairs as the test client takes them: a list for repeated names."""
    data = {}
    for name, value in values:
        data.setdefault(name, []).append(value)
    return data
