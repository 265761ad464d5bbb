"""Sessions change state through the kernel too: every change has a history row naming the
person, and what it does to the session's tasks names that person as well."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from accounts.admin import grant_admin_permissions
from lifecycle.kernel import fire
from tasks.assignment import tasks_assign
from tasks.models import PreparationTask, TaskEvent
from tests.api.conftest import token_client
from workflow.models import SessionEvent

pytestmark = pytest.mark.django_db


def test_postpone_and_cancel_over_the_api_write_history_naming_the_person(approved_plan, secretary):
    tasks_assign(today=datetime.date(2023, 1, 16))
    february = approved_plan.sessions.get(number=1)
    assert PreparationTask.objects.filter(session=february).exists()
    client = token_client(secretary)

    moved = client.post(f"/api/sessions/{february.pk}/postpone/", {"planned_month": "2023-03-01"}, format="json")
    assert moved.status_code == 200, moved.json()
    called_off = client.post(f"/api/sessions/{february.pk}/cancel/", {}, format="json")
    assert called_off.status_code == 200, called_off.json()

    rows = list(SessionEvent.objects.filter(session=february).order_by("id"))
    assert [(r.transition, r.from_state, r.to_state, r.actor_id) for r in rows] == [
        ("postpone", "planned", "postponed", secretary.pk),
        ("cancel", "postponed", "cancelled", secretary.pk),
    ]
    assert rows[0].details == {"planned_month": "2023-03-01", "starts_at": None}
    assert rows[0].actor_position == secretary.position_label
    task_rows = TaskEvent.objects.filter(task__session=february, transition__in=("reschedule", "cancel"))
    assert task_rows.exists()
    assert set(task_rows.values_list("actor", flat=True)) == {secretary.pk}


def test_cancel_in_the_admin_writes_history_naming_the_person(approved_plan, office_head, client):
    tasks_assign(today=datetime.date(2023, 1, 16))
    february = approved_plan.sessions.get(number=1)
    grant_admin_permissions(office_head)
    client.force_login(office_head)
    url = reverse("admin:workflow_session_transition", args=[february.pk])
    response = client.post(url, {"transition": "cancel"})
    assert response.status_code == 302
    row = SessionEvent.objects.get(session=february)
    assert (row.transition, row.actor, row.actor_name) == ("cancel", office_head, office_head.record_name)
    cancelled = TaskEvent.objects.filter(task__session=february, transition="cancel")
    assert cancelled.count() == PreparationTask.objects.filter(session=february).count() > 0
    assert set(cancelled.values_list("actor_name", flat=True)) == {office_head.record_name}


def test_a_refused_session_change_writes_nothing(approved_plan, responsible, department_head):
    february = approved_plan.sessions.get(number=1)
    for user in (responsible, department_head):
        with pytest.raises(Exception):  # noqa: B017 - the kind is checked in tests/workflow
            fire(obj=february, name="hold", by=user)
    assert not SessionEvent.objects.exists()
