"""The API's token authentication: DRF's, with the token and its user read by one prepared
statement (``config.prepared``), and the revision counters in the same statement when the view
caches its answer (``revisions.responses.CachedRepresentations``).

DRF's ``TokenAuthentication`` builds ``Token.objects.select_related("user").get(key=…)`` on every
request; compiling that query, and PostgreSQL planning it, cost more than everything else a
cached API answer does (docs/BENCHMARKS.md). Here the SQL is written once from the models'
fields and the row made into the same objects the ORM makes (with the ORM's converters). A key
that finds no active user goes to DRF's own code, so every refusal (401, its message) is DRF's.
"""

from __future__ import annotations

import datetime
import functools

from django.db import connection
from django.utils import timezone
from rest_framework import authentication
from rest_framework.authtoken.models import Token

from config.prepared import fetch_one
from revisions.counters import column_sql as revisions_column
from revisions.counters import parse as revisions_parse

from .models import User
from .substitutions import acting_for_found, stands_in_sql


class _Lookup:
    """The statement and how to turn its row into a Token and its User (made once per process)."""

    def __init__(self, *, with_revisions: bool):
        quote = connection.ops.quote_name
        self.token_fields = Token._meta.concrete_fields
        self.user_fields = User._meta.concrete_fields
        columns = [f"t.{quote(f.column)}" for f in self.token_fields]
        columns += [f"u.{quote(f.column)}" for f in self.user_fields]
        # Whether the user stands in for someone on the day asked (its two parameters come first).
        columns.append(stands_in_sql(day=datetime.date.min, person_column=f"u.{quote(User._meta.pk.column)}").sql)
        if with_revisions:
            columns.append(revisions_column(connection))
        self.sql = f"SELECT {', '.join(columns)} {_token_and_user_sql()}"
        self.converters = [
            (index, converters)
            for index, (table, field) in enumerate(
                [(Token._meta.db_table, f) for f in self.token_fields]
                + [(User._meta.db_table, f) for f in self.user_fields]
            )
            if (converters := _converters(field, table))
        ]

    def row(self, key: str, day: datetime.date) -> tuple[Token, User, bool, dict[str, int] | None] | None:
        day_value = connection.ops.adapt_datefield_value(day)
        values = fetch_one(self.sql, [day_value, day_value, key])
        if values is None:
            return None
        values = list(values)
        for index, converters in self.converters:
            for convert, expression in converters:
                values[index] = convert(values[index], expression, connection)
        split = len(self.token_fields)
        user = User.from_db(connection.alias, [f.attname for f in self.user_fields],
                            values[split:split + len(self.user_fields)])
        token = Token.from_db(connection.alias, [f.attname for f in self.token_fields], values[:split])
        token.user = user
        stands_in, *extra = values[split + len(self.user_fields):]
        return token, user, bool(stands_in), (revisions_parse(extra[0]) if extra else None)


def _converters(field, table: str) -> list:
    """What the ORM applies to this column's values (none for most fields on PostgreSQL)."""
    expression = field.get_col(table)
    return [(convert, expression) for convert in
            connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)]


def _token_and_user_sql() -> str:
    """``FROM`` the token ``t`` of the key given (the one parameter) joined to its user ``u``."""
    quote = connection.ops.quote_name
    user_link = Token._meta.get_field("user").column
    return (
        f"FROM {quote(Token._meta.db_table)} t "
        f"INNER JOIN {quote(User._meta.db_table)} u ON u.{quote(User._meta.pk.column)} = t.{quote(user_link)} "
        f"WHERE t.{quote(Token._meta.pk.column)} = %s"
    )


@functools.cache
def _active_user_and_revisions_sql() -> str:
    quote = connection.ops.quote_name
    return (f"SELECT u.{quote(User._meta.pk.column)}, {revisions_column(connection)} {_token_and_user_sql()} "
            f"AND u.{quote(User._meta.get_field('is_active').column)}")


@functools.cache
def _lookup(with_revisions: bool) -> _Lookup:
    return _Lookup(with_revisions=with_revisions)


def token_lookup(
    key: str, *, with_revisions: bool = False, day: datetime.date | None = None
) -> tuple[Token, User, bool, dict[str, int] | None] | None:
    """The token ``key``, its user (active or not), whether the user stands in for someone on
    ``day`` (today), and, if asked, the revision counters, read by one statement; None when
    there is no such token."""
    return _lookup(with_revisions).row(key, day or timezone.localdate())


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate(self, request):
        # The view's flag, set before authentication runs: read the counters in this statement.
        self.with_revisions = bool(getattr(request, "read_revisions", False))
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        day = timezone.localdate()
        found = token_lookup(key, with_revisions=getattr(self, "with_revisions", False), day=day)
        if found is None or not found[1].is_active:
            return super().authenticate_credentials(key)  # refused as DRF refuses
        token, user, stands_in, revisions = found
        # Standing in for no one today, the user's roles need no query of substitutions.
        acting_for_found(user, day=day, stands_in=stands_in)
        token.revisions = revisions
        return user, token

    def lookup_with_revisions(self, key: str) -> tuple[int, dict[str, int]] | None:
        """For an answer from the cache (revisions.responses): the id of the token's user, if
        active, and the revision counters, by one short statement (no objects made)."""
        row = fetch_one(_active_user_and_revisions_sql(), [key])
        return None if row is None else (row[0], revisions_parse(row[1]))
