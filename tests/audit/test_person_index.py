"""The audit trail's filter by person reads an index on the person named in
an entry's extra data (migration audit/0002) on PostgreSQL."""

import pytest
from django.db import connection

from audit import selectors
from tests.db_plans import explain

pytestmark = pytest.mark.django_db

INDEX = "audit_entry_client_id"


def test_the_person_index_exists_on_postgresql_only():
    with connection.cursor() as cursor:
        names = set(connection.introspection.get_constraints(cursor, "auditlog_logentry"))
    assert (INDEX in names) == (connection.vendor == "postgresql")


@pytest.mark.postgresql_only
def test_the_filter_by_person_reads_the_index(coordinator):
    entries = selectors.trail_entries(viewer=coordinator, filters={"person": 17})
    sql, params = entries.query.sql_with_params()
    # Reading the whole trail made too dear: the index is then chosen if, and
    # only if, it matches the expression the filter compares.
    assert INDEX in explain(sql, params, dear=("seqscan",))
