"""The database keeps the revision counters: a trigger on every watched table bumps its counter
in the same transaction as the change, whatever made it — a model's ``save``, a queryset's
``update``, ``bulk_create``, a cascade, the admin, raw SQL, a TRUNCATE.

Apps declare what their API representations read (``watch`` in their ``AppConfig.ready``); the
triggers are (re)installed after every ``migrate`` and checked once per process before any
cached body is served (``installed``): without them nothing is cached.

A bump adds a random amount (at least 1) rather than 1, and a counter's first row starts at a
random value, so the counter never comes back to a value it had with other data behind it: not
after a transaction that read its own uncommitted change is rolled back, nor after the table is
emptied (tests, ``flush``). Every statement bumps, not only a transaction's first: a transaction
that reads after its own writes (a test, a service) must see a new value each time.
"""

from __future__ import annotations

import hashlib
import logging

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)

PREFIX = "revisions_"
SHARDS = 64  # PostgreSQL: rows per counter; a connection bumps pg_backend_pid() % SHARDS
_START = 2**40  # a new row starts anywhere in [0, _START)
_STEP = 2**20  # a bump adds 1 + [0, _STEP)

_WATCHED: dict[str, set[str]] = {}


def watch(counter: str, *models: str) -> None:
    """Bump ``counter`` on every change of the tables of ``models`` ("app_label.Model")."""
    _WATCHED.setdefault(counter, set()).update(models)


def watched() -> dict[str, list[str]]:
    """Counter -> the database tables that move it."""
    return {
        counter: sorted({apps.get_model(label)._meta.db_table for label in labels})
        for counter, labels in sorted(_WATCHED.items())
    }


# --- PostgreSQL: one statement-level trigger per table, one function --------------------------

_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {PREFIX}bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {PREFIX}counter (name, shard, value)
    VALUES (TG_ARGV[0], pg_backend_pid() % {SHARDS}, floor(random() * {_START})::bigint)
    ON CONFLICT (name, shard)
    DO UPDATE SET value = {PREFIX}counter.value + 1 + floor(random() * {_STEP})::bigint;
    RETURN NULL;
END
$$
"""
_PG_TRIGGER = ("CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
               "FOR EACH STATEMENT EXECUTE FUNCTION " + PREFIX + "bump('{counter}')")

# --- SQLite: row-level triggers (no statement level there), one per table and event ----------

_SQLITE_TRIGGER = f"""
CREATE TRIGGER {{name}} AFTER {{event}} ON {{table}} BEGIN
    INSERT INTO {PREFIX}counter (name, shard, value) VALUES ('{{counter}}', 0, abs(random() % {_START}))
    ON CONFLICT (name, shard) DO UPDATE SET value = value + 1 + abs(random() % {_STEP});
END
"""
_SQLITE_EVENTS = ("INSERT", "UPDATE", "DELETE")


def _version(connection) -> str:
    """A digest of the triggers' code: changed code gets new trigger names, so it is reinstalled."""
    code = _PG_FUNCTION + _PG_TRIGGER if connection.vendor == "postgresql" else _SQLITE_TRIGGER
    return hashlib.sha256(code.encode()).hexdigest()[:8]


def _expected(connection) -> dict[tuple[str, str], str]:
    """(table, trigger name) -> the statement creating it."""
    quote, version = connection.ops.quote_name, _version(connection)
    wanted = {}
    for counter, tables in watched().items():
        for table in tables:
            if connection.vendor == "postgresql":
                name = f"{PREFIX}{counter}_{version}"
                wanted[(table, name)] = _PG_TRIGGER.format(name=quote(name), table=quote(table), counter=counter)
                continue
            for event in _SQLITE_EVENTS:
                name = f"{PREFIX}{table}_{event.lower()}_{counter}_{version}"
                wanted[(table, name)] = _SQLITE_TRIGGER.format(name=quote(name), table=quote(table), event=event,
                                                               counter=counter)
    return wanted


def _existing(connection) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE NOT t.tgisinternal AND n.nspname = current_schema() AND t.tgname LIKE %s",
                [PREFIX.replace("_", r"\_") + "%"],
            )
        else:
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s "
                           "ESCAPE '\\'", [PREFIX.replace("_", r"\_") + "%"])
        return set(cursor.fetchall())


def _supported(connection) -> bool:
    return connection.vendor in ("postgresql", "sqlite")


def install(using: str = DEFAULT_DB_ALIAS) -> None:
    """Create the missing triggers and drop those no longer wanted (a changed table list or code)."""
    connection = connections[using]
    if not _supported(connection):
        return
    tables = set(connection.introspection.table_names())
    wanted = {key: sql for key, sql in _expected(connection).items() if key[0] in tables}  # a partial migrate
    existing = _existing(connection)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, name in sorted(existing - wanted.keys()):
            cursor.execute(f"DROP TRIGGER IF EXISTS {quote(name)}" + (
                f" ON {quote(table)}" if connection.vendor == "postgresql" else ""))
        if connection.vendor == "postgresql":
            cursor.execute(_PG_FUNCTION)
        for key in sorted(wanted.keys() - existing):
            cursor.execute(wanted[key])
    _installed.pop(using, None)


def install_after_migrate(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    install(using)


_installed: dict[str, bool] = {}


def installed(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether every watched table has its trigger (asked once per process and database)."""
    if using not in _installed:
        connection = connections[using]
        ok = _supported(connection) and not (_expected(connection).keys() - _existing(connection))
        if not ok:
            logger.warning("revision triggers are missing (run migrate): API responses are not cached")
        _installed[using] = ok
    return _installed[using]


def forget(using: str = DEFAULT_DB_ALIAS) -> None:
    """Ask ``installed`` again next time (after triggers were dropped or installed outside ``install``)."""
    _installed.pop(using, None)
