"""``POST /api/tasks/{id}/<transition>/`` with a token, as other systems and the bench call it: the
answer is the task as a read right afterwards shows it, refusals leave nothing behind, and one
request costs a fixed, small number of SQL queries whatever the task's history."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Substitution
from lifecycle.kernel import fire
from tasks.models import PreparationTask, TaskEvent
from tasks.transitions import NOTIFY_ASSIGNEE_ON

D = datetime.date
TODAY = datetime.datetime(2031, 3, 12, 10, 0, tzinfo=datetime.UTC)

# One transition request: the token with the user (and whether they stand in for someone today),
# the task locked with its session, assignee and assignment, the state written, the history row,
# the history read for the answer. Under a test's transaction the request's own transaction is a
# savepoint: two more statements (SAVEPOINT, RELEASE) that a server's BEGIN/COMMIT are not.
QUERIES = 5
SAVEPOINT = 2


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(TODAY, tick=False):
        yield


def token_client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _post(client, task, name: str, body: dict | None = None):
    return client.post(f"/api/tasks/{task.pk}/{name}/", body or {}, format="json")


def _answer_is_what_a_read_shows(client, task, response) -> dict:
    assert response.status_code == 200, response.content
    body = response.json()
    assert body == client.get(f"/api/tasks/{task.pk}/").json()
    return body


def test_each_transition_answers_with_the_task_as_read_afterwards(make_task, responsible, office_head):
    late = make_task(responsible, D(2031, 3, 10))  # two days late: is_overdue and days_late move with the state
    mine, head = token_client(responsible), token_client(office_head)

    started = _answer_is_what_a_read_shows(mine, late, _post(mine, late, "start"))
    assert started["state"] == "in_progress" and started["is_overdue"] is True and started["days_late"] == 2
    assert [e["transition"] for e in started["events"]] == ["start"]
    assert started["transitions"] == []  # no result yet: nothing to submit

    PreparationTask.objects.filter(pk=late.pk).update(result_text="Отчёт")
    submitted = _answer_is_what_a_read_shows(mine, late, _post(mine, late, "submit"))
    assert submitted["state"] == "submitted" and submitted["is_overdue"] is False and submitted["days_late"] == 0

    returned = _answer_is_what_a_read_shows(head, late, _post(head, late, "return", {"comment": "Нужны цифры"}))
    assert returned["state"] == "in_progress" and returned["events"][-1]["comment"] == "Нужны цифры"
    assert returned["transitions"] == ["cancel"]  # the office head's actions on a task in progress

    _post(mine, late, "submit")
    accepted = _answer_is_what_a_read_shows(head, late, _post(head, late, "accept"))
    assert accepted["state"] == "done" and accepted["transitions"] == []
    assert [e["transition"] for e in accepted["events"]] == ["start", "submit", "return", "submit", "accept"]

    ahead = make_task(responsible, D(2031, 3, 20))
    cancelled = _answer_is_what_a_read_shows(head, ahead, _post(head, ahead, "cancel", {"comment": "Тема снята"}))
    assert cancelled["state"] == "cancelled" and cancelled["events"][-1]["actor"] == office_head.pk


def test_refusals_write_nothing_and_answer_as_before(make_task, responsible, responsible2, office_head):
    task = make_task(responsible, D(2031, 3, 20))
    mine, other, head = token_client(responsible), token_client(responsible2), token_client(office_head)

    assert _post(other, task, "start").status_code == 404  # not theirs: not even seen
    forbidden = _post(head, task, "start")
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "forbidden"
    assert _post(mine, task, "accept").status_code == 403
    wrong_state = _post(mine, task, "submit")
    assert wrong_state.status_code == 409 and wrong_state.json()["code"] == "invalid_state"
    no_comment = _post(head, task, "cancel", {"comment": "  "})
    assert no_comment.status_code == 400 and no_comment.json()["code"] == "comment_required"
    assert mine.post(f"/api/tasks/{task.pk}/start/?state=done", {}, format="json").status_code == 404  # as get_object
    assert mine.post("/api/tasks/not-a-number/start/", {}, format="json").status_code == 404

    task.refresh_from_db()
    assert task.state == "assigned" and not TaskEvent.objects.filter(task=task).exists()
    # Nothing was left locked or half-done: the same request now succeeds once.
    assert _post(mine, task, "start").status_code == 200
    assert _post(mine, task, "start").json()["code"] == "invalid_state"


def test_a_stand_in_fires_by_token_what_the_replaced_person_may(make_task, responsible, responsible2, office_head):
    task = make_task(responsible, D(2031, 3, 20))
    fire(obj=task, name="start", by=responsible)
    PreparationTask.objects.filter(pk=task.pk).update(result_text="Отчёт")
    fire(obj=PreparationTask.objects.get(pk=task.pk), name="submit", by=responsible)
    stand_in = token_client(responsible2)
    assert _post(stand_in, task, "accept").status_code == 404  # not theirs, and no one's stand-in yet

    Substitution.objects.create(person=responsible2, replaces=office_head, starts_on=D(2031, 3, 1),
                                ends_on=D(2031, 3, 31))
    accepted = _post(stand_in, task, "accept")

    assert accepted.status_code == 200, accepted.content
    event = TaskEvent.objects.filter(task=task).last()
    assert event.actor == responsible2 and event.acting_for == office_head
    assert event.actor_position.startswith("И.о. руководителя Проектного офиса")
    # A replaced person who is no longer active hands on nothing.
    office_head.is_active = False
    office_head.save()
    other = make_task(responsible, D(2031, 3, 20))
    assert _post(stand_in, other, "cancel", {"comment": "Тема снята"}).status_code == 404


def test_one_transition_request_costs_a_fixed_number_of_queries(make_task, responsible, office_head):
    short, long = make_task(responsible, D(2031, 3, 20)), make_task(responsible, D(2031, 3, 20))
    for _ in range(10):  # a long history: the answer carries it, in the same one query
        TaskEvent.objects.create(task=long, transition="reschedule", from_state="assigned", to_state="assigned",
                                 actor_name="Система", comment="Срок перенесён")
    mine = token_client(responsible)

    counts = {}
    for name, task in (("short", short), ("long", long)):
        with CaptureQueriesContext(connection) as queries:
            response = _post(mine, task, "start")
        assert response.status_code == 200, response.content
        counts[name] = [q["sql"] for q in queries.captured_queries]
    assert len(response.json()["events"]) == 11

    assert len(counts["short"]) == len(counts["long"]) == QUERIES + SAVEPOINT, counts["long"]
    statements = [sql.split()[0] for sql in counts["long"]]
    assert statements.count("UPDATE") == 1 and statements.count("INSERT") == 1
    if connection.features.has_select_for_update:
        assert sum("FOR UPDATE" in sql for sql in counts["long"]) == 1  # the row lock is kept
    assert not any("accounts_substitution" in sql and "EXISTS" not in sql for sql in counts["long"])


def test_the_office_heads_decision_and_its_notice_are_one_transaction(make_task, responsible, office_head):
    """A return writes the state, the history row and the assignee's notice together."""
    assert "return" in NOTIFY_ASSIGNEE_ON
    task = make_task(responsible, D(2031, 3, 20))
    fire(obj=task, name="start", by=responsible)
    PreparationTask.objects.filter(pk=task.pk).update(result_text="Отчёт")
    fire(obj=PreparationTask.objects.get(pk=task.pk), name="submit", by=responsible)
    from outbox.models import OutboxMessage

    with transaction.atomic():
        response = _post(token_client(office_head), task, "return", {"comment": "Нужны цифры"})
        event = TaskEvent.objects.filter(task=task).last()
        assert OutboxMessage.objects.filter(key=f"event:{event.pk}", recipient=responsible).exists()
    assert response.status_code == 200 and response.json()["state"] == "in_progress"
