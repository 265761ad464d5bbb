"""Benchmark (not a test): planning a day's reminders and sending them.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/po_bench .venv/bin/python bench/chase.py
    (or DATABASE_URL=sqlite:////tmp/bench.sqlite3). The database is migrated and its tasks tables
    emptied, so it refuses a database whose name does not contain «bench». ``make bench-chase``.

Builds 100,000 open tasks across 2,000 people (10% overdue, the rest due over the next four
months), then times ``reminders_plan`` for today and counts its SQL queries, and measures the
sending rate to a local aiosmtpd sink with one SMTP connection per batch versus one per message.
"""

from __future__ import annotations

import datetime
import logging
import os
import random
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# As in production: DEBUG off (cached templates, no query log).
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # production refuses a weak one

import django  # noqa: E402

django.setup()
logging.getLogger("mail.log").setLevel(logging.ERROR)
logging.getLogger("tasks").setLevel(logging.WARNING)

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from outbox.models import MessageKind, OutboxMessage, OutboxStatus  # noqa: E402
from outbox.sender import outbox_drain  # noqa: E402
from outbox.services import outbox_message_build, outbox_messages_add  # noqa: E402
from tasks.models import PreparationTask, ReminderPolicy  # noqa: E402
from tasks.notices import email_template, task_url  # noqa: E402
from tasks.reminders import reminders_plan  # noqa: E402
from workflow.models import AgendaItem, Plan, Session  # noqa: E402

PEOPLE = int(os.environ.get("BENCH_PEOPLE", 2_000))
TASKS = int(os.environ.get("BENCH_TASKS", 100_000))
OVERDUE_SHARE = 0.10
SEND_REUSE, SEND_SINGLE = 2_000, 300


def build(today: datetime.date) -> None:
    PreparationTask.objects.all().delete()
    OutboxMessage.objects.all().delete()
    User.objects.filter(username__startswith="bench-").delete()
    Plan.objects.filter(year=2099).delete()
    users = User.objects.bulk_create(
        User(
            username=f"bench-{n}",
            email=f"bench-{n}@example.test",
            short_name=f"Исполнитель{n} И.И.",
            role=Role.RESPONSIBLE,
        )
        for n in range(PEOPLE)
    )
    User.objects.get_or_create(
        username="bench-head", defaults={"role": Role.OFFICE_HEAD, "email": "bench-head@example.test"}
    )
    plan = Plan.objects.create(year=2099, title="Бенчмарк")
    session = Session.objects.create(plan=plan, number=1, planned_month=today.replace(day=1))
    item = AgendaItem.objects.create(plan=plan, session=session, text="Тема")
    rng = random.Random(7)
    rows = []
    for n in range(TASKS):
        late = n < TASKS * OVERDUE_SHARE
        due = (
            today - datetime.timedelta(days=rng.randint(1, 30))
            if late
            else today + datetime.timedelta(days=rng.randint(0, 120))
        )
        rows.append(
            PreparationTask(
                item=item,
                session=session,
                assignee=users[n % PEOPLE],
                kind="item_preparation",
                kind_key=f"bench:{n}",
                title=f"Подготовка вопроса № {n}",
                due_date=due,
            )
        )
    PreparationTask.objects.bulk_create(rows, batch_size=5_000)


def send_rate(count: int, *, reuse: bool, port: int) -> float:
    OutboxMessage.objects.all().delete()
    user = User.objects.get(username="bench-0")
    task = PreparationTask.objects.filter(assignee=user).select_related("session").first()
    entry = {"task": task, "url": task_url(task.pk), "days_late": 3, "days_left": 0}
    context = {"person": user, "day": datetime.date(2099, 1, 1), "overdue": [entry], "today": [], "soon": []}
    outbox_messages_add(
        messages=[
            outbox_message_build(
                recipient=user,
                kind=MessageKind.REMINDER,
                day=datetime.date(2099, 1, 1),
                key=str(n),
                template=email_template("reminder"),
                context=context,
            )
            for n in range(count)
        ]
    )
    started = time.perf_counter()
    result = outbox_drain(batch_size=100, reuse_connection=reuse)
    elapsed = time.perf_counter() - started
    assert result.sent == count, result
    assert not OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists()
    return count / elapsed


def main() -> None:
    name = str(settings.DATABASES["default"]["NAME"])
    if "bench" not in name:
        sys.exit(
            f"bench/chase.py empties the tasks tables of its database; «{name}» is not a bench database. "
            "Point DATABASE_URL at one whose name contains «bench» (make bench-chase does)."
        )
    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    print(
        f"database: {connection.vendor}; building {TASKS:,} tasks for {PEOPLE:,} people ({OVERDUE_SHARE:.0%} overdue)…"
    )
    started = time.perf_counter()
    build(today)
    print(f"  built in {time.perf_counter() - started:.1f} s")
    ReminderPolicy.current()

    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        plan = reminders_plan(day=today)
        elapsed = time.perf_counter() - started
    if os.environ.get("BENCH_SHOW_SQL"):
        for query in queries.captured_queries[:8]:
            print("   ", query["sql"][:300])
    print(
        f"reminders_plan: {elapsed:.2f} s, {len(queries)} SQL queries; digests {plan.reminders:,} "
        f"(tasks in them {plan.tasks_in_digests:,}), escalations {plan.escalations}, queued {plan.queued:,}"
    )
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        again = reminders_plan(day=today)
        elapsed = time.perf_counter() - started
    print(f"  re-run the same day: {elapsed:.2f} s, {len(queries)} SQL queries, queued {again.queued}")

    # The sink runs in its own process, as a real SMTP server would.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        reuse = send_rate(SEND_REUSE, reuse=True, port=port)
        single = send_rate(SEND_SINGLE, reuse=False, port=port)
    finally:
        sink.terminate()
        sink.wait(timeout=10)
    print(
        f"sending to a local SMTP sink: {reuse:,.0f} msg/s with one connection per batch of 100 "
        f"({SEND_REUSE:,} messages); {single:,.0f} msg/s with one connection per message "
        f"({SEND_SINGLE} messages); x{reuse / single:.1f}"
    )
    OutboxMessage.objects.all().delete()
    PreparationTask.objects.filter(session__plan__year=2099).delete()


if __name__ == "__main__":
    main()
