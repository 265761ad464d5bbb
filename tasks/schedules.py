"""The beat schedule, stored in django-celery-beat's tables (editable in the admin).

Created by the data migrations ``0002_beat_schedules`` and ``0007_orphan_results_schedule``
(the hourly sweep of result files no task refers to) and again, if an operator deleted them,
by ``manage.py setup_schedules``. Existing entries are left as the admin set them.
"""

from __future__ import annotations

from django.conf import settings

DAILY_CHASE = "Задачи подготовки: ежедневное назначение, напоминания и эскалация"
OUTBOX_SWEEP = "Задачи подготовки: отправка исходящих писем"
ORPHAN_RESULTS_SWEEP = "Задачи подготовки: удаление файлов результатов без задачи"


def schedules_ensure(*, periodic_task, crontab_schedule, interval_schedule, timezone_name: str) -> list[str]:
    """Create the missing entries; return the names created. Takes the model classes so the
    migration can pass its historical models."""
    crontab, _ = crontab_schedule.objects.get_or_create(
        minute="0", hour="8", day_of_week="*", day_of_month="*", month_of_year="*", timezone=timezone_name
    )
    interval, _ = interval_schedule.objects.get_or_create(**_sweep_period(settings.TASKS_OUTBOX_SWEEP_SECONDS))
    hourly, _ = interval_schedule.objects.get_or_create(every=1, period="hours")
    created = []
    for name, task, schedule in (
        (DAILY_CHASE, "tasks.chase_daily", {"crontab": crontab}),
        (OUTBOX_SWEEP, "tasks.drain_outbox", {"interval": interval}),
        (ORPHAN_RESULTS_SWEEP, "tasks.remove_orphan_results", {"interval": hourly}),
    ):
        _, was_created = periodic_task.objects.get_or_create(
            name=name,
            defaults={"task": task, "description": "Создано автоматически; расписание можно изменить.", **schedule},
        )
        if was_created:
            created.append(name)
    return created


def _sweep_period(seconds: int) -> dict:
    """The outbox sweep's interval (``tasks.drain_outbox``, see ``TASKS_OUTBOX_SWEEP_SECONDS``):
    every 5 minutes with Redis, every 30 seconds on the embedded run's filesystem broker."""
    if seconds % 60 == 0:
        return {"every": seconds // 60, "period": "minutes"}
    return {"every": seconds, "period": "seconds"}
