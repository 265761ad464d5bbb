"""Redis restarted during a reminder sweep (our own redis-server, never the shared one).

While a worker drains the outbox, Redis is killed (no persistence: its queue is lost) and
started again on the same port. Meanwhile the web side keeps working: approving a plan
answers at once (the assignment job cannot be queued; it is logged, not raised), and the
day's sweep writes its reminders to the outbox in PostgreSQL/SQLite, not in Redis. Once Redis
is back, the worker reconnects by itself and the next periodic sweep delivers every reminder,
none twice."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from django.utils import timezone

from config.celery import app
from lifecycle.kernel import fire
from outbox.models import OutboxMessage, OutboxStatus
from tasks.reminders import reminders_plan
from tests.factories import make_plan
from tests.faults.conftest import worker_env
from tests.faults.services import Worker, wait_until

pytestmark = [pytest.mark.redis, pytest.mark.worker, pytest.mark.django_db(transaction=True), pytest.mark.timeout(90)]

PEOPLE = 24


@pytest.fixture
def producer_on(redis_server):
    """Point this process's Celery producer at our Redis (caches dropped on the way in and out)."""
    conf = app.conf
    saved = (conf.broker_url, conf.broker_transport_options, conf.broker_connection_timeout)

    def reset():
        app._pool = None
        app.__dict__.pop("amqp", None)

    conf.broker_url = redis_server.url
    conf.broker_transport_options = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
    conf.broker_connection_timeout = 2
    reset()
    yield
    try:
        app.pool.force_close_all()
    except Exception:  # noqa: BLE001 - the pool may hold dead connections
        pass
    conf.broker_url, conf.broker_transport_options, conf.broker_connection_timeout = saved
    reset()


def test_redis_restarted_during_a_sweep(overdue_people, smtp, redis_server, producer_on, people_for_approval,
                                        tmp_path):
    overdue_people(PEOPLE)
    smtp.handler.delay = 0.1
    worker = Worker(broker=redis_server.url, log=tmp_path / "worker.log", env=worker_env(smtp)).start()
    try:
        reminders_plan(day=timezone.localdate())
        worker.send("tasks.drain_outbox")
        wait_until(lambda: len(smtp.handler.received) >= 3, timeout=20, what="the sweep to start sending")

        redis_server.stop()  # Redis dies mid-sweep; its queue is gone
        plan = people_for_approval["plan"]
        started = time.monotonic()
        for name, by in (("submit", "secretary"), ("agree", "office_head"), ("approve", "department_head")):
            fire(obj=plan, name=name, by=people_for_approval[by])
        approval_seconds = time.monotonic() - started
        plan.refresh_from_db()
        assert plan.state == "approved" and approval_seconds < 10, approval_seconds
        with pytest.raises(Exception):  # noqa: B017 - whatever the client raises, it raises fast
            worker.send("tasks.drain_outbox")

        redis_server.start()  # same port, empty
        wait_until(lambda: worker.text().count("Connected to redis") >= 2, timeout=30,
                   what="the worker to reconnect")
        worker.send("tasks.drain_outbox")  # the next periodic sweep
        wait_until(lambda: not OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists(), timeout=30,
                   what="every reminder sent")
    finally:
        worker.stop()

    per_row = Counter(smtp.handler.outbox_ids())
    assert set(per_row) == set(OutboxMessage.objects.values_list("pk", flat=True))
    assert max(per_row.values()) == 1, per_row
    print(f"proved: Redis killed mid-sweep; approval still took {approval_seconds:.2f} s; after restart the worker "
          f"reconnected and all {PEOPLE} reminders were delivered exactly once")


@pytest.fixture
def people_for_approval(personas):
    return {**personas, "plan": make_plan(year=2036, sessions=1, items_per_session=1)}
