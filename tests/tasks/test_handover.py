"""Handing a task over: who may, with a reason, both names in the history, both people told."""

from __future__ import annotations

import datetime

import pytest

from outbox.models import OutboxMessage
from tasks.exceptions import TaskError
from tasks.handover import task_hand_over
from tasks.models import TaskEvent
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def task(make_task, responsible):
    return make_task(responsible, D(2031, 3, 10))


def test_the_office_head_hands_over_with_a_reason_and_both_are_told(task, office_head, responsible, responsible2):
    event = task_hand_over(task=task, to=responsible2, by=office_head, reason="Отпуск исполнителя")
    assert task.assignee == responsible2 and task.due_date == D(2031, 3, 10)
    assert event.transition == "hand_over" and event.actor == office_head
    assert "Петров П.П." in event.comment and "Смирнова А.В." in event.comment and "Отпуск" in event.comment
    told = OutboxMessage.objects.filter(key=f"handover:{event.pk}")
    assert set(told.values_list("recipient", flat=True)) == {responsible.pk, responsible2.pk}


def test_the_assignee_hands_over_and_the_office_head_is_told(task, office_head, responsible, responsible2):
    event = task_hand_over(task=task, to=responsible2, by=responsible, reason="Не мой проект")
    told = set(OutboxMessage.objects.filter(key=f"handover:{event.pk}").values_list("recipient", flat=True))
    assert told == {responsible2.pk, office_head.pk}  # never about one's own action


def test_refusals(task, office_head, responsible, responsible2, secretary):
    cases = [
        (dict(to=responsible2, by=secretary, reason="x"), 403),
        (dict(to=responsible2, by=office_head, reason="  "), 400),
        (dict(to=responsible, by=office_head, reason="x"), 400),
        (dict(to=responsible2, by=office_head, reason="x", due_date=D(2031, 4, 1)), 400),
    ]
    for kwargs, status in cases:
        with pytest.raises(TaskError) as info:
            task_hand_over(task=task, **kwargs)
        assert info.value.status == status, kwargs
    assert not TaskEvent.objects.filter(transition="hand_over").exists()
    task_hand_over(task=task, to=responsible2, by=office_head, reason="x", due_date=D(2031, 4, 1),
                   due_reason="новый исполнитель")
    assert task.due_date == D(2031, 4, 1)


def test_over_the_api(task, office_head, responsible2):
    response = token_client(office_head).post(
        f"/api/tasks/{task.pk}/hand-over/", {"to": responsible2.pk, "reason": "Отпуск"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["assignee"] == responsible2.pk


def test_on_the_task_page(client, task, office_head, responsible, responsible2):
    from django.urls import reverse

    client.force_login(office_head)
    page = client.get(reverse("web:task", args=[task.pk])).content.decode()
    assert "Передать задачу" in page and 'name="to"' in page
    response = client.post(reverse("web:task-hand-over", args=[task.pk]), {"to": responsible2.pk, "reason": "Отпуск"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.assignee == responsible2
    client.force_login(responsible)  # no longer theirs: the page is not even visible to them
    assert client.get(reverse("web:task", args=[task.pk])).status_code == 404
