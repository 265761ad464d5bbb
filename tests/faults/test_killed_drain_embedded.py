"""The embedded run (filesystem broker, beat inside the worker, as ``scripts/run`` starts it): a
drain killed mid-batch is recovered by the sweep within about a minute.

The filesystem broker never redelivers a job whose worker died (``acks_late`` has no effect
there), so the rows the dead drain held stay "sending" until the sweep puts them back. With
that broker the sweep's beat entry runs every ``TASKS_OUTBOX_SWEEP_SECONDS`` (30 s) and a claim
expires after ``TASKS_OUTBOX_STUCK_SECONDS`` (its live bound + 3 s: here, with EMAIL_TIMEOUT=1,
17 s on PostgreSQL and 37 s on SQLite, whose writers may wait 20 s for its lock). Nothing in
the test moves a clock or shortens a setting: the worker and its schedule are the embedded
defaults."""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from outbox.models import OutboxMessage, OutboxStatus
from tasks.reminders import reminders_plan
from tests.faults.conftest import worker_env
from tests.faults.services import ROOT, Worker, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]

PEOPLE = 20
RECOVERED_WITHIN = 90  # seconds after the kill: at worst a claim's expiry plus one sweep period, and start-up


def _embedded(smtp, var) -> tuple[dict[str, str], dict[str, str]]:
    """The embedded run's environment (its own var/ folder: the broker's folders are there) with
    mail to the tests' SMTP server, and the broker's transport options for this process."""
    env = worker_env(smtp, EMAIL_TIMEOUT=1, VAR_DIR=var, CELERY_BROKER_URL="filesystem://")
    broker = var / "broker"
    options = {
        "data_folder_in": str(broker / "in"),
        "data_folder_out": str(broker / "in"),
        "processed_folder": str(broker / "processed"),
        "control_folder": str(broker / "control"),
        "store_processed": False,
    }
    return env, options


def test_a_drain_killed_mid_batch_is_recovered_by_the_embedded_sweep(overdue_people, smtp, tmp_path):
    overdue_people(PEOPLE)
    assert reminders_plan(day=timezone.localdate()).queued == PEOPLE
    smtp.handler.delay = 0.2  # slow enough to be killed mid-batch (10 per batch)
    env, options = _embedded(smtp, tmp_path / "var")

    worker = Worker(broker="filesystem://", log=tmp_path / "worker1.log", env=env, transport_options=options).start()
    try:
        worker.send("tasks.drain_outbox")
        wait_until(lambda: len(smtp.handler.received) >= 3, timeout=30, what="the first reminders")
        worker.kill()
        killed_at = time.monotonic()
    finally:
        worker.stop()
    held = OutboxMessage.objects.filter(status=OutboxStatus.SENDING).count()
    assert held > 0 and len(smtp.handler.received) < PEOPLE

    # Restarted as scripts/run does: the schedule set up under the embedded settings (a fresh
    # database has it from its migration), then the worker with beat inside.
    PeriodicTask.objects.all().delete()
    subprocess.run(
        [sys.executable, "manage.py", "setup_schedules"], cwd=ROOT, env=worker.env, check=True, capture_output=True
    )
    smtp.handler.delay = 0
    worker = Worker(
        broker="filesystem://",
        log=tmp_path / "worker2.log",
        env=env,
        transport_options=options,
        queue=worker.queue,
        beat=True,
    ).start()
    try:
        wait_until(
            lambda: not OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists(),
            timeout=RECOVERED_WITHIN - (time.monotonic() - killed_at),
            what="every reminder sent",
            step=0.5,
        )
        recovered = time.monotonic() - killed_at
    finally:
        worker.stop()

    assert f"Released {held} outbox messages stuck in sending" in worker.text()
    per_row = Counter(smtp.handler.outbox_ids())
    assert set(per_row) == set(OutboxMessage.objects.values_list("pk", flat=True)), "a reminder was never delivered"
    assert sum(n - 1 for n in per_row.values()) <= 1, per_row  # at most the one in flight when killed
    print(f"proved: a drain killed with {held} rows held was recovered by the embedded sweep {recovered:.0f} s later")
