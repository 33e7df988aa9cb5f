"""What a request asks more than once is read once, and forgotten when it changes."""

import pytest
from django.conf import settings
from django.test import RequestFactory

from clients.models import CareTeamMembership
from peersupport.request_memo import (
    RequestMemo,
    RequestMemoMiddleware,
    forget,
    in_request,
    remembered,
)
from tests.factories import ClientFactory, put_on_team


def _counter():
    """A read that answers how many times it was called."""
    calls = []

    def read():
        calls.append(1)
        return len(calls)

    return read


def test_outside_a_request_every_call_reads_again():
    read = _counter()
    assert not in_request()
    assert [remembered("key", read), remembered("key", read)] == [1, 2]


def test_inside_a_request_an_answer_is_read_once_per_key():
    read = _counter()
    with RequestMemo():
        assert in_request()
        assert [remembered("key", read), remembered("key", read)] == [1, 1]
        assert remembered("other", read) == 2
        forget()
        assert remembered("key", read) == 3
    assert not in_request()


@pytest.mark.django_db
def test_saving_a_membership_forgets_what_the_request_read(peer):
    read = _counter()
    with RequestMemo():
        remembered("care_teams", read)
        put_on_team(ClientFactory(), peer)
        assert remembered("care_teams", read) == 2
        CareTeamMembership.objects.get(member=peer).delete()
        assert remembered("care_teams", read) == 3


def test_each_request_starts_with_nothing_remembered_and_leaves_nothing():
    read = _counter()
    seen = []

    def view(request):
        seen.append((in_request(), remembered("key", read), remembered("key", read)))
        return "response"

    middleware = RequestMemoMiddleware(view)
    assert middleware(RequestFactory().get("/")) == "response"
    assert middleware(RequestFactory().get("/")) == "response"
    assert seen == [(True, 1, 1), (True, 2, 2)]
    assert not in_request()


def test_every_request_goes_through_the_memo_before_any_view():
    names = settings.MIDDLEWARE
    memo = names.index("peersupport.request_memo.RequestMemoMiddleware")
    assert memo < names.index("django.contrib.auth.middleware.AuthenticationMiddleware")
