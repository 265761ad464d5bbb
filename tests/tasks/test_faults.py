"""Faults: the broker unreachable while approving; two workers assigning at once."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection

from lifecycle.kernel import fire
from outbox.models import OutboxMessage
from tasks.assignment import tasks_assign
from tasks.chase import chase_run
from tasks.models import PreparationTask, TaskEvent
from tests.tasks.celery_helpers import new_queue, producer_broker
from tests.tasks.conftest import free_port

MSK = datetime.timezone(datetime.timedelta(hours=3))
APPROVAL = datetime.datetime(2023, 1, 16, 10, 0, tzinfo=MSK)


@pytest.fixture(autouse=True)
def rules(settings):
    settings.TASKS_DUE_DAYS_BEFORE, settings.TASKS_ASSIGN_WINDOW_DAYS = 10, 60


def test_broker_down_the_approval_succeeds_and_the_sweep_assigns(
    seed_plan, secretary, office_head, department_head, django_capture_on_commit_callbacks, caplog
):
    closed = f"redis://127.0.0.1:{free_port()}/0"
    with producer_broker(closed, new_queue()), time_machine.travel(APPROVAL, tick=True):
        for name, by in (("submit", secretary), ("agree", office_head)):
            fire(obj=seed_plan, name=name, by=by)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            decision = fire(obj=seed_plan, name="approve", by=department_head)

    # The assignment was to be queued after the commit (and the approval notices handed to the sender).
    assert [c.func.__name__ for c in callbacks] == ["assignment_enqueue", "outbox_hand_over"]
    assert decision.to_state == "approved" and seed_plan.state == "approved"
    assert "Could not queue the assignment" in caplog.text
    assert not PreparationTask.objects.exists()

    report = chase_run(day=APPROVAL.date(), send=False)  # the daily sweep

    assert report.assigned.created == 3
    assert OutboxMessage.objects.filter(kind="assigned").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_assigning_at_once_create_each_task_once(seed_plan, secretary, office_head, department_head):
    for name, by in (("submit", secretary), ("agree", office_head), ("approve", department_head)):
        fire(obj=seed_plan, name=name, by=by)
    day = datetime.date(2023, 11, 20)  # December: two items, a group of two and a person -> 6 tasks
    start = threading.Barrier(4)
    results, errors = [], []

    def worker():
        try:
            start.wait(timeout=10)
            results.append(tasks_assign(today=day))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sum(r.created for r in results) == PreparationTask.objects.count() == 6
    assert TaskEvent.objects.count() == 6
    assert OutboxMessage.objects.filter(kind="assigned").count() == 3  # one notice per person, once
