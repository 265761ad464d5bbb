"""The daily digests and the assignment notices rendered when they are sent (``outbox.rendering``), from the tasks as they
are then: a task submitted, done, cancelled or handed over since the row was planned is left
out; a digest with nothing left is not sent (the outbox marks it ``skipped``).

``tasks.reminders`` plans the rows (who, which tasks, which day); this module says what they
read. The reasons («скоро срок», «срок сегодня», «просрочено») are those of the day the digest
was planned for, so a message retried the next day says what it would have said on time.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from accounts.models import User
from outbox.models import OutboxMessage
from outbox.rendering import message_addressee_id, message_fill, renderer

from . import selectors
from .models import PreparationTask, ReminderPolicy
from .notices import ASSIGNED_RENDERER, SessionCalendars, email_template, task_url
from .reminders import ESCALATION_RENDERER, REMINDER_RENDERER, reminder_reason

# The office head's list shows the longest-late tasks; beyond this, counts by session and person.
ESCALATION_LIST_LIMIT = 200


def digest_entry(task: PreparationTask, day: datetime.date, reason: str | None = None) -> dict:
    """One task as the digest templates list it (``tasks/email/_task_rows.html`` and the texts)."""
    return {
        "task": task,
        "session": task.session,
        "reason": reason,
        "days_left": (task.due_date - day).days,
        "days_late": max(0, (day - task.due_date).days),
        "url": task_url(task.pk),
    }


def _batch(messages: list[OutboxMessage], tasks) -> tuple[dict[int, PreparationTask], dict[int, User], SessionCalendars]:
    """What a batch of messages is rendered from, read once: those of their tasks that ``tasks``
    still holds (with session and plan), the people they are about, and the sessions' .ics."""
    wanted = tasks.filter(pk__in={pk for m in messages for pk in m.related_ids}).select_related("session",
                                                                                                 "session__plan")
    people = User.objects.in_bulk({message_addressee_id(m) for m in messages})
    return {task.pk: task for task in wanted}, people, SessionCalendars()


@renderer(REMINDER_RENDERER)
def reminders_render(messages: list[OutboxMessage]) -> None:
    """Each person's digest of the tasks still waiting for them: one read of the batch's tasks."""
    policy = ReminderPolicy.current()
    tasks, people, calendars = _batch(messages, selectors.chased())
    for message in messages:
        person = people.get(message_addressee_id(message))
        by_reason: dict[str, list[dict]] = defaultdict(list)
        waiting = []
        for task in (tasks.get(pk) for pk in message.related_ids):
            if task is None or person is None or task.assignee_id != person.pk:
                continue
            reason = reminder_reason(task=task, day=message.day, policy=policy)
            if reason:
                by_reason[reason].append(digest_entry(task, message.day, reason))
                waiting.append(task)
        if waiting:
            message_fill(
                message, template=email_template("reminder"),
                context={"person": person, "day": message.day, "soon": by_reason["soon"],
                         "today": by_reason["today"], "overdue": by_reason["overdue"]},
                attachments=calendars.for_tasks(waiting),
            )
            message.related_ids = [task.pk for task in waiting]


@renderer(ASSIGNED_RENDERER)
def assigned_render(messages: list[OutboxMessage]) -> None:
    """Each person's notice of the tasks assigned to them that still wait for them (a task
    cancelled or handed over before the notice went out is left out)."""
    tasks, people, calendars = _batch(messages, PreparationTask.objects.filter(state__in=selectors.PENDING_STATES))
    for message in messages:
        person = people.get(message_addressee_id(message))
        mine = [tasks[pk] for pk in message.related_ids
                if pk in tasks and person is not None and tasks[pk].assignee_id == person.pk]
        if mine:
            message_fill(message, template=email_template("assigned"),
                         context={"person": person, "tasks": [{"task": t, "url": task_url(t.pk)} for t in mine]},
                         attachments=calendars.for_tasks(mine))
            message.related_ids = [task.pk for task in mine]


@renderer(ESCALATION_RENDERER)
def escalations_render(messages: list[OutboxMessage]) -> None:
    """The office head's list of late tasks as they are now: counts by session and by person
    and the longest-late tasks (aggregates in the database, once per day of the batch)."""
    policy = ReminderPolicy.current()
    if not policy.escalate_after_days:
        return
    people = User.objects.in_bulk({message_addressee_id(m) for m in messages})
    by_day: dict[datetime.date, list[OutboxMessage]] = defaultdict(list)
    for message in messages:
        by_day[message.day].append(message)
    for day, group in by_day.items():
        late = selectors.late_tasks(day=day, min_days_late=policy.escalate_after_days, chased_only=True,
                                    list_limit=ESCALATION_LIST_LIMIT, group_limit=50)
        if not late.total:
            continue
        context = {
            "day": day, "policy": policy, "total": late.total,
            "entries": [digest_entry(task, day) for task in late.oldest], "more": late.total - len(late.oldest),
            "by_person": [(str(person), count) for person, count in late.by_person],
            "by_session": late.by_session,
        }
        for message in group:
            message_fill(message, template=email_template("escalation"),
                         context={"person": people.get(message_addressee_id(message)), **context})
            # The tasks listed in the message (the longest-late), not every late task.
            message.related_ids = [task.pk for task in late.oldest]
