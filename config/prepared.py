"""One row by a statement that PostgreSQL plans once per connection, not on every request.

The API's token lookup runs on every request; Django sends each query as text with its
values inlined (client-side binding, no prepared statements, so connection poolers work), and
PostgreSQL parsed and planned that join anew each time, several times what executing it cost
(docs/BENCHMARKS.md). Here it goes as a server-side prepared statement: same SQL, same rows,
inside Django's cursor wrapper (its execute wrappers, its database errors). SQLite, logged
queries (DEBUG, tests counting queries: the SQL with its values) and
``DATABASE_PREPARED_STATEMENTS=0`` (behind a pooler in transaction mode older than PgBouncer
1.21) use Django's ordinary cursor.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

_ONLY_WHEN_ASKED = 2**31 - 1


@functools.cache
def _prepared_cursor_class():
    import psycopg

    class PreparedCursor(psycopg.Cursor):
        """psycopg's server-side binding cursor that prepares every statement it runs."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

    return PreparedCursor


def _cursor(connection):
    if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS or connection.queries_logged:
        # Logged queries (DEBUG, tests counting them) show their values inlined, as Django's do.
        return connection.cursor()
    # What connection.cursor() does, with a cursor of ours inside Django's wrapper.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        if connection.connection.prepare_threshold is None:
            # Django turns psycopg's preparing off, which also ignores prepare=True. Back on, but
            # only when asked: no count of executions reaches this (Django's own cursors bind
            # client-side and never prepare).
            connection.connection.prepare_threshold = _ONLY_WHEN_ASKED
        raw = _prepared_cursor_class()(connection.connection)
    return connection.make_cursor(raw)


def fetch_one(sql: str, params: list | tuple = (), *, using: str = DEFAULT_DB_ALIAS) -> tuple | None:
    """The first row of ``sql`` (``%s`` placeholders, a read), prepared on PostgreSQL.

    With ``CONN_HEALTH_CHECKS``, the first statement of a request on a kept connection is
    preceded by Django's ``SELECT 1``: one more round trip to the server on every API request.
    When this read is that first statement it is the check itself: a connection found dead by it
    is closed and the read made once more on a new one, as after a failed ``SELECT 1``.
    """
    connection = connections[using]
    if (connection.connection is not None and connection.health_check_enabled
            and not connection.health_check_done and not connection.in_atomic_block):
        connection.health_check_done = True
        try:
            return _fetch_one(connection, sql, params)
        except (InterfaceError, OperationalError):
            if connection.is_usable():
                raise  # the statement failed, not the connection
            connection.close()
    return _fetch_one(connection, sql, params)


def _fetch_one(connection, sql: str, params) -> tuple | None:
    with _cursor(connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()
