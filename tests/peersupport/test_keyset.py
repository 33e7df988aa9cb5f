"""peersupport.keyset: pages by place cover every row once, in order, whatever
the ties, across parts, from any link; a link that is not one never fails."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from peersupport.keyset import Keyset, Place, count_up_to, page_by_time, requested_page
from peersupport.models import User
from peersupport.query import RecordCursorQuery, TimeCursorField
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIZE = 5
NEWEST_FIRST = ("-date_joined", "-pk")


@pytest.fixture
def accounts():
    """23 accounts joined at only three moments: most rows tie with others."""
    moment = timezone.now().replace(microsecond=0)
    made = [
        UserFactory(
            username=f"k{n:02d}",
            date_joined=moment - timedelta(hours=n % 3),
            is_active=n % 4 != 0,
        )
        for n in range(23)
    ]
    return User.objects.filter(pk__in=[u.pk for u in made])


def _by_pk(row):
    return str(row.pk)


def _keyset(rows, parts=None, keys_first=False):
    return Keyset(parts or [rows], NEWEST_FIRST, SIZE, cursor=_by_pk, keys_first=keys_first)


# Every way of reading a page gives the same pages: the rows at once, or their
# numbers first and then the rows (``keys_first``).
both_ways = pytest.mark.parametrize("keys_first", [False, True], ids=["rows", "keys first"])


def _walk_forward(keyset):
    pages = [keyset.first()]
    while pages[-1].has_next:
        part, row = _last(keyset, pages[-1])
        pages.append(keyset.after(keyset.place_of(part, row)))
    return pages


def _last(keyset, page):
    row = page.rows[-1]
    return _part_of(keyset, row), row


def _part_of(keyset, row):
    return next(i for i, part in enumerate(keyset.parts) if part.filter(pk=row.pk).exists())


def _names(rows):
    return [row.username for row in rows]


@both_ways
def test_pages_forward_cover_every_row_once_in_order_despite_ties(accounts, keys_first):
    keyset = _keyset(accounts, keys_first=keys_first)
    pages = _walk_forward(keyset)
    everyone = _names(accounts.order_by(*NEWEST_FIRST))
    assert [name for page in pages for name in _names(page)] == everyone
    assert [len(page) for page in pages] == [5, 5, 5, 5, 3]
    assert not pages[0].has_previous and all(page.has_previous for page in pages[1:])
    assert all(page.has_next for page in pages[:-1]) and not pages[-1].has_next


@both_ways
def test_pages_backward_give_back_the_same_pages(accounts, keys_first):
    keyset = _keyset(accounts, keys_first=keys_first)
    forward = _walk_forward(keyset)
    back = [forward[-1]]
    while back[-1].has_previous:
        row = back[-1].rows[0]
        back.append(keyset.before(keyset.place_of(0, row)))
    assert [_names(page) for page in reversed(back)] == [_names(page) for page in forward]
    assert not back[-1].has_previous and back[-1].has_next


@both_ways
def test_parts_follow_one_another_and_a_page_may_span_two(accounts, keys_first):
    active, inactive = accounts.filter(is_active=True), accounts.filter(is_active=False)
    keyset = _keyset(accounts, parts=[active, inactive], keys_first=keys_first)
    pages = _walk_forward(keyset)
    shown = [name for page in pages for name in _names(page)]
    assert shown == _names(active.order_by(*NEWEST_FIRST)) + _names(
        inactive.order_by(*NEWEST_FIRST)
    )
    # 17 active: the fourth page ends the first part and starts the second.
    assert {row.is_active for row in pages[3]} == {True, False}
    back = keyset.before(keyset.place_of(1, pages[4].rows[0]))
    assert _names(back) == _names(pages[3])


@both_ways
def test_an_old_page_number_shows_the_same_rows_as_before(accounts, keys_first):
    keyset = _keyset(
        accounts,
        parts=[accounts.filter(is_active=True), accounts.filter(is_active=False)],
        keys_first=keys_first,
    )
    pages = _walk_forward(keyset)
    for number, page in enumerate(pages, start=1):
        assert _names(keyset.at_offset((number - 1) * SIZE)) == _names(page)
    assert _names(keyset.at_offset(10_000)) == _names(pages[0])  # past the end: the top


@both_ways
def test_a_place_with_nothing_after_or_before_it_gives_the_first_page(accounts, keys_first):
    keyset = _keyset(accounts, keys_first=keys_first)
    first = keyset.first()
    oldest = accounts.order_by(*NEWEST_FIRST).last()
    assert _names(keyset.after(keyset.place_of(0, oldest))) == _names(first)
    assert _names(keyset.before(keyset.place_of(0, first.rows[2]))) == _names(first)


@both_ways
def test_an_empty_list_has_one_empty_page(accounts, keys_first):
    keyset = _keyset(accounts.none(), keys_first=keys_first)
    page = keyset.first()
    assert page.rows == [] and not page.has_other_pages()
    assert page.previous_cursor == page.next_cursor == ""


def test_a_page_asks_at_most_two_queries_a_part(accounts, django_assert_max_num_queries):
    keyset = _keyset(
        accounts, parts=[accounts.filter(is_active=True), accounts.filter(is_active=False)]
    )
    middle = keyset.first().rows[-1]
    with django_assert_max_num_queries(4):
        keyset.after(keyset.place_of(0, middle))
    with django_assert_max_num_queries(4):
        keyset.before(keyset.place_of(0, middle))


def test_with_keys_first_a_page_reads_its_numbers_then_its_rows(
    accounts, django_assert_num_queries
):
    keyset = _keyset(accounts, keys_first=True)
    with django_assert_num_queries(2) as asked:
        page = keyset.first()
    numbers, rows = (query["sql"] for query in asked.captured_queries)
    # The numbers by the order's columns alone; the rows by those numbers.
    assert "username" not in numbers and "ORDER BY" in numbers
    assert "username" in rows and "IN (" in rows
    assert _names(page) == _names(accounts.order_by(*NEWEST_FIRST)[:SIZE])


def test_with_keys_first_a_row_gone_between_the_two_reads_leaves_no_hole(accounts):
    active = accounts.filter(is_active=True)
    gone = active.order_by(*NEWEST_FIRST)[1]
    asked = []

    def leave_after_the_numbers(execute, sql, params, many, context):
        answer = execute(sql, params, many, context)
        if not asked:
            asked.append(sql)
            User.objects.filter(pk=gone.pk).update(is_active=False)
        return answer

    keyset = _keyset(active, keys_first=True)
    with connection.execute_wrapper(leave_after_the_numbers):
        page = keyset.first()
    # A full page of the list as it now stands, still leading to the next one.
    assert _names(page) == _names(active.order_by(*NEWEST_FIRST)[:SIZE])
    assert gone.username not in _names(page) and page.has_next


def test_count_up_to_stops_one_past_the_limit(accounts):
    assert count_up_to(accounts, 5) == 6
    assert count_up_to(accounts, 100) == 23


# The page a request names.


def _request(**query):
    request = RequestFactory().get("/", query)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_a_time_cursor_names_the_place_of_a_row(accounts):
    rows = accounts.order_by(*NEWEST_FIRST)
    first = page_by_time(_request(), accounts, field="date_joined", size=SIZE)
    last = first.rows[-1]
    assert first.next_cursor == TimeCursorField.of(last.date_joined, last.pk)
    second = page_by_time(
        _request(after=first.next_cursor), accounts, field="date_joined", size=SIZE
    )
    assert _names(second) == _names(rows[SIZE : 2 * SIZE])
    back = page_by_time(
        _request(before=second.previous_cursor), accounts, field="date_joined", size=SIZE
    )
    assert _names(back) == _names(first)


@pytest.mark.parametrize("cursor", ["abc", "1_²", "9" * 5000, "_", "12_0", "-5_3", "1__2"])
def test_a_made_up_cursor_is_explained_and_the_list_starts_at_its_top(accounts, cursor):
    request = _request(after=cursor)
    page = page_by_time(request, accounts, field="date_joined", size=SIZE)
    assert _names(page) == _names(accounts.order_by(*NEWEST_FIRST)[:SIZE])
    assert [str(m) for m in get_messages(request)] == [
        "This link to a page of the list is not valid: here is the top of the list."
    ]


def test_a_cursor_naming_a_row_the_list_cannot_place_starts_it_at_its_top(accounts):
    keyset = _keyset(accounts)
    request = _request(after="42")
    page = requested_page(request, keyset, query=RecordCursorQuery, place_of=lambda pk: None)
    assert _names(page) == _names(keyset.first())
    assert list(get_messages(request)) == []  # nothing says whether it exists


def test_an_old_page_number_is_still_read(accounts):
    keyset = _keyset(accounts)
    page = requested_page(
        _request(page="3"), keyset, query=RecordCursorQuery, place_of=lambda pk: None
    )
    assert _names(page) == _names(accounts.order_by(*NEWEST_FIRST)[2 * SIZE : 3 * SIZE])


def test_place_of_reads_the_order_fields(accounts):
    row = accounts.first()
    assert _keyset(accounts).place_of(0, row) == Place(0, (row.date_joined, row.pk))
