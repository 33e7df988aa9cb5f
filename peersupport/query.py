"""Query parameters, read one way for the whole project.

Anyone can type anything after a ``?``: Unicode digits that ``str.isdigit()``
accepts and ``int()`` refuses ("²"), dates that do not exist (2025-02-30) or
that overflow once a day is added (9999-12-31), NUL characters PostgreSQL
refuses, page numbers too large for a database offset, links to a place in
a list that name no place. So no view reads
``request.GET`` itself: it asks ``parse`` for a ``QueryForm`` (or
``page_number`` for a page), whose fields below refuse such values with a
message the filter form shows, and the view uses only what parsed
(``QueryForm.value``). tests/peersupport/test_architecture.py keeps it the
only way; tests/peersupport/test_query_properties.py fuzzes every parameter
of every form a page parses.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

# Record numbers are big integers (DEFAULT_AUTO_FIELD): anything larger names nothing.
RECORD_ID_MAX = 2**63 - 1
RECORD_ID_DIGITS = len(str(RECORD_ID_MAX))
# A day a day can be added to and subtracted from, and that PostgreSQL and
# SQLite both store: years 1900 to 9998 cover every real use.
FIRST_YEAR, LAST_YEAR = 1900, 9998
# Longer than any name or search anyone types.
SEARCH_LENGTH = 200
# Far beyond the last page of any list, small enough for any database offset.
PAGE_MAX = 100_000


def ascii_digits(value: Any) -> bool:
    """Whether ``value`` is a non-empty string of the digits 0 to 9 only:
    ``str.isdigit()`` also accepts "²" and "٣", which ``int()`` refuses or reads."""
    return isinstance(value, str) and value.isascii() and value.isdecimal()


class RecordIdField(forms.CharField):
    """A record number: ASCII digits, 1 to the largest record number. The
    value is an ``int``."""

    default_error_messages = {
        "invalid": _("Type a record number with the digits 0 to 9 only, such as 42."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", RECORD_ID_DIGITS)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")

    def to_python(self, value):
        text = str(super().to_python(value) or "")
        if not text:
            return None
        # int() of thousands of digits is itself an error: the length first.
        if not (ascii_digits(text) and len(text) <= RECORD_ID_DIGITS):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if not 1 <= int(text) <= RECORD_ID_MAX:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)

    def run_validators(self, value):
        # The length was checked on the text; the number has no length.
        return None


def record_id(value: Any) -> int | None:
    """A record number read from any text outside a query form (a field of a
    POST, a stored value), by RecordIdField's rules: None when it is not one."""
    try:
        return RecordIdField().clean(value if isinstance(value, str) else str(value))
    except ValidationError:
        return None


class DayField(forms.DateField):
    """A day of the calendar between FIRST_YEAR and LAST_YEAR, typed as the
    browser's date picker sends it (or in the language's own format). A day that
    does not exist (2025-02-30) is an error, as is one out of those years."""

    # Django's own "Enter a valid date." for a day that does not exist.
    default_error_messages = {
        "out_of_range": _("Give a date between %(first)s and %(last)s."),
    }

    def __init__(self, **kwargs):
        from .form_tools import DateInput

        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", DateInput())
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str) and len(value) > 40:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        day = super().to_python(value)
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValidationError(
                self.error_messages["out_of_range"],
                code="out_of_range",
                # In words, in the reader's language: never 1900-01-01.
                params={
                    "first": date_format(date(FIRST_YEAR, 1, 1), "DATE_FORMAT"),
                    "last": date_format(date(LAST_YEAR, 12, 31), "DATE_FORMAT"),
                },
            )
        return day


class SearchField(forms.CharField):
    """Text to search for: one line, no control characters, bounded."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", SEARCH_LENGTH)
        super().__init__(**kwargs)
        # Control characters, NUL included, are refused by every CharField of
        # the project (peersupport.form_tools.install_text_checks), this one too.


class RecordChoiceField(forms.ModelChoiceField):
    """One of the records of a queryset, by its number (ASCII digits only)."""

    def to_python(self, value):
        if value not in self.empty_values and not (
            ascii_digits(value) and len(value) <= RECORD_ID_DIGITS
        ):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": ""}
            )
        return super().to_python(value)


class PageField(forms.Field):
    """A page number that is never an error: anything but ASCII digits is the
    first page, and a number past PAGE_MAX is PAGE_MAX (a paginator then
    shows its last page)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        if not ascii_digits(value):
            return 1
        if len(value) > len(str(PAGE_MAX)):
            return PAGE_MAX
        return min(max(int(value), 1), PAGE_MAX)


class TimeCursor(NamedTuple):
    """A place in a list ordered by time: the moment of a row, and its record
    number for the rows of the same moment."""

    at: datetime
    pk: int


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
# The last moment a cursor may name: the end of LAST_YEAR, so that the
# moment can always be read back.
CURSOR_MOMENT_MAX = (datetime(LAST_YEAR, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC) - _EPOCH) // (
    _MICROSECOND
)


class TimeCursorField(forms.Field):
    """A place in a list ordered by time (a link to the page before or after
    it): "<microseconds since 1970, UTC>_<record number>", ASCII digits both.
    The value is a ``TimeCursor``; anything else is refused, and the list
    starts at its top."""

    default_error_messages = {
        "invalid": _("This link to a page of the list is not valid."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    @staticmethod
    def of(at: datetime, pk: int) -> str:
        """The text of the cursor at (``at``, ``pk``), for a link."""
        return f"{(at - _EPOCH) // _MICROSECOND}_{pk}"

    def to_python(self, value):
        text = "" if value in self.empty_values else str(value)
        if not text:
            return None
        moment, _sep, number = text.partition("_")
        # Lengths first: int() of thousands of digits is itself an error.
        if not (
            ascii_digits(moment)
            and len(moment) <= len(str(CURSOR_MOMENT_MAX))
            and int(moment) <= CURSOR_MOMENT_MAX
        ):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        pk = record_id(number)
        if pk is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return TimeCursor(_EPOCH + int(moment) * _MICROSECOND, pk)


class FlagField(forms.Field):
    """A switch of the page (``?ended=1``): on for "1" only, never an error."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        return value == "1"


class NextPathField(SearchField):
    """Where to go back to: a path of this site (the view still checks the host)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 2000)
        super().__init__(**kwargs)

    def to_python(self, value):
        path = str(super().to_python(value) or "")
        return path if path.startswith("/") and not path.startswith("//") else ""


# The field types a query form may declare: each refuses what it cannot use.
SAFE_FIELDS: tuple[type[forms.Field], ...] = (
    RecordIdField,
    DayField,
    SearchField,
    RecordChoiceField,
    PageField,
    TimeCursorField,
    FlagField,
    forms.ChoiceField,  # a value outside its choices is an error
    forms.BooleanField,
)


class QueryForm(forms.Form):
    """A form over the query string. A value that does not parse is left out
    of ``values()``; its message shows on the field when the form is shown."""

    def values(self) -> dict[str, Any]:
        """The parameters that parsed, field by field (empty ones left out)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.errors and value not in (None, "", [])
        }

    def value(self, name: str, default: Any = None) -> Any:
        """One parameter if it parsed, else ``default``."""
        return self.values().get(name, default)

    def refused(self, name: str) -> bool:
        """Whether ``name`` was given but did not parse (a page that needs the
        record it names answers 404, as for a record that does not exist)."""
        return self.is_bound and not self.is_valid() and name in self.errors


Form = TypeVar("Form", bound=QueryForm)


def parse(request: HttpRequest, form_class: type[Form], **kwargs: Any) -> Form:
    """``form_class`` bound to the request's query string (unbound when there
    is none, so that a page opened bare shows no errors)."""
    if not issubclass(form_class, QueryForm):
        raise TypeError(f"{form_class.__name__} is not a QueryForm")
    return form_class(request.GET or None, **kwargs)


class PageForm(QueryForm):
    page = PageField()


def page_number(request: HttpRequest, name: str = "page") -> int:
    """The page asked for in ``?<name>=``: 1 unless it is a number; at most PAGE_MAX."""
    form = parse(request, PageForm, prefix=None)
    if name != "page":
        form.fields[name] = form.fields.pop("page")
    return form.value(name, 1)


class TimeCursorQuery(QueryForm):
    """Where a page of a list ordered by time starts: after a row (the next
    page) or before one (the previous page). Apart from the list's filters,
    so that its search form never shows them."""

    after = TimeCursorField()
    before = TimeCursorField()


class RecordCursorQuery(QueryForm):
    """Where a page of a list starts, named by a row's record number: after it
    (the next page) or before it (the previous page). The list finds the row
    itself, through its policy, so that no value of it travels in the link."""

    after = RecordIdField()
    before = RecordIdField()


def query_string(request: HttpRequest, **changes: Any) -> str:
    """The request's query string with ``changes`` made (None removes a
    parameter), to point at the same page differently."""
    query = request.GET.copy()
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = str(value)
    return query.urlencode()
