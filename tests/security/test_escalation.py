"""Role escalation and mass assignment: a role firing another role's transition, and a
client writing ``state``, ``assignee`` or ``actor`` into a body. Each attempt is refused or
ignored, and the decision log and task history stay as they were."""

from __future__ import annotations

import pytest
from django.urls import reverse

from approvals.models import ApprovalState, Decision
from lifecycle.kernel import fire
from tasks.models import TaskEvent, TaskState
from tests.factories import make_plan
from tests.security.conftest import page_client, token_client


@pytest.fixture
def agreed(people):
    plan = make_plan(year=2033, sessions=1, items_per_session=1)
    fire(obj=plan, name="submit", by=people["secretary"])
    fire(obj=plan, name="agree", by=people["office_head"])
    return plan


@pytest.fixture
def submitted(people):
    plan = make_plan(year=2034, sessions=1, items_per_session=1)
    fire(obj=plan, name="submit", by=people["secretary"])
    return plan


ESCALATIONS = [
    # (who, transition, plan fixture, why it must fail)
    ("responsible", "approve", "agreed", "a responsible person approving"),
    ("secretary", "approve", "agreed", "the secretary approving"),
    ("office_head", "approve", "agreed", "the office head approving instead of the department head"),
    ("secretary", "agree", "submitted", "the secretary agreeing"),
    ("responsible", "agree", "submitted", "a responsible person agreeing"),
    ("department_head", "agree", "submitted", "the department head agreeing instead of the office head"),
    ("responsible", "return", "submitted", "a responsible person returning"),
    ("secretary", "return", "agreed", "the secretary returning an agreed plan"),
]


@pytest.mark.parametrize(("role", "name", "which", "why"), ESCALATIONS, ids=[e[3] for e in ESCALATIONS])
def test_api_role_escalation_is_refused(role, name, which, why, people, request):
    plan = request.getfixturevalue(which)
    state, decisions = plan.state, Decision.objects.count()
    answer = token_client(people[role]).post(f"/api/plans/{plan.pk}/{name}/", {"comment": "попытка"}, format="json")
    assert answer.status_code == 403, (why, answer.status_code, answer.content[:200])
    assert answer.json()["code"] == "forbidden"
    plan.refresh_from_db()
    assert (plan.state, Decision.objects.count()) == (state, decisions)


@pytest.mark.parametrize(("role", "name", "which", "why"), ESCALATIONS[:4], ids=[e[3] for e in ESCALATIONS[:4]])
def test_pages_role_escalation_is_refused(role, name, which, why, people, request):
    plan = request.getfixturevalue(which)
    state, decisions = plan.state, Decision.objects.count()
    answer = page_client(people[role]).post(reverse("web:plan-transition", args=[plan.pk]),
                                            {"transition": name, "comment": "попытка"})
    assert answer.status_code in (403, 404), (why, answer.status_code)
    plan.refresh_from_db()
    assert (plan.state, Decision.objects.count()) == (state, decisions)


def test_task_escalation_the_assignee_cannot_accept_or_cancel_their_own_task(people, world):
    task = world["task"]
    client = token_client(people["responsible"])
    assert client.post(f"/api/tasks/{task.pk}/start/", {}, format="json").status_code == 200
    client.post(f"/api/tasks/{task.pk}/result/", {"text": "Отчёт готов"}, format="multipart")
    assert client.post(f"/api/tasks/{task.pk}/submit/", {}, format="json").status_code == 200
    events = TaskEvent.objects.count()
    for name in ("accept", "return", "cancel"):
        answer = client.post(f"/api/tasks/{task.pk}/{name}/", {"comment": "сам себе"}, format="json")
        assert answer.status_code == 403, (name, answer.status_code)
    for role in ("secretary", "department_head"):  # they see it, but accepting is the office head's
        answer = token_client(people[role]).post(f"/api/tasks/{task.pk}/accept/", {}, format="json")
        assert answer.status_code == 403
    task.refresh_from_db()
    assert task.state == TaskState.SUBMITTED and TaskEvent.objects.count() == events


# --- Mass assignment ----------------------------------------------------------------------


def test_plan_state_cannot_be_written_through_the_body(people):
    client = token_client(people["secretary"])
    created = client.post("/api/plans/", {"year": 2040, "title": "План", "state": "approved"}, format="json")
    assert created.status_code == 201 and created.json()["state"] == ApprovalState.DRAFT
    pk = created.json()["id"]
    for method in ("patch", "put"):
        answer = getattr(client, method)(f"/api/plans/{pk}/", {"year": 2040, "title": "План", "state": "approved"},
                                         format="json")
        assert answer.status_code in (200, 400)
        assert answer.status_code == 400 or answer.json()["state"] == ApprovalState.DRAFT
    from workflow.models import Plan

    assert Plan.objects.get(pk=pk).state == ApprovalState.DRAFT
    assert not Decision.objects.filter(object_id=pk).exists()


def test_item_and_session_state_cannot_be_written_through_the_body(people):
    plan = make_plan(year=2041, sessions=1, items_per_session=1)
    item, session = plan.items.get(), plan.sessions.get()
    client = token_client(people["secretary"])
    client.patch(f"/api/agenda-items/{item.pk}/", {"state": "approved", "text": "Тема"}, format="json")
    client.patch(f"/api/sessions/{session.pk}/", {"state": "held", "place": "Зал"}, format="json")
    item.refresh_from_db()
    session.refresh_from_db()
    assert item.state == ApprovalState.DRAFT
    assert session.state == "planned"


def test_task_fields_cannot_be_written_by_anyone(people, world):
    """Tasks are read-only resources: state, assignee and history change only by actions."""
    task = world["task"]
    body = {"state": "done", "assignee": people["responsible2"].pk, "due_date": "2099-01-01",
            "events": [{"transition": "accept", "actor": people["office_head"].pk}]}
    for role in ("office_head", "responsible"):
        client = token_client(people[role])
        for method in ("put", "patch"):
            assert getattr(client, method)(f"/api/tasks/{task.pk}/", body, format="json").status_code == 405
        # Extra fields on an action body are ignored, not applied.
        client.post(f"/api/tasks/{task.pk}/start/", {"comment": "", **body}, format="json")
    task.refresh_from_db()
    assert task.assignee == people["responsible"]
    assert str(task.due_date) != "2099-01-01"
    assert task.state in (TaskState.ASSIGNED, TaskState.IN_PROGRESS)
    assert not TaskEvent.objects.filter(task=task, transition="accept").exists()
    event = TaskEvent.objects.filter(task=task).order_by("-id").first()
    assert event is None or event.actor in (None, people["responsible"])


def test_decision_actor_cannot_be_chosen_by_the_caller(people, submitted):
    """The actor of a decision is the signed-in user, whatever the body says."""
    client = token_client(people["office_head"])
    answer = client.post(f"/api/plans/{submitted.pk}/agree/",
                         {"comment": "", "actor": people["department_head"].pk, "actor_name": "Лебедева Л.М.",
                          "to_state": "approved"}, format="json")
    assert answer.status_code == 200
    decision = Decision.objects.for_object(submitted).order_by("-id").first()
    assert decision.actor == people["office_head"] and decision.to_state == ApprovalState.AGREED
    assert decision.actor_name == people["office_head"].full_name


def test_profile_role_cannot_be_raised_through_the_api(people):
    client = token_client(people["responsible"])
    me = people["responsible"]
    for method in ("put", "patch"):
        answer = getattr(client, method)(f"/api/people/{me.pk}/", {"role": "department_head"}, format="json")
        assert answer.status_code == 405
        answer = getattr(client, method)("/api/people/me/", {"role": "department_head"}, format="json")
        assert answer.status_code == 405
    me.refresh_from_db()
    assert me.role == "responsible"
