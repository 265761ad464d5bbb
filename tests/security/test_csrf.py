"""CSRF on the pages: a signed-in browser session cannot be made to post from another site.

Every POST route of the pages and of the admin, and the API when called with the session
cookie (not a token), refuses a request without the CSRF token (403) and changes nothing;
the same request with the token goes through (so the refusal is about CSRF, not the role)."""

from __future__ import annotations

import re

from django.urls import reverse

from approvals.models import Decision
from tasks.models import TaskEvent
from tests.factories import make_plan
from tests.security.conftest import page_client


def _token(client, url: str) -> str:
    client.get(url)
    return client.cookies["csrftoken"].value


def _snapshot():
    return Decision.objects.count(), TaskEvent.objects.count()


def test_page_posts_without_the_token_are_403(people, world):
    task, plan = world["task"], world["plan"]
    client = page_client(people["responsible"], enforce_csrf_checks=True)
    before = _snapshot()
    posts = [
        (reverse("web:task-transition", args=[task.pk]), {"transition": "start"}),
        (reverse("web:task-result", args=[task.pk]), {"text": "подмена"}),
        (reverse("web:plan-transition", args=[plan.pk]), {"transition": "archive"}),
        (reverse("logout"), {}),
        (reverse("password_change"), {"old_password": "x", "new_password1": "Qwerty-12345!",
                                      "new_password2": "Qwerty-12345!"}),
    ]
    for url, body in posts:
        answer = client.post(url, body)
        assert answer.status_code == 403, (url, answer.status_code)
    assert _snapshot() == before
    task.refresh_from_db()
    assert task.state == "assigned" and task.result_text == ""
    # With the token the same transition goes through.
    token = _token(client, reverse("web:task", args=[task.pk]))
    answer = client.post(reverse("web:task-transition", args=[task.pk]), {"transition": "start",
                                                                          "csrfmiddlewaretoken": token})
    assert answer.status_code == 302
    task.refresh_from_db()
    assert task.state == "in_progress"
    print("proved: page POSTs without a CSRF token are 403 and change nothing; with it they work")


def test_login_form_without_the_token_is_403(people):
    client = page_client(None, enforce_csrf_checks=True)
    for url in (reverse("login"), "/admin/login/"):
        answer = client.post(url, {"username": "office_head", "password": "test-Passw0rd!"})
        assert answer.status_code == 403
    assert "_auth_user_id" not in client.session


def test_admin_transition_without_the_token_is_403(people):
    plan = make_plan(year=2035, sessions=1, items_per_session=1)
    office_head = people["office_head"]
    office_head.is_staff = True
    office_head.save(update_fields=["is_staff"])
    from django.contrib.auth.models import Permission

    office_head.user_permissions.add(*Permission.objects.filter(content_type__app_label="workflow"))
    client = page_client(office_head, enforce_csrf_checks=True)
    url = reverse("admin:workflow_plan_transition", args=[plan.pk])
    assert client.post(url, {"transition": "submit"}).status_code == 403
    plan.refresh_from_db()
    assert plan.state == "draft" and not Decision.objects.for_object(plan).exists()
    page = client.get(reverse("admin:workflow_plan_change", args=[plan.pk])).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post(url, {"transition": "submit", "csrfmiddlewaretoken": token}).status_code == 302
    plan.refresh_from_db()
    assert plan.state == "submitted"


def test_api_with_the_session_cookie_needs_the_token(people, world):
    """DRF's SessionAuthentication enforces CSRF: a cross-site form cannot fire an API action."""
    task = world["task"]
    client = page_client(people["responsible"], enforce_csrf_checks=True)
    answer = client.post(f"/api/tasks/{task.pk}/start/", {}, content_type="application/json")
    assert answer.status_code == 403
    assert "CSRF" in answer.json()["detail"]
    task.refresh_from_db()
    assert task.state == "assigned"
    token = _token(client, reverse("web:tasks"))
    answer = client.post(f"/api/tasks/{task.pk}/start/", {}, content_type="application/json",
                         headers={"X-CSRFToken": token})
    assert answer.status_code == 200
