"""Take the database away from the app, in this process, the way a restart does.

Every new cursor fails with the OperationalError a refused connection raises,
so the real code paths (the session read by the authentication middleware, a
view's queries, the session's save) meet it where they would. The test's own
transaction is left alone. tests/peersupport/test_outage_restart.py does the
same with a real PostgreSQL server restarted under load.
"""

from contextlib import contextmanager

from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper

REFUSED = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused'


@contextmanager
def database_down(*, only=None):
    """While inside, the database refuses; ``only(sql)`` narrows it to some
    statements (the others run)."""
    if only is None:
        # Where a request meets a restart: CONN_HEALTH_CHECKS finds the old
        # connection dead and the new one is refused as the cursor is made.
        original = BaseDatabaseWrapper._cursor

        def refuse(self, name=None):
            raise OperationalError(REFUSED)

        BaseDatabaseWrapper._cursor = refuse
        try:
            yield
        finally:
            BaseDatabaseWrapper._cursor = original
        return

    from django.db import connection

    def wrapper(execute, sql, params, many, context):
        if only(sql):
            raise OperationalError(REFUSED)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield
