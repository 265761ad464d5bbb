"""A change notice goes out when the change commits, not at the next sweep; a broker that is down
does not fail the change.

The office head returns one report and cancels another task over the API. Each request writes
its notice to the outbox and, once committed, hands it to the sender: a real Celery worker
(on a redis-server of the test's own) drains those rows to the real SMTP server. Nobody runs a
sweep (no beat, no ``tasks.drain_outbox`` sent by the test). With the broker down the request
still answers 200, the failure is logged and the notice waits, pending, for the sweep."""

from __future__ import annotations

import datetime
import time

import pytest

from outbox.models import MessageKind, OutboxMessage, OutboxStatus
from tasks.models import TaskState
from tests.faults.conftest import worker_env
from tests.faults.services import Worker, free_port, wait_until
from tests.security.conftest import token_client
from tests.tasks.celery_helpers import new_queue, producer_broker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(90)]

DUE = datetime.date(2041, 3, 10)


@pytest.fixture
def submitted(make_task, responsible, responsible2):
    return (
        make_task(responsible, DUE, state=TaskState.SUBMITTED),
        make_task(responsible2, DUE, state=TaskState.SUBMITTED),
    )


def _notice(task) -> OutboxMessage:
    return OutboxMessage.objects.get(kind=MessageKind.CHANGED, recipient_id=task.assignee_id)


@pytest.mark.redis
@pytest.mark.worker
def test_a_return_and_a_cancel_reach_the_reader_without_a_sweep(submitted, office_head, smtp, redis_server, tmp_path):
    returned, cancelled = submitted
    head = token_client(office_head)
    worker = Worker(broker=redis_server.url, log=tmp_path / "worker.log", env=worker_env(smtp)).start()
    try:
        with producer_broker(redis_server.url, worker.queue):
            answer = head.post(f"/api/tasks/{returned.pk}/return/", {"comment": "Нужны цифры"}, format="json")
            assert answer.status_code == 200, answer.content
            wait_until(lambda: len(smtp.handler.received) == 1, timeout=20, what="the return notice")

            answer = head.post(f"/api/tasks/{cancelled.pk}/cancel/", {"comment": "Тема снята"}, format="json")
            assert answer.status_code == 200, answer.content
            wait_until(lambda: len(smtp.handler.received) == 2, timeout=20, what="the cancel notice")
    finally:
        worker.stop()

    first, second = smtp.handler.received
    assert (first["To"], second["To"]) == (returned.assignee.email, cancelled.assignee.email)
    assert first["Subject"].strip().startswith("Результат возвращён на доработку: ")
    assert second["Subject"].strip().startswith("Задача подготовки отменена: ")
    assert smtp.handler.outbox_ids() == [_notice(returned).pk, _notice(cancelled).pk]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
    log = worker.text()
    assert log.count("Task tasks.drain_outbox[") == 4  # two received, two succeeded: one drain each
    assert "Released" not in log  # no sweep ran
    print("proved: a return and a cancel, each handed to the worker on commit, delivered without any sweep")


def test_a_broker_that_is_down_does_not_fail_the_return(submitted, office_head, caplog):
    returned, _cancelled = submitted
    closed = f"redis://127.0.0.1:{free_port()}/0"

    with producer_broker(closed, new_queue()):
        started = time.monotonic()
        answer = token_client(office_head).post(
            f"/api/tasks/{returned.pk}/return/", {"comment": "Нужны цифры"}, format="json"
        )
        seconds = time.monotonic() - started

    assert answer.status_code == 200 and seconds < 10, (answer.status_code, seconds)
    returned.refresh_from_db()
    assert returned.state == TaskState.IN_PROGRESS
    assert _notice(returned).status == OutboxStatus.PENDING  # waits for the sweep
    assert "Could not hand 1 outbox messages to the sender; the sweep will send them" in caplog.text
