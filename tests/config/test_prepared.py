"""One row by a statement PostgreSQL prepares once per connection (config.prepared); the
request's health check made by that statement itself."""

from __future__ import annotations

import psycopg
import pytest
from django.db import DatabaseError, connection

from config.prepared import fetch_one
from tests.faults.test_db_connection_dropped import _admin_dsn

SQL = "SELECT CAST(%s AS INTEGER) + 1, 'prepared-probe'"


def _prepared_here() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                       ["%prepared-probe%"])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_same_row_either_way(settings):
    assert fetch_one(SQL, [41]) == (42, "prepared-probe")
    settings.DATABASE_PREPARED_STATEMENTS = False
    assert fetch_one(SQL, [41]) == (42, "prepared-probe")
    assert fetch_one("SELECT 1 WHERE 1 = 0") is None


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_prepares_it_once_and_djangos_own_queries_never(settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    fetch_one(SQL, [1])
    assert _prepared_here() == 0
    settings.DATABASE_PREPARED_STATEMENTS = True
    for number in range(3):
        assert fetch_one(SQL, [number]) == (number + 1, "prepared-probe")
    assert _prepared_here() == 1
    with connection.cursor() as cursor:  # Django's cursors bind on the client, as before
        for _ in range(10):
            cursor.execute("SELECT 'django-probe' WHERE %s", [True])
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%django-probe%'")
        assert cursor.fetchone()[0] == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("prepared", [True, False])
def test_a_connection_dropped_between_requests_is_replaced_by_the_first_statement(settings, prepared):
    settings.DATABASE_PREPARED_STATEMENTS = prepared
    connection.ensure_connection()
    old_pid = connection.connection.info.backend_pid
    with psycopg.connect(_admin_dsn(), autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", [old_pid]).fetchone()[0]
    # What a new request on a kept connection looks like (close_old_connections at its start).
    connection.health_check_enabled, connection.health_check_done = True, False
    assert fetch_one(SQL, [1]) == (2, "prepared-probe")
    assert connection.connection.info.backend_pid != old_pid and connection.health_check_done
    # A statement that fails on a live connection is its own error, not a reconnection.
    connection.health_check_done = False
    pid = connection.connection.info.backend_pid
    with pytest.raises(DatabaseError):
        fetch_one("SELECT no_such_column FROM revisions_counter")
    assert connection.connection.info.backend_pid == pid
    # Checked already in this request: a dead connection is an error, as with Django's own check.
    with psycopg.connect(_admin_dsn(), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    with pytest.raises(DatabaseError):
        fetch_one(SQL, [1])
    connection.close()
