"""Helpers for the tests of the API's cached answers (revisions.responses)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext


def get(client, url: str, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return response


def warm(client, url: str) -> dict:
    """GET twice: the second answer comes from the cache, by one statement (the token, its user
    and the revision counters), and is the first one."""
    first = get(client, url).json()
    with CaptureQueriesContext(connection) as queries:
        second = get(client, url)
    assert len(queries) == 1, [query["sql"][:120] for query in queries]
    assert second.json() == first
    return first


def fresh(client, url: str) -> dict:
    """GET now, and check it against the same GET rendered with the cache emptied: what the
    code gives without any cache. A stale cached answer fails here."""
    body = get(client, url).json()
    caches[settings.API_CACHE].clear()
    assert get(client, url).json() == body, "the cached answer is not what the data says now"
    return body
