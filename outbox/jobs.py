"""Celery jobs of the outbox: the drain (also the periodic sweep), thin over ``outbox.sender``.

The registered name stays ``tasks.drain_outbox``, as the jobs were named when they lived in
``tasks``: the beat schedule rows in the database (django-celery-beat) name it, and a message
queued before an upgrade still finds its job.
"""

from __future__ import annotations

from celery import shared_task

from .exceptions import OutboxConnectionError
from .sender import outbox_drain, outbox_release_stuck


@shared_task(
    name="tasks.drain_outbox",
    acks_late=True,
    autoretry_for=(OutboxConnectionError,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=6,
)
def drain_outbox(message_ids: list[int] | None = None) -> int:
    """Send what is due: the messages ``message_ids`` a commit handed over, or (without ids)
    everything, after putting back what a dead sender held — the periodic sweep."""
    if message_ids is None:
        outbox_release_stuck()
    result = outbox_drain(message_ids=message_ids)
    if result.unreachable:
        raise OutboxConnectionError(result.errors[-1] if result.errors else "SMTP unreachable")
    return result.sent
