"""A Celery worker SIGKILLed in the middle of sending a batch of reminders.

The sender marks a row sent right after the SMTP server accepted it, so a kill leaves at
most the one message in flight (accepted, not yet marked) to be sent again: that is the
documented at-least-once window — at most one duplicate per killed sender. The rows the dead
worker held stay "sending" until ``outbox_release_stuck`` puts them back, once their claim is
older than TASKS_OUTBOX_STUCK_SECONDS (15 minutes with Redis): the second worker's clock is
16 minutes on, so its sweep finds them so; it sends them."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.utils import timezone

from outbox.models import OutboxMessage, OutboxStatus
from tasks.reminders import reminders_plan
from tests.faults.conftest import worker_env
from tests.faults.services import Worker, wait_until

pytestmark = [pytest.mark.redis, pytest.mark.worker, pytest.mark.django_db(transaction=True), pytest.mark.timeout(90)]

PEOPLE = 30


def test_worker_killed_mid_batch_every_reminder_delivered_once(overdue_people, smtp, redis_server, tmp_path):
    overdue_people(PEOPLE)
    plan = reminders_plan(day=timezone.localdate())
    assert plan.queued == PEOPLE
    smtp.handler.delay = 0.15  # slow enough to be killed mid-batch (10 per batch)
    env = worker_env(smtp)

    worker = Worker(broker=redis_server.url, log=tmp_path / "worker1.log", env=env).start()
    try:
        worker.send("tasks.drain_outbox")
        wait_until(lambda: len(smtp.handler.received) >= 4, timeout=20, what="the first reminders")
        worker.kill()
    finally:
        worker.stop()
    delivered_before = len(smtp.handler.received)
    statuses = Counter(OutboxMessage.objects.values_list("status", flat=True))
    assert delivered_before < PEOPLE and statuses[OutboxStatus.SENDING] > 0, (delivered_before, statuses)

    # A new worker, past the stuck threshold; the periodic sweep (drain_outbox) releases what
    # the dead one held.
    later = (timezone.now() + datetime.timedelta(minutes=16)).isoformat()
    worker = Worker(broker=redis_server.url, log=tmp_path / "worker2.log", env=env, clock=later).start()
    try:
        smtp.handler.delay = 0
        worker.send("tasks.drain_outbox")
        wait_until(lambda: not OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists(), timeout=30,
                   what="every reminder sent")
    finally:
        worker.stop()

    per_row = Counter(smtp.handler.outbox_ids())
    rows = set(OutboxMessage.objects.values_list("pk", flat=True))
    assert set(per_row) == rows, "a reminder was never delivered"
    duplicates = {pk: n for pk, n in per_row.items() if n > 1}
    assert sum(n - 1 for n in duplicates.values()) <= 1, duplicates
    assert all(n <= 2 for n in per_row.values())
    print(f"proved: worker SIGKILLed after {delivered_before}/{PEOPLE} reminders ({statuses[OutboxStatus.SENDING]} "
          f"rows held); after restart all {PEOPLE} delivered, {len(duplicates)} duplicate(s) (window: at most 1)")
