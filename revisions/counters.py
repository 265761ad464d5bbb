"""Reading the revision counters: one small query, before the data they stand for is read
(or in the same statement as the viewer's token: ``accounts.authentication``).

Why reading first is enough: every change that a counter watches bumps it in the change's own
transaction (``revisions.triggers``), so once a reader can see the change it sees the bump too.
Data read after the counter is at least as new as the counter says; a body cached under a
counter's value can be newer than that value, never older.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections

from config.prepared import fetch_one

from .models import Counter


def column_sql(connection) -> str:
    """A scalar subquery for a SELECT list: every counter, as ``name:value,name:value``."""
    quote = connection.ops.quote_name
    concat = "string_agg" if connection.vendor == "postgresql" else "group_concat"
    return (
        f"(SELECT {concat}(c.n || ':' || c.v, ',') FROM (SELECT {quote('name')} AS n, SUM({quote('value')}) AS v "
        f"FROM {quote(Counter._meta.db_table)} GROUP BY {quote('name')}) c)"
    )


def parse(text: str | None) -> dict[str, int]:
    """``column_sql``'s value as {counter: value}; a counter nothing has bumped yet is absent (read it as 0)."""
    if not text:
        return {}
    return {name: int(value) for name, value in (pair.split(":") for pair in text.split(","))}


def current(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Every counter's value now."""
    return parse(fetch_one(f"SELECT {column_sql(connections[using])}", using=using)[0])
