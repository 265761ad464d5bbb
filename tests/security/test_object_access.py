"""Who may read or write which object, tried by id, through every API route and every page.

* Every route under /api/ (found by walking the URL configuration, so a new endpoint is
  covered the day it is added) answers 401 to an anonymous caller and 403/404 to a signed-in
  user without a role — for every method it accepts — except the few public ones listed.
* A responsible person cannot read or change another person's task by its id: not through
  the API, not through the pages (404, as if it did not exist), and nothing changes.
"""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from approvals.models import Decision
from tasks.models import PreparationTask, TaskEvent, TaskState
from tests.security.conftest import page_client, token_client

# Routes anyone may call: the token exchange (it IS the login) and the private calendar feed
# (the unguessable token in its URL is the key).
PUBLIC = {"api/auth/token/", "calendar/<token>.ics"}
# Routes any signed-in user may call, role or not: revoking one's own token, reading the API's
# description and its viewer (which sends an anonymous browser to the login page).
ANY_SIGNED_IN = {"api/auth/logout/", "api/schema/", "api/docs/"}
METHODS = ("get", "post", "put", "patch", "delete")


def _routes(patterns=None, prefix: str = "") -> list[str]:
    """Every URL pattern as a readable route, e.g. ``api/tasks/<pk>/start/``."""
    routes = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        pattern = str(entry.pattern)
        pattern = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", pattern)  # regex groups → <name>
        pattern = re.sub(r"<\w+:(\w+)>", r"<\1>", pattern)  # converters → <name>
        pattern = pattern.lstrip("^").rstrip("$").replace("\\.", ".")
        if isinstance(entry, URLResolver):
            routes += _routes(entry.url_patterns, prefix + pattern)
        elif isinstance(entry, URLPattern):
            routes.append(prefix + pattern)
    return sorted({r for r in routes if "<format>" not in r})


API_ROUTES = [r for r in _routes() if r.startswith("api/") and r not in PUBLIC | ANY_SIGNED_IN]


def _url(route: str, world) -> str:
    ids = {"tasks": world["task"].pk, "plans": world["plan"].pk, "sessions": world["plan"].sessions.get().pk,
           "agenda-items": world["plan"].items.first().pk}
    resource = route.split("/")[1] if route.startswith("api/") else route.split("/")[0]
    return "/" + re.sub(r"<\w+>", str(ids.get(resource, 1)), route)


def test_the_walk_finds_the_api():
    """The route walk itself: if it found nothing, the tests below would prove nothing."""
    assert "api/tasks/<pk>/start/" in API_ROUTES
    assert "api/plans/<pk>/approve/" in API_ROUTES
    assert "api/tasks/<pk>/result/" in API_ROUTES
    assert len(API_ROUTES) > 20


@pytest.mark.parametrize("route", API_ROUTES)
def test_every_api_route_refuses_anonymous_and_roleless_callers(route, people, world):
    url = _url(route, world)
    anonymous, outsider = token_client(None), token_client(people["outsider"])
    before = (Decision.objects.count(), TaskEvent.objects.count())
    for method in METHODS:
        answer = getattr(anonymous, method)(url, {}, format="json")
        assert answer.status_code in (401, 405), (method, url, answer.status_code)
        answer = getattr(outsider, method)(url, {}, format="json")
        assert answer.status_code in (403, 404, 405), (method, url, answer.status_code)
    assert (Decision.objects.count(), TaskEvent.objects.count()) == before


def test_the_api_description_needs_a_login(people):
    anonymous = token_client(None)
    assert anonymous.get("/api/schema/").status_code == 401
    docs = anonymous.get("/api/docs/")
    assert docs.status_code == 302 and docs["Location"].startswith("/accounts/login/?next=/api/docs/")
    signed_in = token_client(people["outsider"])
    assert signed_in.get("/api/schema/").status_code == 200
    browser = page_client(people["outsider"])
    assert browser.get("/api/docs/").status_code == 200


def test_routes_listed_public_are_the_only_ones_open(world):
    """The public list must not silently grow: each entry is a route that exists."""
    assert PUBLIC | ANY_SIGNED_IN <= set(_routes())


# --- Another person's task, by id ---------------------------------------------------------


def _task_snapshot(task: PreparationTask):
    task.refresh_from_db()
    return (task.state, task.result_text, task.result_file.name, task.events.count(), task.due_date)


def test_api_another_persons_task_is_invisible_and_untouchable(people, world):
    mine, theirs = world["task"], world["other_task"]
    client = token_client(people["responsible2"])
    before = _task_snapshot(mine)

    listed = {row["id"] for row in client.get("/api/tasks/").json()["results"]}
    assert listed == {theirs.pk}
    assert client.get(f"/api/tasks/{mine.pk}/").status_code == 404
    for name in ("start", "submit", "accept", "return", "cancel"):
        answer = client.post(f"/api/tasks/{mine.pk}/{name}/", {"comment": "чужая"}, format="json")
        assert answer.status_code == 404, (name, answer.status_code)
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.4 not mine", content_type="application/pdf")
    answer = client.post(f"/api/tasks/{mine.pk}/result/", {"file": upload, "text": "подмена"}, format="multipart")
    assert answer.status_code == 404
    for method in ("put", "patch", "delete"):
        assert getattr(client, method)(f"/api/tasks/{mine.pk}/", {"state": "done"}, format="json").status_code in (
            404, 405)
    assert _task_snapshot(mine) == before
    print("proved: a responsible person can neither read nor change another person's task through the API")


def test_api_staff_who_see_a_task_still_cannot_act_as_its_assignee(people, world):
    """The department head sees every task but may not start or submit someone else's."""
    task = world["task"]
    before = _task_snapshot(task)
    for role in ("department_head", "secretary", "office_head"):
        client = token_client(people[role])
        assert client.get(f"/api/tasks/{task.pk}/").status_code == 200
        assert client.post(f"/api/tasks/{task.pk}/start/", {}, format="json").status_code == 403
        upload = SimpleUploadedFile("x.pdf", b"%PDF-1.4", content_type="application/pdf")
        assert client.post(f"/api/tasks/{task.pk}/result/", {"file": upload}, format="multipart").status_code == 403
    assert _task_snapshot(task) == before


PAGES_ON_A_TASK = [("get", "web:task"), ("get", "web:task-result-file"), ("post", "web:task-result"),
                   ("post", "web:task-transition")]


@pytest.mark.parametrize("role", ["responsible2", "outsider"])
def test_pages_another_persons_task_is_404(role, people, world):
    from django.urls import reverse

    task = world["task"]
    task.result_text = "черновик отчёта"
    task.save(update_fields=["result_text"])
    before = _task_snapshot(task)
    client = page_client(people[role])
    for method, name in PAGES_ON_A_TASK:
        url = reverse(name, args=[task.pk])
        body = {"transition": "start", "text": "подмена", "comment": "x"} if method == "post" else None
        answer = getattr(client, method)(url, body) if body else getattr(client, method)(url)
        assert answer.status_code == 404, (role, name, answer.status_code)
    assert task.result_text not in client.get(reverse("web:tasks")).content.decode()
    assert _task_snapshot(task) == before


def test_pages_need_a_login(world):
    from django.urls import reverse

    client = page_client(None)
    task = world["task"]
    urls = [reverse("web:tasks"), reverse("web:plans"), reverse("web:overdue"), reverse("web:task", args=[task.pk]),
            reverse("web:plan", args=[world["plan"].pk]), reverse("web:task-result-file", args=[task.pk])]
    for url in urls:
        answer = client.get(url)
        assert answer.status_code == 302 and "/accounts/login/" in answer["Location"], (url, answer.status_code)
    for name, pk in (("web:task-transition", task.pk), ("web:task-result", task.pk),
                     ("web:plan-transition", world["plan"].pk)):
        answer = client.post(reverse(name, args=[pk]), {"transition": "start"})
        assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
    assert _task_snapshot(task)[0] == TaskState.ASSIGNED


def test_pages_a_draft_plan_is_404_for_a_responsible_person(people, world):
    from django.urls import reverse

    from tests.factories import make_plan

    draft = make_plan(year=2032, sessions=1, items_per_session=1)
    client = page_client(people["responsible"])
    assert client.get(reverse("web:plan", args=[draft.pk])).status_code == 404
    answer = client.post(reverse("web:plan-transition", args=[draft.pk]), {"transition": "submit"})
    assert answer.status_code == 404
    assert Decision.objects.for_object(draft).count() == 0
