"""peersupport.query: the fields every query string is read with, and the
rule that keeps it the only way (a scan of the source)."""

import ast
import importlib
import inspect
import re
from datetime import UTC, date, datetime

import pytest
from django import forms
from django.http import QueryDict
from django.test import RequestFactory

from peersupport.query import (
    PAGE_MAX,
    RECORD_ID_MAX,
    SAFE_FIELDS,
    DayField,
    FlagField,
    NextPathField,
    PageField,
    QueryForm,
    RecordChoiceField,
    RecordIdField,
    SearchField,
    TimeCursor,
    TimeCursorField,
    page_number,
    parse,
    record_id,
)
from tests.peersupport.test_architecture import ROOT, _parse, python_files


def _errors(field, value):
    try:
        field.clean(value)
    except forms.ValidationError as error:
        return error.messages
    return []


# Record numbers.


@pytest.mark.parametrize("text", ["1", "42", " 7 ", str(RECORD_ID_MAX)])
def test_a_record_number_is_ascii_digits_within_the_database_range(text):
    assert RecordIdField().clean(text) == int(text)


@pytest.mark.parametrize(
    "text",
    [
        "²",  # str.isdigit() says yes, int() says no
        "٣",  # int() reads it as 3
        "0",
        "-1",
        "1.0",
        "1e3",
        "\x00",
        "12\x00",
        str(RECORD_ID_MAX + 1),
        "99999999999999999999",
        "9" * 5000,  # int() refuses more than 4300 digits
    ],
)
def test_anything_else_is_not_a_record_number(text):
    assert _errors(RecordIdField(), text) == [
        "Type a record number with the digits 0 to 9 only, such as 42."
    ]
    assert record_id(text) is None


def test_no_record_number_is_none():
    assert RecordIdField().clean("") is None
    assert record_id(None) is None


# Days.


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2025-03-31", date(2025, 3, 31)),
        ("1900-01-01", date(1900, 1, 1)),
        ("9998-12-31", date(9998, 12, 31)),
    ],
)
def test_a_day_is_a_real_date_within_the_years_a_day_can_be_added_to(text, day):
    assert DayField().clean(text) == day


@pytest.mark.parametrize(
    "text", ["2025-02-30", "2025-13-01", "0000-01-01", "\x00", "x" * 5000, "²⁰²⁵-01-01"]
)
def test_a_day_that_does_not_exist_is_explained(text):
    assert _errors(DayField(), text) == ["Enter a valid date."]


@pytest.mark.parametrize("text", ["9999-12-31", "1899-12-31", "0001-01-01"])
def test_a_day_out_of_the_years_is_explained(text):
    # Dates in words, as everywhere a person reads them.
    assert _errors(DayField(), text) == ["Give a date between Jan. 1, 1900 and Dec. 31, 9998."]


# Searches.


def test_a_search_is_trimmed_text():
    assert SearchField().clean("  Tremblay ") == "Tremblay"


@pytest.mark.parametrize(
    "text, message",
    [
        ("a\x00b", "Null characters are not allowed."),
        ("\x07", "This text contains an invisible control character (position 1)."),
        ("line\nbreak", "This field holds one line: remove the tab or line break (position 5)"),
        ("\x7f", "This text contains an invisible control character (position 1)."),
        ("\x9b", "This text contains an invisible control character (position 1)."),
    ],
)
def test_a_search_refuses_control_characters(text, message):
    assert any(error.startswith(message) for error in _errors(SearchField(), text))


def test_a_search_has_a_length():
    assert _errors(SearchField(), "a" * 201) == [
        "Ensure this value has at most 200 characters (it has 201)."
    ]


# Pages, switches, paths back.


@pytest.mark.parametrize(
    ("text", "page"),
    [
        ("3", 3),
        ("", 1),
        ("0", 1),
        ("²", 1),
        ("٣", 1),
        ("-2", 1),
        ("\x00", 1),
        ("9223372036854775807", PAGE_MAX),
        ("99999999999999999999", PAGE_MAX),
        ("9" * 5000, PAGE_MAX),
    ],
)
def test_a_page_number_is_never_an_error_and_never_huge(text, page):
    assert PageField().clean(text) == page


def test_page_number_reads_the_named_parameter():
    request = RequestFactory().get("/", {"history": "4", "page": "²"})
    assert page_number(request, "history") == 4
    assert page_number(request) == 1


# Places in a list ordered by time.


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 11, 24, 21, 51, 26, 408_384, tzinfo=UTC),
        datetime(1970, 1, 1, tzinfo=UTC),
        datetime(9998, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
    ],
)
def test_a_time_cursor_reads_back_the_moment_to_the_microsecond(moment):
    text = TimeCursorField.of(moment, 42)
    assert text.replace("_", "").isascii() and "_" in text
    assert TimeCursorField().clean(text) == TimeCursor(moment, 42)


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "1764021086408384",  # no record number
        "1764021086408384_",
        "_42",
        "1764021086408384_0",
        "1764021086408384_²",
        "¹764021086408384_4",
        "-1_4",
        "1.5_4",
        "1_2_3",
        "\x00",
        "9" * 5000 + "_1",
        "1_" + "9" * 5000,
        "253402300800000000_1",  # the year 10000
        f"1_{RECORD_ID_MAX + 1}",
    ],
)
def test_anything_else_is_not_a_place_in_a_list(text):
    assert _errors(TimeCursorField(), text) == ["This link to a page of the list is not valid."]


def test_no_cursor_is_none():
    assert TimeCursorField().clean("") is None


@pytest.mark.parametrize(
    ("text", "on"), [("1", True), ("", False), ("yes", False), ("\x00", False)]
)
def test_a_switch_is_on_for_1_only(text, on):
    assert FlagField().clean(text) is on


@pytest.mark.parametrize(
    ("text", "path"),
    [("/clients/3/", "/clients/3/"), ("//evil.example/", ""), ("https://evil.example/", "")],
)
def test_a_path_back_is_a_path_of_this_site(text, path):
    assert NextPathField().clean(text) == path


def test_a_record_choice_refuses_unicode_digits_before_asking_the_database(
    django_assert_num_queries, db
):
    from peersupport.models import User

    field = RecordChoiceField(queryset=User.objects.all())
    with django_assert_num_queries(0):
        assert _errors(field, "٣") and _errors(field, "²") and _errors(field, "9" * 40)


# Query forms.


class Filters(QueryForm):
    q = SearchField()
    person = RecordIdField()
    since = DayField()


def test_a_query_form_gives_what_parsed_and_explains_the_rest():
    form = Filters(QueryDict("q=Tremblay&person=%C2%B2&since=2025-02-30"))
    assert form.values() == {"q": "Tremblay"}
    assert form.value("person", "none") == "none"
    assert set(form.errors) == {"person", "since"}
    assert form.refused("person") and not form.refused("q")


def test_a_page_opened_bare_has_an_unbound_query_form():
    form = parse(RequestFactory().get("/"), Filters)
    assert not form.is_bound and form.values() == {} and not form.refused("person")


def test_parse_takes_query_forms_only():
    with pytest.raises(TypeError):
        parse(RequestFactory().get("/"), forms.Form)


# The one way, kept by reading the source.


def _query_string_reads(relative, source=None):
    tree = ast.parse(source) if source is not None else _parse(relative)
    return [
        f"{relative}:{node.lineno} reads the query string itself"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "GET"
    ]


def _unicode_digit_checks(relative, source=None):
    tree = ast.parse(source) if source is not None else _parse(relative)
    return [
        f"{relative}:{node.lineno} uses .{node.func.attr}(), which takes '²' for a digit"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("isdigit", "isnumeric")
    ]


def _product_files():
    return [path for path in python_files() if path.parts[0] != "tests"]


def test_only_peersupport_query_reads_the_query_string():
    found = [
        problem
        for path in _product_files()
        if str(path) != "peersupport/query.py"
        for problem in _query_string_reads(path)
    ]
    assert found == [], (
        "Read query parameters with a QueryForm (peersupport.query.parse) or "
        "peersupport.query.page_number, never from request.GET:\n" + "\n".join(found)
    )


def test_templates_do_not_read_the_query_string():
    found = [
        f"{path.relative_to(ROOT)}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        if re.search(r"request\.GET", path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_no_product_code_asks_isdigit():
    found = [problem for path in _product_files() for problem in _unicode_digit_checks(path)]
    assert found == [], "Use peersupport.query.ascii_digits or record_id instead:\n" + "\n".join(
        found
    )


def test_the_scans_catch_each_way_of_reading():
    source = (
        "def view(request):\n"
        "    a = request.GET.get('a')\n"
        "    b = request.GET['b']\n"
        "    c = Form(request.GET or None)\n"
        "    d = a.isdigit() or b.isnumeric()\n"
    )
    assert len(_query_string_reads("x.py", source)) == 3
    assert len(_unicode_digit_checks("x.py", source)) == 2


# Every query form of the project declares safe fields only.


def project_query_forms():
    for path in _product_files():
        if path.parts[0] == "peersupport" and path.name == "query.py":
            continue
        if not any(
            isinstance(node, ast.ClassDef)
            and any(getattr(base, "id", None) == "QueryForm" for base in node.bases)
            for node in ast.walk(_parse(path))
        ):
            continue
        module = importlib.import_module(".".join(path.with_suffix("").parts))
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, QueryForm) and cls.__module__ == module.__name__:
                yield cls


def test_the_walk_finds_the_query_forms():
    names = {cls.__name__ for cls in project_query_forms()}
    assert {"ClientFilterForm", "AuditFilterForm", "OverviewFilterForm", "EntryFilterForm"} <= names


@pytest.mark.parametrize("form_class", list(project_query_forms()), ids=lambda cls: cls.__name__)
def test_query_forms_declare_safe_fields_only(form_class):
    unsafe = {
        name: type(field).__name__
        for name, field in form_class.base_fields.items()
        if not isinstance(field, SAFE_FIELDS)
        or (isinstance(field, forms.ModelChoiceField) and not isinstance(field, RecordChoiceField))
    }
    assert unsafe == {}, f"{form_class.__name__}: use the fields of peersupport.query"
