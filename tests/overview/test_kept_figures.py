"""The overview's figures are counted once and kept a few minutes
(overview/figures.py): the page says when they were counted, "Count again now"
counts at once and comes back to the same filters, each coordinator's figures
are their own, and the per-worker blocks show the ten workers with the most,
the others a tap away on a page of their own."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from overview.views import WORKERS_PER_PAGE, WORKERS_SHOWN
from peersupport import kept_counts
from peersupport.roles import Role
from tests.factories import ClientFactory, UserFactory, put_on_team
from tests.overview.conftest import encounter

URL = reverse("overview:index")
WORKERS = reverse("overview:workers")


def total(client, **query):
    response = client.get(URL, query)
    assert response.status_code == 200
    return response.context["encounters"].total


def test_the_figures_are_kept_and_the_page_says_when_they_were_counted(client, coordinator, world):
    client.force_login(coordinator)
    before = total(client)
    encounter(world.peer, day=timezone.localdate())
    response = client.get(URL)
    assert response.context["encounters"].total == before
    counted_at = timezone.localtime(response.context["figures"].counted_at)
    page = response.content.decode()
    assert f"Counted at {counted_at:%H:%M}" in page
    assert "Count again now" in page


def test_count_again_counts_now_and_comes_back_to_the_same_filters(client, coordinator, world):
    client.force_login(coordinator)
    before = total(client, team=world.team.pk)
    encounter(world.peer, day=timezone.localdate())
    response = client.get(URL, {"team": world.team.pk, "fresh": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?team={world.team.pk}"
    assert total(client, team=world.team.pk) == before + 1


def test_each_coordinator_counts_their_own_figures(client, coordinator, world):
    client.force_login(coordinator)
    before = total(client)
    encounter(world.peer, day=timezone.localdate())
    client.force_login(UserFactory(username="second_coordinator", roles=[Role.COORDINATOR]))
    assert total(client) == before + 1


def test_other_filters_are_counted_apart(client, coordinator, world):
    client.force_login(coordinator)
    before = total(client)
    encounter(world.peer, day=timezone.localdate())
    # Twelve weeks were never counted: counted now, the new encounter with
    # the four of the world's twelve weeks.
    assert total(client, period="12w") == 4 + 1
    assert total(client) == before  # the default period's figures are still the kept ones


def test_with_nothing_kept_every_request_counts(client, coordinator, world, settings):
    settings.KEPT_COUNTS_SECONDS = 0
    client.force_login(coordinator)
    before = total(client)
    encounter(world.peer, day=timezone.localdate())
    assert total(client) == before + 1


# Many workers.


@pytest.fixture
def many_workers(coordinator):
    today = timezone.localdate()
    workers = []
    for i in range(WORKERS_PER_PAGE + 5):
        worker = UserFactory(username=f"w{i:03}", roles=[Role.PEER])
        for n in range(i % 4 + 1):
            person = ClientFactory(display_name=f"person {i}-{n}", last_contact_on=today)
            put_on_team(person, worker)
        encounter(worker, day=today - timedelta(days=1))
        workers.append(worker)
    return workers


def test_per_worker_blocks_show_the_ten_with_the_most_and_link_to_them_all(
    client, coordinator, many_workers
):
    client.force_login(coordinator)
    response = client.get(URL)
    context = response.context
    assert len(context["caseloads"]) == WORKERS_SHOWN
    assert {load.total for load in context["caseloads"]} == {4}
    assert len(context["worker_rows"]) == WORKERS_SHOWN
    page = response.content.decode()
    count = context["caseload_workers"]
    assert count >= WORKERS_PER_PAGE + 5
    assert f"see all {count} workers, page by page" in page
    assert f'href="{WORKERS}?start=' in page


def test_the_list_of_every_worker_goes_page_by_page_largest_caseload_first(
    client, coordinator, many_workers
):
    client.force_login(coordinator)
    first = client.get(WORKERS)
    assert first.status_code == 200
    rows = first.context["page"].object_list
    assert len(rows) == WORKERS_PER_PAGE
    assert [row.caseload for row in rows] == sorted((row.caseload for row in rows), reverse=True)
    assert rows[0].encounters == 1
    page = first.content.decode()
    assert "Page 1 of 2" in page
    assert "Peer" in page
    second = client.get(WORKERS, {"page": 2})
    found = {row.worker.username for row in rows} | {
        row.worker.username for row in second.context["page"].object_list
    }
    assert {worker.username for worker in many_workers} <= found


def test_the_list_of_every_worker_keeps_the_team_chosen(client, coordinator, world):
    client.force_login(coordinator)
    response = client.get(WORKERS, {"team": world.team.pk})
    assert [row.worker.username for row in response.context["page"].object_list] == ["peer"]
    assert f"Members of {world.team.name}" in response.content.decode()


def test_someone_who_only_logged_encounters_is_listed_without_a_role(client, coordinator, world):
    encounter(coordinator, day=timezone.localdate())
    client.force_login(coordinator)
    rows = client.get(WORKERS).context["page"].object_list
    mine = [row for row in rows if row.worker.pk == coordinator.pk]
    assert [(row.encounters, row.has_caseload) for row in mine] == [(1, False)]


class Later:
    """kept_counts' clock, ``seconds`` ahead of the real one."""

    def __init__(self, seconds):
        self.seconds = seconds

    def time(self):
        return time.time() + self.seconds


@pytest.mark.django_db(transaction=True)
def test_figures_past_half_their_time_are_shown_while_counted_again_behind_the_reader(
    client, settings, monkeypatch
):
    """The recount reads the database from a thread of its own: committed rows."""
    settings.KEPT_COUNTS_SECONDS = 300
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    peer = UserFactory(roles=[Role.PEER])
    client.force_login(coordinator)
    before = total(client)
    encounter(peer, day=timezone.localdate())
    monkeypatch.setattr(kept_counts, "time", Later(200))
    assert total(client) == before  # the kept figures, at once
    kept_counts.wait_for_recounts()
    assert total(client) == before + 1  # counted behind the last reader
