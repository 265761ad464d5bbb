"""The number of SQL queries of every list and detail does not grow with the number of items."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lifecycle.kernel import fire
from tests.factories import make_plan
from workflow.models import AgendaItem, Project

# {plan}, {session}, {item}, {project}, {person}, {group} are filled in per world.
ENDPOINTS = [
    "/api/plans/",
    "/api/plans/{plan}/",
    "/api/plans/{plan}/decisions/",
    "/api/sessions/",
    "/api/sessions/{session}/",
    "/api/agenda-items/",
    "/api/agenda-items/?plan={plan}&responsible={person}",
    "/api/agenda-items/{item}/",
    "/api/agenda-items/{item}/decisions/",
    "/api/projects/",
    "/api/projects/{project}/",
    "/api/people/",
    "/api/people/{person}/",
    "/api/groups/",
    "/api/groups/{group}/",
]


def _world(*, items: int, personas, portfolio_group, year: int):
    """A submitted plan of 10 sessions with ``items`` items, nested, each with a person and a group."""
    per_session = items // 10
    plan = make_plan(
        year=year,
        sessions=10,
        items_per_session=per_session,
        responsible=personas["responsible"],
        group=portfolio_group,
    )
    # Nest half of every session's items under its first item, and link projects.
    for session in plan.sessions.all():
        first, *rest = list(session.items.order_by("order"))
        AgendaItem.objects.filter(pk__in=[i.pk for i in rest[: len(rest) // 2]]).update(parent=first)
    project = Project.objects.create(name=f"Проект {year}", kind="network")
    project.leads.add(personas["responsible"], personas["secretary"])
    AgendaItem.objects.filter(plan=plan).update(project=project)
    fire(obj=plan, name="submit", by=personas["secretary"])
    return {
        "plan": plan.pk,
        "session": plan.sessions.first().pk,
        "item": plan.items.first().pk,
        "project": project.pk,
        "person": personas["responsible"].pk,
        "group": portfolio_group.pk,
    }


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:200])
    return len(queries)


@pytest.mark.parametrize("role", ["secretary", "responsible"])
def test_queries_do_not_grow_with_items(api_as, personas, portfolio_group, role):
    client = api_as(personas[role])
    small = _world(items=10, personas=personas, portfolio_group=portfolio_group, year=2030)
    small_counts = {url: _count(client, url.format(**small)) for url in ENDPOINTS}

    # Same shape, fifty times the items; the first world stays, so lists hold both.
    big = _world(items=500, personas=personas, portfolio_group=portfolio_group, year=2031)
    assert AgendaItem.objects.filter(plan_id=big["plan"]).count() == 500
    big_counts = {url: _count(client, url.format(**big)) for url in ENDPOINTS}

    assert big_counts == small_counts
    # And the numbers themselves stay small.
    assert max(big_counts.values()) <= 8, big_counts


def test_plan_detail_holds_all_500_items(api_as, personas, portfolio_group):
    big = _world(items=500, personas=personas, portfolio_group=portfolio_group, year=2031)
    body = api_as(personas["office_head"]).get(f"/api/plans/{big['plan']}/").json()

    def walk(items):
        for item in items:
            yield item
            yield from walk(item["children"])

    items = [item for session in body["sessions"] for item in walk(session["items"])]
    assert len(items) == 500 == body["items_count"]
    # Items of a submitted plan move with it: nothing to fire on them alone.
    assert all(item["available_transitions"] == [] and item["state"] == "submitted" for item in items)
    assert body["available_transitions"] == ["agree", "return"]


def _cold_and_warm(client, url) -> tuple[int, int]:
    """Queries of a GET rendered afresh (the cache emptied) and of the same GET again (from the cache)."""
    from django.conf import settings
    from django.core.cache import caches

    caches[settings.API_CACHE].clear()
    return _count(client, url), _count(client, url)


@pytest.mark.parametrize("role", ["office_head", "responsible"])
def test_cached_answers_cold_and_warm_do_not_grow_with_items_or_tasks(api_as, personas, portfolio_group, role):
    import datetime

    from tasks.models import PreparationTask

    client = api_as(personas[role])
    counts = []
    for year, items in ((2030, 10), (2031, 500)):
        world = _world(items=items, personas=personas, portfolio_group=portfolio_group, year=year)
        PreparationTask.objects.bulk_create(
            PreparationTask(item_id=item_id, session_id=session_id, assignee=personas["responsible"],
                            kind="item_preparation", kind_key="item", title=f"Задача {item_id}",
                            due_date=datetime.date(year, 2, 1))
            for item_id, session_id in AgendaItem.objects.filter(plan_id=world["plan"]).values_list("id", "session_id")
        )
        counts.append({url: _cold_and_warm(client, url) for url in (f"/api/plans/{world['plan']}/", "/api/tasks/")})
    small, big = counts
    assert [cold for cold, _warm in big.values()] == [cold for cold, _warm in small.values()]
    assert max(cold for cold, _warm in big.values()) <= 8, big
    # from the cache: one statement (the token, its user and the revision counters)
    assert {warm for _cold, warm in [*small.values(), *big.values()]} == {1}
