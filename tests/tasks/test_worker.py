"""End to end with a real Celery worker process on Redis and a real SMTP server.

Approve the seed plan → the worker assigns the February tasks and mails the notice → the
clock moves (in this process and in the worker, restarted with its clock moved) → the daily
job sends the digests → a second run the same day sends nothing more.
"""

import datetime

import pytest
import time_machine

from lifecycle.kernel import fire
from outbox.models import MessageKind, OutboxMessage, OutboxStatus
from tasks.jobs import chase_daily
from tasks.models import PreparationTask
from tests.tasks.celery_helpers import REDIS_DB, Worker, new_queue, producer_broker, wait_until

MSK = datetime.timezone(datetime.timedelta(hours=3))
APPROVAL = datetime.datetime(2023, 1, 16, 10, 0, tzinfo=MSK)
THREE_DAYS_LATE = datetime.datetime(2023, 2, 6, 8, 0, tzinfo=MSK)  # due Fri 3 Feb

pytestmark = [pytest.mark.redis, pytest.mark.worker, pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]


@pytest.fixture
def rules(settings):
    settings.TASKS_DUE_DAYS_BEFORE, settings.TASKS_ASSIGN_WINDOW_DAYS = 10, 60


def test_approve_then_chase_through_a_real_worker(
    rules, seed_plan, secretary, office_head, department_head, smtp_server, tmp_path
):
    broker, queue = f"redis://127.0.0.1:6379/{REDIS_DB}", new_queue()
    env = {
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "TASKS_DUE_DAYS_BEFORE": "10",
        "TASKS_ASSIGN_WINDOW_DAYS": "60",
    }
    received = smtp_server.recorder.messages

    with producer_broker(broker, queue):
        worker = Worker(broker=broker, queue=queue, clock=APPROVAL.isoformat(), env=env, log=tmp_path / "w1.log")
        worker.start()
        try:
            with time_machine.travel(APPROVAL, tick=True):
                for name, by in (("submit", secretary), ("agree", office_head), ("approve", department_head)):
                    fire(obj=seed_plan, name=name, by=by)
            # The decisions' notices (tests/notices) are drained too, on commit.
            decisions = OutboxMessage.objects.filter(kind=MessageKind.DECISION).count()
            wait_until(lambda: len(received) == 1 + decisions, what="the assignment notice")
        finally:
            worker.stop()

        assert PreparationTask.objects.count() == 3
        [notice] = [m for m in received if m["Subject"].strip().startswith("Новые задачи")]
        received[:] = [notice]
        assert notice["To"] == office_head.email
        assert notice["Subject"].strip() == "Новые задачи подготовки (3)"
        text = smtp_server.recorder.text(notice)
        assert "Заседание в феврале 2023 г." in text and "03.02.2023" in text
        assert "Театр ПЛЮС" in text and "/tasks/" in text

        # Three days late: the assignee's digest and, the escalation delay reached, the office
        # head's list (here the same person: О.А. Сергеева is both).
        worker = Worker(broker=broker, queue=queue, clock=THREE_DAYS_LATE.isoformat(), env=env, log=tmp_path / "w2.log")
        worker.start()
        try:
            chase_daily.delay()
            wait_until(lambda: len(received) == 3, what="the digests")
            chase_daily.delay()
            worker.wait_for(lambda _: worker.succeeded("tasks.chase_daily") == 2, what="the second daily run")
            worker.wait_for(lambda _: worker.succeeded("tasks.drain_outbox") == 2, what="the second drain")
        finally:
            worker.stop()

    by_subject = {m["Subject"].strip(): m for m in received[1:]}
    digest = by_subject["Просрочены задачи подготовки (3)"]
    escalation = by_subject["Просроченные задачи подготовки: 3 на 06.02.2023"]
    assert digest["To"] == office_head.email
    assert "просрочено на 3 дн." in smtp_server.recorder.text(digest)
    assert "<table" in smtp_server.recorder.html(digest)
    assert "Сергеева О.А.: 3" in smtp_server.recorder.text(escalation)
    assert len(received) == 3  # the second run sent nothing more
    assert OutboxMessage.objects.exclude(kind=MessageKind.DECISION).count() == 3
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
