"""The audit trail no one can edit: decisions (approvals.Decision) and task history
(tasks.TaskEvent) are append-only in the ORM and in the admin, superusers included."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from approvals.models import Decision
from lifecycle.kernel import fire
from tasks.models import TaskEvent
from tests.factories import make_user
from tests.security.conftest import page_client


@pytest.fixture
def superuser(db):
    return make_user("root", role="", is_staff=True, is_superuser=True)


@pytest.fixture
def event(people, world):
    return fire(obj=world["task"], name="start", by=people["responsible"])


@pytest.fixture
def decision(world):
    return Decision.objects.for_object(world["plan"]).order_by("id").first()


@pytest.mark.parametrize("model", [Decision, TaskEvent])
def test_orm_refuses_updates_and_deletes(model, decision, event):
    row = decision if model is Decision else event
    count = model.objects.count()
    row.comment = "переписано задним числом"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        model.objects.filter(pk=row.pk).update(comment="переписано")
    with pytest.raises(PermissionError):
        model.objects.filter(pk=row.pk).delete()
    with pytest.raises(PermissionError):
        model.objects.all().delete()
    row.refresh_from_db()
    assert row.comment != "переписано задним числом" and model.objects.count() == count
    print(f"proved: {model.__name__} rows cannot be updated or deleted through the ORM")


def test_admin_decision_log_is_view_only_for_a_superuser(superuser, decision):
    client = page_client(superuser)
    change = reverse("admin:approvals_decision_change", args=[decision.pk])
    assert client.get(change).status_code == 200  # viewable
    client.post(change, {"comment": "переписано", "actor_name": "Кто-то другой"})
    assert client.get(reverse("admin:approvals_decision_delete", args=[decision.pk])).status_code == 403
    assert client.post(reverse("admin:approvals_decision_delete", args=[decision.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:approvals_decision_add")).status_code == 403
    changelist = client.get(reverse("admin:approvals_decision_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    client.post(reverse("admin:approvals_decision_changelist"),
                {"action": "delete_selected", "_selected_action": [decision.pk], "post": "yes"})
    refreshed = Decision.objects.get(pk=decision.pk)
    assert (refreshed.comment, refreshed.actor_name) == (decision.comment, decision.actor_name)


def test_admin_task_history_has_no_page_of_its_own_and_is_read_only_inline(superuser, event, world):
    with pytest.raises(NoReverseMatch):
        reverse("admin:tasks_taskevent_change", args=[event.pk])
    client = page_client(superuser)
    task = world["task"]
    page = client.get(reverse("admin:tasks_preparationtask_change", args=[task.pk])).content.decode()
    assert "Взять в работу" in page or "start" in page  # the history is shown
    prefix = "events"
    client.post(reverse("admin:tasks_preparationtask_change", args=[task.pk]), {
        "due_date": task.due_date.isoformat(),
        f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "1",
        f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-id": str(event.pk), f"{prefix}-0-task": str(task.pk),
        f"{prefix}-0-comment": "переписано", f"{prefix}-0-actor_name": "Кто-то другой", f"{prefix}-0-DELETE": "on",
    })
    refreshed = TaskEvent.objects.get(pk=event.pk)
    assert (refreshed.comment, refreshed.actor_name) == (event.comment, event.actor_name)


def test_people_in_the_trail_cannot_be_deleted(superuser, decision, event, people):
    client = page_client(superuser)
    for person in (people["department_head"], people["responsible"]):
        client.post(reverse("admin:accounts_user_delete", args=[person.pk]), {"post": "yes"})
        assert type(person).objects.filter(pk=person.pk).exists()
    assert Decision.objects.filter(pk=decision.pk).exists() and TaskEvent.objects.filter(pk=event.pk).exists()


def test_admin_deleting_a_task_would_erase_its_history(superuser, event, world):
    task = world["task"]
    client = page_client(superuser)
    client.post(reverse("admin:tasks_preparationtask_delete", args=[task.pk]), {"post": "yes"})
    assert TaskEvent.objects.filter(pk=event.pk).exists()
