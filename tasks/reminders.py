"""Planning a day's reminders into the outbox: one digest per person, one escalation list per
office head, in memory that stays flat as the tasks grow.

The assignees are walked in batches of a few thousand candidate tasks (keyset on the
assignee's id); each batch's digests are rendered, inserted in bulk (rows already there are
skipped) and dropped before the next batch is read. The office head's list is built from
aggregates (counts by session and by person) and the longest-late tasks only. SQL queries
grow with the number of batches, not with the number of tasks.

For the day D and the policy (``ReminderPolicy``), a task waiting for its assignee is in its
assignee's digest when:
- it is due in ``days_before_due`` days (``due soon``);
- it is due on D and ``remind_on_due_date`` is on (``due today``);
- it is late by k >= 1 days and (k - 1) is a multiple of ``overdue_every_days`` (the day after
  the due date, then every interval).
Every office head gets, every day, the list of tasks late by at least ``escalate_after_days``
(0 turns escalation off). Tasks of held or cancelled sessions are not chased.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from outbox.models import MessageKind, OutboxMessage
from outbox.services import outbox_message_build, outbox_messages_add

from . import selectors
from .models import PreparationTask, ReminderPolicy
from .notices import SessionCalendars, email_template, task_url

# The office head's list shows the longest-late tasks; beyond this, counts by session and person.
ESCALATION_LIST_LIMIT = 200
# Candidate tasks read, rendered and written per batch: memory is bounded by this, not by the
# number of tasks (a person with more candidates than this is still one batch of their own).
BATCH_TASKS = 2000


@dataclass
class ReminderPlan:
    day: datetime.date
    reminders: int = 0  # digests the rules call for today
    escalations: int = 0
    queued: int = 0  # of those, rows new in the outbox (a re-run queues none)
    tasks_in_digests: int = 0


def reminder_reason(*, task: PreparationTask, day: datetime.date, policy: ReminderPolicy) -> str | None:
    """ "soon", "today", "overdue" or None: why ``task`` is in its assignee's digest on ``day``."""
    days_left = (task.due_date - day).days
    if policy.days_before_due and days_left == policy.days_before_due:
        return "soon"
    if days_left == 0 and policy.remind_on_due_date:
        return "today"
    if days_left < 0 and policy.overdue_every_days and (-days_left - 1) % policy.overdue_every_days == 0:
        return "overdue"
    return None


def _entry(task: PreparationTask, day: datetime.date, reason: str | None = None) -> dict:
    return {
        "task": task,
        "session": task.session,
        "reason": reason,
        "days_left": (task.due_date - day).days,
        "days_late": max(0, (day - task.due_date).days),
        "url": task_url(task.pk),
    }


def _already_queued(*, kind: str, day: datetime.date, recipient_ids: list[int]) -> set[int]:
    """Recipients who have the ``kind`` digest of ``day`` already (an earlier run today): they
    are not rendered again. The unique constraint still guards against a concurrent run."""
    return set(
        OutboxMessage.objects.filter(kind=kind, day=day, key="", recipient_id__in=recipient_ids).values_list(
            "recipient_id", flat=True
        )
    )


def _queue(
    *, messages: list[OutboxMessage], kind: str, day: datetime.date, recipient_ids: list[int], done: set[int]
) -> int:
    """Insert ``messages`` in bulk (rows a concurrent run wrote meanwhile are skipped by the
    unique constraint); how many rows of ``recipient_ids`` are new since ``done`` was read."""
    if not messages:
        return 0
    outbox_messages_add(messages=messages)
    return OutboxMessage.objects.filter(kind=kind, day=day, key="", recipient_id__in=recipient_ids).count() - len(done)


def _digests_queue(
    *,
    batch: list[PreparationTask],
    day: datetime.date,
    policy: ReminderPolicy,
    plan: ReminderPlan,
    calendars: SessionCalendars,
) -> None:
    digests: dict[int, list[dict]] = defaultdict(list)
    for task in batch:
        reason = reminder_reason(task=task, day=day, policy=policy)
        if reason:
            digests[task.assignee_id].append(_entry(task, day, reason))
    if not digests:
        return
    plan.reminders += len(digests)
    plan.tasks_in_digests += sum(len(entries) for entries in digests.values())
    person_ids = list(digests)
    done = _already_queued(kind=MessageKind.REMINDER, day=day, recipient_ids=person_ids)
    messages = []
    for person_id, entries in digests.items():
        if person_id in done:
            continue
        person = entries[0]["task"].assignee
        tasks = [e["task"] for e in entries]
        messages.append(
            outbox_message_build(
                recipient=person,
                kind=MessageKind.REMINDER,
                day=day,
                template=email_template("reminder"),
                context={
                    "person": person,
                    "day": day,
                    "soon": [e for e in entries if e["reason"] == "soon"],
                    "today": [e for e in entries if e["reason"] == "today"],
                    "overdue": [e for e in entries if e["reason"] == "overdue"],
                },
                attachments=calendars.for_tasks(tasks),
                related_ids=[task.pk for task in tasks],
            )
        )
    plan.queued += _queue(messages=messages, kind=MessageKind.REMINDER, day=day, recipient_ids=person_ids, done=done)


def _escalations_queue(*, day: datetime.date, policy: ReminderPolicy, plan: ReminderPlan) -> None:
    if not policy.escalate_after_days:
        return
    late = selectors.late_tasks(
        day=day, min_days_late=policy.escalate_after_days, chased_only=True, list_limit=ESCALATION_LIST_LIMIT,
        group_limit=50,
    )
    if not late.total:
        return
    heads = selectors.office_heads()
    plan.escalations = len(heads)
    if not heads:
        return
    head_ids = [head.pk for head in heads]
    done = _already_queued(kind=MessageKind.ESCALATION, day=day, recipient_ids=head_ids)
    context = {
        "day": day,
        "policy": policy,
        "total": late.total,
        "entries": [_entry(task, day) for task in late.oldest],
        "more": late.total - len(late.oldest),
        "by_person": [(str(person), count) for person, count in late.by_person],
        "by_session": late.by_session,
    }
    messages = []
    for head in heads:
        if head.pk in done:
            continue
        messages.append(
            outbox_message_build(
                recipient=head,
                kind=MessageKind.ESCALATION,
                day=day,
                template=email_template("escalation"),
                context={"person": head, **context},
                # The tasks listed in the message (the longest-late), not every late task.
                related_ids=[task.pk for task in late.oldest],
            )
        )
    plan.queued += _queue(messages=messages, kind=MessageKind.ESCALATION, day=day, recipient_ids=head_ids, done=done)


def reminders_plan(
    *, day: datetime.date, policy: ReminderPolicy | None = None, batch_size: int = BATCH_TASKS
) -> ReminderPlan:
    """Write ``day``'s digests and escalations into the outbox (skipping those already there),
    ``batch_size`` candidate tasks at a time."""
    policy = policy or ReminderPolicy.current()
    plan = ReminderPlan(day=day)
    calendars = SessionCalendars()  # each session's .ics rendered once for the whole run
    for batch in selectors.reminder_candidate_batches(day=day, days_before=policy.days_before_due, size=batch_size):
        _digests_queue(batch=batch, day=day, policy=policy, plan=plan, calendars=calendars)
    _escalations_queue(day=day, policy=policy, plan=plan)
    return plan
