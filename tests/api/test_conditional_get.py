"""The cached answers (revisions.responses): ETag and 304, each viewer their own body, the short
way (one statement) giving exactly the bytes of the full one, and everything the short way does
not answer left to DRF (another renderer, a bad or revoked token, a deactivated user)."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lifecycle.kernel import fire
from revisions import triggers
from tasks.models import PreparationTask
from tests.api.cached import fresh, get, warm
from tests.factories import make_plan
from workflow.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_url(seed_plan, secretary):
    fire(obj=seed_plan, name="submit", by=secretary)
    return f"/api/plans/{seed_plan.pk}/"


@pytest.fixture
def task_url(responsible):
    plan = make_plan(year=2031)
    item = plan.items.get()
    PreparationTask.objects.create(item=item, session=item.session, assignee=responsible, kind="item_preparation",
                                   kind_key="item", title="Подготовка", due_date=datetime.date(2031, 3, 10))
    return "/api/tasks/"


@pytest.mark.parametrize("which", ["plan_url", "task_url"])
def test_etag_304_until_a_change_then_200_with_the_new_body(which, request, api_as, office_head):
    url = request.getfixturevalue(which)
    client = api_as(office_head)
    first = get(client, url)
    etag = first["ETag"]
    assert etag and first["Cache-Control"] == "private, no-cache"
    for headers in ({"HTTP_IF_NONE_MATCH": etag}, {"HTTP_IF_NONE_MATCH": f'"other", {etag}'},
                    {"HTTP_IF_NONE_MATCH": "*"}):
        with CaptureQueriesContext(connection) as queries:
            not_modified = client.get(url, **headers)
        assert not_modified.status_code == 304 and not_modified.content == b"" and len(queries) == 1
        assert not_modified["ETag"] == etag
    assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    # The body gone from this process's cache: the full cycle (permissions) answers the 304.
    caches[settings.API_CACHE].clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert len(queries) > 1
    # a change: the old ETag gets the new body (and its new ETag)
    office_head.first_name = "Ольга"
    office_head.save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert client.get(url, HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 304


@pytest.mark.parametrize("which", ["plan_url", "task_url"])
def test_each_viewer_gets_their_own_body(which, request, api_as, personas, responsible2, department_head):
    url = request.getfixturevalue(which)
    viewers = [personas["office_head"], personas["secretary"], department_head, personas["responsible"],
               responsible2]
    bodies = {}
    for order in (viewers, viewers[::-1]):  # whoever asks first, the others never get that body
        caches[settings.API_CACHE].clear()
        for viewer in order:
            body = warm(api_as(viewer), url)
            assert bodies.setdefault(viewer.pk, body) == body
        etags = {api_as(viewer).get(url)["ETag"] for viewer in viewers}
        assert len(etags) == len(viewers)
    for viewer in viewers:
        fresh(api_as(viewer), url)
    if which == "plan_url":
        assert bodies[personas["office_head"].pk]["available_transitions"] == ["agree", "return"]
        assert bodies[personas["secretary"].pk]["available_transitions"] == []
    else:
        assert bodies[personas["responsible"].pk]["count"] == 1 and bodies[responsible2.pk]["count"] == 0
        assert bodies[personas["responsible"].pk]["results"][0]["transitions"] == ["start"]
        assert bodies[personas["office_head"].pk]["results"][0]["transitions"] == ["cancel"]


@pytest.mark.parametrize("which", ["plan_url", "task_url"])
def test_the_short_way_gives_the_full_ways_bytes_for_every_json_accept(which, request, api_as, office_head):
    url = request.getfixturevalue(which)
    client = api_as(office_head)
    full = client.get(url, HTTP_ACCEPT="application/json")  # a miss: DRF's whole cycle renders it
    assert full.status_code == 200 and full["Content-Type"] == "application/json"
    for accept in ({"HTTP_ACCEPT": "application/json"}, {"HTTP_ACCEPT": "*/*"}, {}):
        with CaptureQueriesContext(connection) as queries:
            short = client.get(url, **accept)
        assert len(queries) == 1, accept
        assert short.content == full.content and short["ETag"] == full["ETag"]
        for header in ("Content-Type", "Allow", "Vary", "Content-Language"):
            assert short[header] == full[header], header


def test_other_renderers_and_languages_are_not_mixed_up(plan_url, api_as, office_head):
    client = api_as(office_head)
    russian = warm(client, plan_url)
    assert russian["state_display"] == "На согласовании"
    english = client.get(plan_url, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["state_display"] == "Submitted for agreement" and english["ETag"] != client.get(plan_url)["ETag"]
    browsable = client.get(plan_url, HTTP_ACCEPT="text/html")
    assert browsable.status_code == 200 and browsable["Content-Type"].startswith("text/html")
    indented = client.get(plan_url, HTTP_ACCEPT="application/json; indent=2")
    assert indented.content.startswith(b'{\n  "id"') and indented.json() == russian
    assert client.get(f"{plan_url}?format=json").json() == russian
    assert client.get(plan_url).json() == russian


def test_a_session_gets_the_same_cached_body(plan_url, api_as, office_head):
    browser = Client()
    browser.force_login(office_head)  # a login writes the user's row: before the body is cached
    by_token = warm(api_as(office_head), plan_url)
    with CaptureQueriesContext(connection) as queries:
        by_session = browser.get(plan_url, HTTP_ACCEPT="application/json")
    assert by_session.json() == by_token
    assert not any("workflow_agendaitem" in query["sql"] for query in queries)  # from the cache


def test_a_revoked_token_or_a_deactivated_user_is_refused_though_the_body_is_cached(plan_url, api_as, office_head,
                                                                                    secretary):
    client = api_as(office_head)
    warm(client, plan_url)
    office_head.is_active = False
    office_head.save()
    refused = client.get(plan_url)
    assert refused.status_code == 401 and refused.json()["detail"] == "Пользователь неактивен или удален."
    client = api_as(secretary)
    warm(client, plan_url)
    assert client.post("/api/auth/logout/").status_code in (200, 204)
    refused = client.get(plan_url)
    never_was = Client(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567").get(plan_url)
    assert refused.status_code == 401 == never_was.status_code and refused.json() == never_was.json()
    assert Client().get(plan_url).status_code == 401


def test_a_viewer_without_a_role_or_a_plan_they_do_not_see_is_refused(plan_url, api_as, outsider, responsible,
                                                                      secretary):
    assert api_as(outsider).get(plan_url).status_code == 403
    assert api_as(outsider).get(plan_url).status_code == 403
    draft = Plan.objects.create(year=2040, title="Черновик")
    assert api_as(secretary).get(f"/api/plans/{draft.pk}/").status_code == 200
    for _ in range(2):  # a refusal is never cached, nor answered from another viewer's body
        assert api_as(responsible).get(f"/api/plans/{draft.pk}/").status_code == 404  # drafts: the office's


def test_without_the_triggers_nothing_is_cached(plan_url, api_as, office_head):
    client = api_as(office_head)
    (table, name), *_rest = sorted(triggers._expected(connection))
    suffix = f" ON {connection.ops.quote_name(table)}" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}{suffix}")
    triggers.forget()
    try:
        get(client, plan_url)
        with CaptureQueriesContext(connection) as queries:
            response = get(client, plan_url)
        assert len(queries) > 1 and "ETag" not in response
    finally:
        triggers.install()
        triggers.forget()
    warm(client, plan_url)
