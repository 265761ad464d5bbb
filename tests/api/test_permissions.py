"""Role × endpoint × method: who gets 2xx, 403, 404 or 401.

Visibility (``workflow.visibility``): office staff and the department head see every plan;
a responsible person sees plans past draft (and 404 for drafts, as if they did not exist);
a user without a role gets 403 everywhere; anonymous gets 401 everywhere.
Writing is for office staff; transitions are open to every role and answered by the rules.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from lifecycle.kernel import fire
from tests.factories import make_plan
from workflow.models import Plan, Project

ROLES = ("secretary", "office_head", "department_head", "responsible", "outsider", "anonymous")


@pytest.fixture
def world(personas, portfolio_group, seed_bytes):
    draft = make_plan(year=2030, sessions=1, items_per_session=2, responsible=personas["responsible"])
    submitted = make_plan(year=2031, sessions=1, items_per_session=1, group=portfolio_group)
    fire(obj=submitted, name="submit", by=personas["secretary"])
    project = Project.objects.create(name="Школа — территория здоровья", kind="network")
    return {
        "draft": draft.pk,
        "draft_session": draft.sessions.get().pk,
        "draft_item": draft.items.first().pk,
        "submitted": submitted.pk,
        "submitted_session": submitted.sessions.get().pk,
        "submitted_item": submitted.items.get().pk,
        "project": project.pk,
        "person": personas["responsible"].pk,
        "group": portfolio_group.pk,
        "seed": seed_bytes,
    }


def _statuses(*codes):
    return dict(zip(ROLES, codes, strict=True))


READ = _statuses(200, 200, 200, 200, 403, 401)
READ_DRAFT = _statuses(200, 200, 200, 404, 403, 401)
STAFF_WRITE = lambda ok: _statuses(ok, ok, 403, 403, 403, 401)  # noqa: E731

MATRIX = [
    # reading
    ("get", "/api/plans/", None, READ),
    ("get", "/api/plans/{draft}/", None, READ_DRAFT),
    ("get", "/api/plans/{submitted}/", None, READ),
    ("get", "/api/plans/{draft}/decisions/", None, READ_DRAFT),
    ("get", "/api/plans/{submitted}/decisions/", None, READ),
    ("get", "/api/sessions/", None, READ),
    ("get", "/api/sessions/{draft_session}/", None, READ_DRAFT),
    ("get", "/api/sessions/{submitted_session}/", None, READ),
    ("get", "/api/agenda-items/", None, READ),
    ("get", "/api/agenda-items/{draft_item}/", None, READ_DRAFT),
    ("get", "/api/agenda-items/{submitted_item}/", None, READ),
    ("get", "/api/agenda-items/{submitted_item}/decisions/", None, READ),
    ("get", "/api/projects/", None, READ),
    ("get", "/api/projects/{project}/", None, READ),
    ("get", "/api/people/", None, READ),
    ("get", "/api/people/{person}/", None, READ),
    ("get", "/api/people/me/", None, READ),
    ("get", "/api/groups/", None, READ),
    ("get", "/api/groups/{group}/", None, READ),
    ("get", "/api/plans/999999/", None, _statuses(404, 404, 404, 404, 403, 401)),
    # writing drafts
    ("post", "/api/plans/", {"year": 2040}, STAFF_WRITE(201)),
    ("patch", "/api/plans/{draft}/", {"title": "План на 2030 год (ред.)"}, STAFF_WRITE(200)),
    ("put", "/api/plans/{draft}/", {"year": 2030, "title": "План"}, STAFF_WRITE(200)),
    ("patch", "/api/plans/{submitted}/", {"title": "Нельзя"}, STAFF_WRITE(409)),
    ("delete", "/api/plans/{draft}/", None, STAFF_WRITE(204)),
    ("delete", "/api/plans/{submitted}/", None, STAFF_WRITE(409)),
    ("post", "/api/sessions/", {"plan": "{draft}", "planned_month": "2030-03-01"}, STAFF_WRITE(201)),
    ("post", "/api/sessions/", {"plan": "{submitted}", "planned_month": "2031-03-01"}, STAFF_WRITE(409)),
    ("patch", "/api/sessions/{draft_session}/", {"place": "Зал коллегии"}, STAFF_WRITE(200)),
    ("delete", "/api/sessions/{draft_session}/", None, STAFF_WRITE(204)),
    ("post", "/api/sessions/{draft_session}/schedule/", {"starts_at": "2030-01-20T15:00:00+03:00"}, STAFF_WRITE(200)),
    ("post", "/api/sessions/{submitted_session}/cancel/", {}, STAFF_WRITE(200)),
    ("post", "/api/agenda-items/", {"session": "{draft_session}", "text": "Новая тема"}, STAFF_WRITE(201)),
    ("post", "/api/agenda-items/", {"session": "{submitted_session}", "text": "Новая тема"}, STAFF_WRITE(409)),
    ("patch", "/api/agenda-items/{draft_item}/", {"responsible_groups": ["{group}"]}, STAFF_WRITE(200)),
    ("patch", "/api/agenda-items/{submitted_item}/", {"text": "Нельзя"}, STAFF_WRITE(409)),
    ("delete", "/api/agenda-items/{draft_item}/", None, STAFF_WRITE(204)),
    ("post", "/api/projects/", {"name": "Новый проект", "kind": "city"}, STAFF_WRITE(201)),
    ("patch", "/api/projects/{project}/", {"leads": ["{person}"]}, STAFF_WRITE(200)),
    ("delete", "/api/projects/{project}/", None, STAFF_WRITE(204)),
    ("post", "/api/plans/import/", "seed", STAFF_WRITE(201)),
    # transitions: every role may try, the rules answer
    ("post", "/api/plans/{draft}/submit/", {}, _statuses(200, 200, 403, 404, 403, 401)),
    ("post", "/api/plans/{submitted}/agree/", {}, _statuses(403, 200, 403, 403, 403, 401)),
    ("post", "/api/plans/{submitted}/return/", {"comment": "Доработать"}, _statuses(403, 200, 403, 403, 403, 401)),
    ("post", "/api/plans/{submitted}/approve/", {}, _statuses(403, 403, 409, 403, 403, 401)),
    ("post", "/api/plans/{submitted}/archive/", {}, _statuses(403, 409, 409, 403, 403, 401)),
    ("post", "/api/agenda-items/{draft_item}/submit/", {}, _statuses(409, 409, 403, 404, 403, 401)),
    # read-only resources
    ("post", "/api/people/", {"username": "x"}, _statuses(405, 405, 405, 405, 403, 401)),
    ("delete", "/api/groups/{group}/", None, _statuses(405, 405, 405, 405, 403, 401)),
]


def _fill(value, world):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return world[value[1:-1]]
    if isinstance(value, str):
        return value.format(**world)
    if isinstance(value, list):
        return [_fill(v, world) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
    return value


def _call(client, method, url, body, world):
    if body == "seed":
        upload = SimpleUploadedFile("plan-2023.txt", world["seed"], content_type="text/plain")
        return client.post(url, {"file": upload}, format="multipart")
    return getattr(client, method)(url, _fill(body, world), format="json")


@pytest.mark.parametrize(
    ("method", "url", "body", "expected"),
    MATRIX,
    ids=[f"{m.upper()} {u}" + (f" {b}" if isinstance(b, dict) and b else "") for m, u, b, _ in MATRIX],
)
def test_role_matrix(api_as, personas, world, method, url, body, expected):
    """Each role in turn, each inside a rolled-back savepoint, so all start from the same data."""
    url = _fill(url, world)
    clients = {role: api_as(None if role == "anonymous" else personas[role]) for role in ROLES}
    got = {}
    for role in ROLES:
        with transaction.atomic():
            response = _call(clients[role], method, url, body, world)
            transaction.set_rollback(True)
        got[role] = response.status_code
        if response.status_code >= 400:
            error = response.json()
            assert set(error) <= {"code", "detail", "errors"} and error["code"] and error["detail"], error
    assert got == expected


def test_lists_show_only_what_the_user_sees(api_as, personas, world):
    ids = lambda response: {row["id"] for row in response.json()["results"]}  # noqa: E731
    for role in ("secretary", "office_head", "department_head"):
        assert ids(api_as(personas[role]).get("/api/plans/")) == {world["draft"], world["submitted"]}
    responsible = api_as(personas["responsible"])
    assert ids(responsible.get("/api/plans/")) == {world["submitted"]}
    assert ids(responsible.get("/api/sessions/")) == {world["submitted_session"]}
    assert ids(responsible.get("/api/agenda-items/")) == {world["submitted_item"]}


def test_anonymous_gets_the_error_shape(api_as, world):
    response = api_as(None).get("/api/plans/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.headers["WWW-Authenticate"].startswith("Token")


def test_outsider_is_told_why(api_as, personas, world):
    response = api_as(personas["outsider"]).get("/api/plans/")
    assert response.status_code == 403
    assert response.json() == {
        "code": "forbidden",
        "detail": "У вас нет роли в Проектном офисе: обратитесь к секретарю.",
    }


def test_token_and_session_authentication(client, personas, world):
    from tests.factories import PASSWORD

    bad = client.post("/api/auth/token/", {"username": "secretary", "password": "wrong"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    good = client.post(
        "/api/auth/token/", {"username": "secretary", "password": PASSWORD}, content_type="application/json"
    )
    assert good.status_code == 200
    token = good.json()["token"]
    me = client.get("/api/people/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200 and me.json()["role"] == "secretary"
    assert client.get("/api/people/me/", HTTP_AUTHORIZATION="Token nonsense").status_code == 401
    # Session (browsable API): signed in through Django's login.
    client.force_login(personas["department_head"])
    assert client.get("/api/people/me/").json()["username"] == "department_head"


def test_session_writes_need_csrf(personas, world):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas["secretary"])
    response = browser.post("/api/plans/", {"year": 2041}, content_type="application/json")
    assert response.status_code == 403
    assert not Plan.objects.filter(year=2041).exists()


def test_draft_amendments_are_hidden_from_responsible_persons(api_as, personas, approved_plan):
    from workflow.edit_services import item_create

    session = approved_plan.sessions.order_by("number").first()
    amendment = item_create(by=personas["secretary"], session=session, text="Дополнительный вопрос")
    plan_url = f"/api/plans/{approved_plan.pk}/"

    def item_ids(client):
        body = client.get(plan_url).json()
        return {item["id"] for s in body["sessions"] for item in s["items"]}

    assert amendment.pk in item_ids(api_as(personas["department_head"]))
    responsible = api_as(personas["responsible"])
    assert amendment.pk not in item_ids(responsible)
    assert responsible.get(f"/api/agenda-items/{amendment.pk}/").status_code == 404
    fire(obj=amendment, name="submit", by=personas["secretary"])
    assert amendment.pk in item_ids(responsible)
