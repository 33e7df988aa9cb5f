"""Every logbook URL for every persona; refusals leave the database as it was."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from logbook.models import Entry, Stage, Theme
from tests.db_snapshot import snapshot
from tests.form_versions import versioned, with_version

pytestmark = pytest.mark.django_db
ENTRY = {
    "occurred_on": "2025-03-02",
    "kind": "facilitator",
    "source": "team_meeting",
    "title": "Desk at last",
    "narrative": "The clinic gave the peer a desk and a badge.",
}


@pytest.fixture
def world(peer, researcher, stages, make_entry):
    theme = Theme.objects.filter(parent__isnull=False).first()
    return {
        "peers": make_entry(peer, title="Peer's entry"),
        "researchers": make_entry(researcher, title="Researcher's entry"),
        "deleted": make_entry(researcher, title="Binned entry", deleted_at=timezone.now()),
        "theme": theme,
        "stage": stages[0],
    }


def urls(world):
    pe, re_, de = world["peers"].pk, world["researchers"].pk, world["deleted"].pk
    return {
        "list": ("get", reverse("logbook:list"), None),
        "bin": ("get", reverse("logbook:list") + "?deleted=1", None),
        "new": ("post", reverse("logbook:new"), ENTRY),
        "peers_entry": ("get", reverse("logbook:detail", args=[pe]), None),
        "researchers_entry": ("get", reverse("logbook:detail", args=[re_]), None),
        "edit_researchers": ("post", reverse("logbook:edit", args=[re_]), ENTRY),
        "delete_peers": ("post", reverse("logbook:delete", args=[pe]), {}),
        "restore": ("post", reverse("logbook:restore", args=[de]), {}),
        "codebook": ("get", reverse("logbook:codebook"), None),
        "theme_new": (
            "post",
            reverse("logbook:theme_new"),
            {"name": "Peer burnout", "polarity": "barrier"},
        ),
        "stage_edit": (
            "post",
            reverse("logbook:stage_edit", args=[world["stage"].pk]),
            {
                "name": "Preparation",
                "starts_on": "2024-12-01",
                "ends_on": "2025-06-30",
            },
        ),
    }


NAMES = [
    "list",
    "bin",
    "new",
    "peers_entry",
    "researchers_entry",
    "edit_researchers",
    "delete_peers",
    "restore",
    "codebook",
    "theme_new",
    "stage_edit",
]
NOTHING = dict.fromkeys(NAMES, 404)
CONTRIBUTOR = {**NOTHING, "list": 200, "bin": 200, "new": 302, "codebook": 200}
EXPECTED = {
    "peer": {**CONTRIBUTOR, "peers_entry": 200, "delete_peers": 302},
    "clinician": CONTRIBUTOR,
    "researcher": dict.fromkeys(NAMES, 200)
    | {
        "new": 302,
        "edit_researchers": 302,
        "delete_peers": 302,
        "restore": 302,
        "theme_new": 302,
        "stage_edit": 302,
    },
    # Coordinators read every entry but change none: 403 on what they can see.
    "coordinator": {
        **NOTHING,
        "list": 200,
        "bin": 200,
        "peers_entry": 200,
        "researchers_entry": 200,
        "codebook": 200,
        "edit_researchers": 403,
        "delete_peers": 403,
    },
    "outsider": NOTHING,
}


@pytest.mark.parametrize(("persona", "name"), [(p, n) for p in EXPECTED for n in NAMES])
def test_persona_matrix(client, request, world, persona, name):
    client.force_login(request.getfixturevalue(persona))
    method, url, data = urls(world)[name]
    before = snapshot()
    if method == "post":  # an edit carries the version its page shows (peersupport.concurrency)
        data = with_version(client, url, data)
        before = snapshot()
    response = getattr(client, method)(url, data)
    expected = EXPECTED[persona][name]
    assert response.status_code == expected, response.content[:300]
    if expected in (403, 404):
        assert snapshot() == before
    elif method == "post":
        assert snapshot() != before


def test_contributors_list_only_their_own_entries(client, world, peer, clinician):
    client.force_login(peer)
    assert [e.title for e in client.get(reverse("logbook:list")).context["page"]] == [
        "Peer's entry"
    ]
    client.force_login(clinician)
    assert list(client.get(reverse("logbook:list")).context["page"]) == []


def test_the_bin_shows_deleted_entries_to_researchers_only(client, world, researcher, peer):
    client.force_login(researcher)
    binned = client.get(reverse("logbook:list"), {"deleted": "1"}).context["page"]
    assert [e.title for e in binned] == ["Binned entry"]
    client.force_login(peer)
    assert [
        e.title for e in client.get(reverse("logbook:list"), {"deleted": "1"}).context["page"]
    ] == ["Peer's entry"]


def test_filters_by_stage_kind_theme_dates_and_text(client, researcher, make_entry, stages):
    theme = Theme.objects.filter(parent__isnull=False).first()
    early = make_entry(researcher, date(2025, 2, 1), title="Early", kind="barrier")
    early.themes.set([theme])
    make_entry(
        researcher, date(2025, 9, 1), title="Late", kind="milestone", narrative="Funding renewed"
    )
    client.force_login(researcher)

    def titles(**params):
        return [e.title for e in client.get(reverse("logbook:list"), params).context["page"]]

    assert titles(stage=stages[1].pk) == ["Late"]
    assert titles(kind="barrier") == ["Early"]
    assert titles(theme=theme.pk) == ["Early"]
    assert titles(since="2025-08-01") == ["Late"]
    assert titles(q="funding") == ["Late"]
    assert titles(author=researcher.pk) == ["Late", "Early"]


def test_the_list_makes_the_same_queries_for_1_and_50_entries(client, researcher, make_entry):
    client.force_login(researcher)
    themes = list(Theme.objects.all()[:3])
    make_entry(researcher).themes.set(themes)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("logbook:list"))
    for _ in range(49):
        make_entry(researcher).themes.set(themes)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(reverse("logbook:list"))
    assert len(response.context["page"]) == 25
    assert len(fifty) == len(one)


def test_an_entry_page_shows_its_stage_and_history(client, researcher, make_entry, stages):
    client.force_login(researcher)
    client.post(reverse("logbook:new"), ENTRY)
    entry = Entry.objects.get(title="Desk at last")
    versioned(client).post(
        reverse("logbook:edit", args=[entry.pk]), {**ENTRY, "title": "A desk, at last"}
    )
    page = client.get(reverse("logbook:detail", args=[entry.pk])).content.decode()
    assert "Preparation" in page
    assert "Desk at last" in page and "A desk, at last" in page  # old and new values


def test_a_bad_entry_is_explained_on_its_fields(client, peer):
    client.force_login(peer)
    response = client.post(reverse("logbook:new"), {**ENTRY, "title": "", "kind": "adaptation"})
    errors = response.context["form"].errors
    assert "title" in errors and "what_changed" in errors
    assert not Entry.objects.exists()


def test_the_matrix_counts_entries_per_theme_and_stage_with_primacy(
    client, researcher, make_entry, stages
):
    barrier = Theme.objects.get(name="Uncertain funding")
    facilitator = Theme.objects.get(name="Training and room to grow")
    make_entry(researcher, date(2025, 2, 1)).themes.set([barrier])
    make_entry(researcher, date(2025, 8, 1)).themes.set([barrier, facilitator])
    make_entry(researcher, date(2025, 9, 1)).themes.set([barrier])
    deleted = make_entry(researcher, date(2025, 9, 2), deleted_at=timezone.now())
    deleted.themes.set([facilitator])
    client.force_login(researcher)
    response = client.get(reverse("logbook:matrix"))
    rows = {row.theme.name: row for row in response.context["rows"]}
    assert rows["Uncertain funding"].cells == [1, 2, 0]
    assert rows["Uncertain funding"].first_seen == date(2025, 2, 1)
    assert rows["Uncertain funding"].total == 3
    assert rows["Training and room to grow"].cells == [0, 1, 0]  # the deleted entry does not count
    assert [row.theme.name for row in response.context["rows"]][:2] == [
        "Uncertain funding",
        "Training and room to grow",
    ]


def test_the_matrix_makes_the_same_queries_whatever_the_entries(
    client, researcher, make_entry, stages
):
    client.force_login(researcher)
    themes = list(Theme.objects.all()[:4])
    make_entry(researcher).themes.set(themes)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("logbook:matrix"))
    for day in range(1, 28):
        make_entry(researcher, date(2025, 8, day)).themes.set(themes)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("logbook:matrix"))
    assert len(many) == len(few)


def test_an_unchanged_logbooks_matrix_is_counted_once(client, researcher, make_entry, stages):
    make_entry(researcher).themes.set(Theme.objects.all()[:2])
    client.force_login(researcher)
    with CaptureQueriesContext(connection) as first:
        counted = client.get(reverse("logbook:matrix")).context["rows"]
    with CaptureQueriesContext(connection) as again:
        kept = client.get(reverse("logbook:matrix")).context["rows"]
    assert len(again) == len(first) - 2  # the two grouped counts
    assert [(r.theme.pk, r.cells) for r in kept] == [(r.theme.pk, r.cells) for r in counted]


def _funding_cells(client):
    rows = client.get(reverse("logbook:matrix")).context["rows"]
    return next(row.cells for row in rows if row.theme.name == "Uncertain funding")


def test_the_matrix_counts_again_as_soon_as_the_logbook_changes(
    client, researcher, make_entry, stages
):
    from logbook import services

    funding = Theme.objects.get(name="Uncertain funding")
    silos = Theme.objects.get(name="Working in silos")
    client.force_login(researcher)
    entry = make_entry(researcher, date(2025, 8, 1))
    assert _funding_cells(client) == [0, 0, 0]
    entry.themes.set([funding])  # coded
    assert _funding_cells(client) == [0, 1, 0]
    # Recoded with as many themes: one link goes, another comes.
    entry.themes.set([silos])
    assert _funding_cells(client) == [0, 0, 0]
    entry.themes.set([funding])
    assert _funding_cells(client) == [0, 1, 0]
    other = make_entry(researcher, date(2025, 2, 1))
    other.themes.set([silos])
    services.theme_merge(acting_user=researcher, keep=funding, merge_away=silos)
    assert _funding_cells(client) == [1, 1, 0]  # recoded by the merge
    services.entry_delete(acting_user=researcher, entry=entry)
    assert _funding_cells(client) == [1, 0, 0]
    entry.refresh_from_db()
    services.entry_restore(acting_user=researcher, entry=entry)
    assert _funding_cells(client) == [1, 1, 0]
    # The stages move: the first now holds both entries.
    preparation, deployment = stages
    Stage.objects.filter(pk=preparation.pk).update(ends_on=date(2025, 8, 31))
    Stage.objects.filter(pk=deployment.pk).update(starts_on=date(2025, 9, 1))
    assert _funding_cells(client) == [2, 0, 0]


def test_the_timeline_groups_entries_by_stage(client, researcher, make_entry, stages):
    make_entry(researcher, date(2025, 2, 1), title="Early")
    make_entry(researcher, date(2024, 1, 1), title="Before any stage")
    client.force_login(researcher)
    groups = client.get(reverse("logbook:timeline")).context["groups"]
    assert [
        (stage.name if stage else None, [e.title for e in entries]) for stage, entries in groups
    ] == [("Preparation", ["Early"]), ("Deployment", []), (None, ["Before any stage"])]


def test_a_peer_sees_only_their_own_entries_in_the_matrix(
    client, peer, other_peer, make_entry, stages
):
    theme = Theme.objects.get(name="Uncertain funding")
    make_entry(other_peer).themes.set([theme])
    client.force_login(peer)
    rows = {row.theme.name: row for row in client.get(reverse("logbook:matrix")).context["rows"]}
    assert rows["Uncertain funding"].total == 0


def test_a_researcher_restores_a_deleted_entry_from_its_page(client, world, researcher):
    client.force_login(researcher)
    page = client.get(reverse("logbook:detail", args=[world["deleted"].pk])).content.decode()
    assert reverse("logbook:restore", args=[world["deleted"].pk]) in page
    client.post(reverse("logbook:restore", args=[world["deleted"].pk]))
    world["deleted"].refresh_from_db()
    assert not world["deleted"].is_deleted


def test_a_parent_theme_filter_finds_entries_coded_below_it(client, researcher, make_entry):
    barriers = Theme.objects.get(name="Barriers")
    make_entry(researcher, title="Funding").themes.set(
        [Theme.objects.get(name="Uncertain funding")]
    )
    make_entry(researcher, title="Silos").themes.set([Theme.objects.get(name="Working in silos")])
    make_entry(researcher, title="Training").themes.set(
        [Theme.objects.get(name="Training and room to grow")]
    )
    client.force_login(researcher)
    page = client.get(reverse("logbook:list"), {"theme": barriers.pk}).context["page"]
    assert sorted(e.title for e in page) == ["Funding", "Silos"]


def test_an_entry_coded_twice_under_one_parent_is_listed_once(client, researcher, make_entry):
    barriers = Theme.objects.get(name="Barriers")
    make_entry(researcher, title="Both").themes.set(list(barriers.children.all()[:2]))
    client.force_login(researcher)
    page = client.get(reverse("logbook:list"), {"theme": barriers.pk}).context["page"]
    assert [e.title for e in page] == ["Both"]


def test_a_parent_theme_filter_makes_the_same_queries_for_1_and_50_entries(
    client, researcher, make_entry
):
    barriers = Theme.objects.get(name="Barriers")
    children = list(barriers.children.all())
    client.force_login(researcher)
    make_entry(researcher).themes.set(children[:1])
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("logbook:list"), {"theme": barriers.pk})
    for index in range(49):
        make_entry(researcher).themes.set([children[index % len(children)]])
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(reverse("logbook:list"), {"theme": barriers.pk})
    assert response.context["found"] == 50
    assert len(fifty) == len(one)


def test_every_empty_choice_of_the_list_filters_reads_any(client, researcher):
    client.force_login(researcher)
    form = client.get(reverse("logbook:list")).context["form"]
    for name in ("stage", "kind", "source", "theme", "author"):
        choices = list(form.fields[name].choices)
        assert str(choices[0][1]) == "Any", name
    assert "---------" not in client.get(reverse("logbook:list")).content.decode()


def test_the_matrix_counts_a_parent_theme_once_per_entry_below_it(
    client, researcher, make_entry, stages
):
    funding, silos = (Theme.objects.get(name=n) for n in ("Uncertain funding", "Working in silos"))
    make_entry(researcher, date(2025, 2, 1)).themes.set([funding, silos])
    make_entry(researcher, date(2025, 8, 1)).themes.set([silos])
    client.force_login(researcher)
    rows = {row.theme.name: row for row in client.get(reverse("logbook:matrix")).context["rows"]}
    assert rows["Barriers"].cells == [1, 1, 0]
    assert rows["Barriers"].is_group and not rows["Uncertain funding"].is_group
    assert rows["Barriers"].first_seen == date(2025, 2, 1)


def test_each_matrix_cell_opens_the_entries_it_counts(client, researcher, make_entry, stages):
    funding = Theme.objects.get(name="Uncertain funding")
    barriers = Theme.objects.get(name="Barriers")
    make_entry(researcher, date(2025, 8, 1), kind="barrier", title="Cut").themes.set([funding])
    make_entry(researcher, date(2025, 8, 2), kind="barrier", title="Cut again").themes.set(
        [funding]
    )
    make_entry(researcher, date(2024, 1, 1), kind="barrier", title="Before").themes.set([funding])
    make_entry(researcher, date(2025, 8, 3), kind="milestone", title="Other kind").themes.set(
        [funding]
    )
    client.force_login(researcher)
    response = client.get(reverse("logbook:matrix"), {"kind": "barrier"})
    rows = {row.theme.name: row for row in response.context["rows"]}
    href, name = rows["Uncertain funding"].links[1]
    assert name == "2 entries coded Uncertain funding in stage Deployment"
    assert rows["Uncertain funding"].links[0] == ("", "")  # nothing to open
    page = response.content.decode()
    assert f'aria-label="{name}"' in page
    listed = client.get(href.replace("&amp;", "&")).context["page"]
    assert sorted(e.title for e in listed) == ["Cut", "Cut again"]
    outside_href, outside_name = rows["Uncertain funding"].links[2]
    assert [e.title for e in client.get(outside_href).context["page"]] == ["Before"]
    assert outside_name == "1 entry coded Uncertain funding in stage outside any stage"
    group_href, _ = rows["Barriers"].links[1]
    assert sorted(e.title for e in client.get(group_href).context["page"]) == ["Cut", "Cut again"]
    assert f"theme={barriers.pk}" in group_href


def test_the_matrix_explains_its_shading_primacy_and_frequency(client, researcher, stages):
    client.force_login(researcher)
    page = client.get(reverse("logbook:matrix")).content.decode()
    assert "How to read this table" in page
    for words in ("The darker the cell", "earliest entry carrying the theme", "all stages"):
        assert words in page


def _history(client, entry):
    return [
        change.words.lines
        for change in client.get(reverse("logbook:detail", args=[entry.pk])).context["history"]
    ]


def test_a_new_entry_history_says_created_in_words(client, researcher, stages):
    client.force_login(researcher)
    client.post(reverse("logbook:new"), ENTRY)
    entry = Entry.objects.get(title="Desk at last")
    page = client.get(reverse("logbook:detail", args=[entry.pk])).content.decode()
    assert _history(client, entry) == [["Created"]]
    for raw in ("None", "deleted at", "ID:", "id:"):
        assert raw not in page.split('<h2 class="h5">History</h2>')[1], raw


def test_an_entry_history_shows_labels_and_values_in_words(client, researcher, stages):
    client.force_login(researcher)
    client.post(reverse("logbook:new"), ENTRY)
    entry = Entry.objects.get(title="Desk at last")
    funding = Theme.objects.get(name="Uncertain funding")
    versioned(client).post(
        reverse("logbook:edit", args=[entry.pk]),
        {
            **ENTRY,
            "occurred_on": "2025-04-01",
            "kind": "barrier",
            "involved": ["peers", "clinicians"],
            "themes": [funding.pk],
        },
    )
    lines = [line for change in _history(client, entry) for line in change]
    assert "Date of the event: March 2, 2025 → April 1, 2025" in lines
    assert "Kind: Facilitator → Barrier" in lines
    assert "Roles involved: empty → Peer support workers, Clinicians" in lines
    assert "Themes: added Uncertain funding" in lines
    assert not any("[" in line or "None" in line for line in lines)


def test_an_entry_history_says_moved_to_the_bin_and_restored(client, researcher, stages):
    client.force_login(researcher)
    client.post(reverse("logbook:new"), ENTRY)
    entry = Entry.objects.get(title="Desk at last")
    client.post(reverse("logbook:delete", args=[entry.pk]))
    client.post(reverse("logbook:restore", args=[entry.pk]))
    assert _history(client, entry) == [["Restored"], ["Moved to the bin"], ["Created"]]


# Each entry once, pages by place, a matrix grouped in the database.


def _titles(response):
    return [entry.title for entry in response.context["page"]]


def test_an_entry_coded_several_times_is_listed_once(client, researcher, make_entry):
    barriers = Theme.objects.get(name="Barriers")
    below = list(barriers.children.all()[:3])
    make_entry(researcher, title="Coded thrice").themes.set(below)
    make_entry(researcher, title="Coded once").themes.set(below[:1])
    client.force_login(researcher)
    for query in ({}, {"theme": barriers.pk}, {"q": "desk"}, {"theme": below[0].pk}):
        response = client.get(reverse("logbook:list"), query)
        assert sorted(_titles(response)) == ["Coded once", "Coded thrice"], query
        assert response.context["found"] == 2


def test_the_list_never_compares_whole_entries(client, researcher, make_entry):
    make_entry(researcher).themes.set(Theme.objects.filter(parent__isnull=False)[:3])
    client.force_login(researcher)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("logbook:list"), {"theme": Theme.objects.get(name="Barriers").pk})
    assert not [q["sql"] for q in queries.captured_queries if "DISTINCT" in q["sql"].upper()]


def _link(response, rel):
    import html
    import re

    found = re.search(rf'rel="{rel}" href="([^"]+)"', response.content.decode())
    return reverse("logbook:list") + html.unescape(found.group(1)) if found else None


def test_older_and_newer_cover_every_entry_once_whatever_the_ties(client, researcher, make_entry):
    # Sixty entries on four days: most share their date with others.
    made = [
        make_entry(researcher, date(2025, 3, 1 + n % 4), title=f"Entry {n}", kind="barrier")
        for n in range(60)
    ]
    make_entry(researcher, title="Another kind")
    client.force_login(researcher)
    pages = [client.get(reverse("logbook:list"), {"kind": "barrier"})]
    while (older := _link(pages[-1], "next")) is not None:
        pages.append(client.get(older))
    newest_first = sorted(made, key=lambda e: (e.occurred_on, e.pk), reverse=True)
    assert [t for page in pages for t in _titles(page)] == [e.title for e in newest_first]
    back = [pages[-1]]
    while (newer := _link(back[-1], "prev")) is not None:
        back.append(client.get(newer))
    assert [_titles(page) for page in reversed(back)] == [_titles(page) for page in pages]


def test_a_link_to_an_entry_of_the_bin_does_not_place_the_list(client, researcher, make_entry):
    for n in range(30):
        make_entry(researcher, date(2025, 3, 1 + n % 20), title=f"Entry {n}")
    binned = make_entry(researcher, date(2025, 3, 10), deleted_at=timezone.now(), title="Gone")
    make_entry(researcher, date(2025, 3, 9), deleted_at=timezone.now(), title="Gone before")
    client.force_login(researcher)
    top = _titles(client.get(reverse("logbook:list")))
    assert _titles(client.get(reverse("logbook:list"), {"after": binned.pk})) == top
    # In the bin, the same link places the page after it.
    in_bin = client.get(reverse("logbook:list"), {"deleted": "1", "after": binned.pk})
    assert _titles(in_bin) == ["Gone before"]


def test_a_theme_below_a_theme_below_a_group_counts_in_both(client, researcher, make_entry, stages):
    barriers = Theme.objects.get(name="Barriers")
    funding = Theme.objects.get(name="Uncertain funding")
    grant = Theme.objects.create(name="Grant refused", polarity="barrier", parent=funding)
    make_entry(researcher, date(2025, 2, 1)).themes.set([grant, funding])
    make_entry(researcher, date(2025, 8, 1)).themes.set([grant])
    make_entry(researcher, date(2024, 8, 1)).themes.set([funding])
    client.force_login(researcher)
    rows = {row.theme.pk: row for row in client.get(reverse("logbook:matrix")).context["rows"]}
    assert rows[grant.pk].cells == [1, 1, 0]
    assert rows[funding.pk].cells == [1, 1, 1] and rows[funding.pk].is_group
    assert rows[barriers.pk].cells == [1, 1, 1]
    assert rows[barriers.pk].first_seen == rows[funding.pk].first_seen == date(2024, 8, 1)
    assert rows[grant.pk].first_seen == date(2025, 2, 1)
