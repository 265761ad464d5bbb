"""Celery jobs: thin wrappers that take ids or ISO dates and call the plain functions.

Every job is idempotent, so ``acks_late`` (a job lost with its worker runs again) is safe.
Schedules live in django-celery-beat (see ``schedules.py``), editable in the admin. The drain
of the outbox (``tasks.drain_outbox``, also the periodic sweep) is ``outbox.jobs``.
"""

from __future__ import annotations

import datetime
import logging

from celery import shared_task

from outbox.jobs import drain_outbox

from . import assignment, chase, result_files

logger = logging.getLogger(__name__)


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@shared_task(name="tasks.assign_items", acks_late=True)
def assign_items(item_ids: list[int]) -> int:
    """Assign the tasks of just-approved items, then send the notices."""
    result = assignment.tasks_assign(item_ids=item_ids)
    if result.notices:
        drain_outbox.delay()
    return result.created


@shared_task(name="tasks.chase_daily", acks_late=True)
def chase_daily(day: str | None = None) -> dict:
    """The daily schedule: assignment window and reminder planning, then the outbox drain."""
    report = chase.chase_run(day=_day(day), send=False)
    drain_outbox.delay()
    return {"created": report.assigned.created, "queued": report.reminders.queued}


@shared_task(name="tasks.remove_orphan_results", acks_late=True)
def remove_orphan_results() -> int:
    """Hourly: delete result files no task refers to (failed uploads, replaced results)."""
    return len(result_files.result_orphans_remove())
