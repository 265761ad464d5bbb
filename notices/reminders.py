"""«Напомнить» on the overdue board: one reminder to a person now, through the outbox.

It counts against the day's digest rule: sent before the daily run, it *is* the person's digest
of the day (``key=""``), so the run does not send another; sent after it, it is an extra
reminder keyed by the minute, and the unique key of the outbox makes a second click within the
same minute (or two office heads at once) write nothing more."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from outbox.models import MessageKind, OutboxMessage
from outbox.services import outbox_message_build, outbox_messages_add
from tasks.digests import digest_entry
from tasks.models import PreparationTask
from tasks.notices import SessionCalendars, email_template

# No two reminders to one person within this time, whoever asks.
REMIND_AGAIN_AFTER = datetime.timedelta(minutes=1)


def reminder_send_now(*, person, now: datetime.datetime | None = None) -> OutboxMessage | None:
    """Queue (and hand to the sender on commit) one reminder of ``person``'s overdue tasks;
    None when there is nothing overdue or a reminder went out less than a minute ago."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    tasks = list(PreparationTask.objects.overdue(today=day).filter(assignee=person)
                 .select_related("session", "session__plan", "assignee").order_by("due_date", "id"))
    if not tasks or not person.email:
        return None
    with transaction.atomic():
        recent = OutboxMessage.objects.filter(recipient=person, kind=MessageKind.REMINDER,
                                              created_at__gt=now - REMIND_AGAIN_AFTER)
        if recent.exists():
            return None
        todays = OutboxMessage.objects.filter(recipient=person, kind=MessageKind.REMINDER, day=day, key="").exists()
        key = f"now:{timezone.localtime(now):%H%M}" if todays else ""
        entries = [digest_entry(task, day, "overdue") for task in tasks]
        message = outbox_message_build(
            recipient=person, kind=MessageKind.REMINDER, day=day, key=key, template=email_template("reminder"),
            context={"person": person, "day": day, "overdue": entries, "today": [], "soon": []},
            attachments=SessionCalendars().for_tasks(tasks), related_ids=[task.pk for task in tasks],
            send_on_commit=True,
        )
        message.created_at = now
        outbox_messages_add(messages=[message])
    written = OutboxMessage.objects.filter(recipient=person, kind=MessageKind.REMINDER, day=day, key=key).first()
    return written if written is not None and written.created_at == now else None  # None: someone was first
