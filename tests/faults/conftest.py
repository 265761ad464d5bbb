"""Fixtures for the fault tests: overdue tasks for many people, so one reminder sweep queues
one digest per person; real SMTP and Redis servers of the tests' own."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tasks.models import PreparationTask, ReminderPolicy, TaskKind
from tests.factories import make_plan, make_user
from tests.faults.services import RedisServer, SmtpServer
from tests.tasks.conftest import make_task  # noqa: F401 - tasks built directly, as in tests/tasks


@pytest.fixture
def overdue_people(db):
    """``overdue_people(n)``: n people, each with one task one day late (a digest each today)."""

    def build(count: int) -> list:
        today = timezone.localdate()
        plan = make_plan(year=today.year + 5, sessions=1, items_per_session=1)
        item, session = plan.items.get(), plan.sessions.get()
        ReminderPolicy.objects.update_or_create(pk=1, defaults={"escalate_after_days": 0})
        people = [make_user(f"late{n}") for n in range(count)]
        PreparationTask.objects.bulk_create(
            PreparationTask(item=item, session=session, assignee=person, kind=TaskKind.ITEM_PREPARATION,
                            kind_key=f"item:{n}", title=f"Отчёт {n}", due_date=today - datetime.timedelta(days=1))
            for n, person in enumerate(people)
        )
        return people

    return build


@pytest.fixture
def smtp(settings):
    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 2
    yield server
    server.stop()


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


def worker_env(smtp: SmtpServer, **extra) -> dict[str, str]:
    return {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp.port), "EMAIL_TIMEOUT": "2",
            "TASKS_OUTBOX_BATCH_SIZE": "10", "LOG_LEVEL": "INFO", **{k: str(v) for k, v in extra.items()}}
