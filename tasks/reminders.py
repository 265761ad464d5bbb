"""Planning a day's reminders into the outbox: one digest per person, one escalation list per
office head, a constant number of queries whatever the number of tasks.

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
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import transaction

from . import selectors
from .models import MessageKind, OutboxMessage, PreparationTask, ReminderPolicy
from .outbox import message_render, outbox_messages_add, task_url

# The office head's list shows the longest-late tasks; beyond this, counts by person.
ESCALATION_LIST_LIMIT = 200


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


def reminders_plan(*, day: datetime.date, policy: ReminderPolicy | None = None) -> ReminderPlan:
    """Write ``day``'s digests and escalations into the outbox (skipping those already there)."""
    policy = policy or ReminderPolicy.current()
    candidates = selectors.reminder_candidates(day=day, days_before=policy.days_before_due)
    digests: dict[int, list[dict]] = defaultdict(list)
    escalated: list[dict] = []
    for task in candidates:
        reason = reminder_reason(task=task, day=day, policy=policy)
        if reason and task.assignee.is_active and task.assignee.email:
            digests[task.assignee_id].append(_entry(task, day, reason))
        if policy.escalate_after_days and (day - task.due_date).days >= policy.escalate_after_days:
            escalated.append(_entry(task, day))
    # Rows already in the outbox (an earlier run today) are not rendered again; the unique
    # constraint still guards against a concurrent run.
    done = set(
        OutboxMessage.objects.filter(
            day=day, kind__in=(MessageKind.REMINDER, MessageKind.ESCALATION), key=""
        ).values_list("kind", "recipient_id")
    )
    messages = []
    for person_id, entries in digests.items():
        if (MessageKind.REMINDER, person_id) in done:
            continue
        person = entries[0]["task"].assignee
        subject, text, html = message_render(
            template="reminder",
            context={
                "person": person,
                "day": day,
                "soon": [e for e in entries if e["reason"] == "soon"],
                "today": [e for e in entries if e["reason"] == "today"],
                "overdue": [e for e in entries if e["reason"] == "overdue"],
            },
        )
        messages.append(
            OutboxMessage(
                recipient=person,
                to_email=person.email,
                kind=MessageKind.REMINDER,
                day=day,
                subject=subject,
                body_text=text,
                body_html=html,
                task_ids=[e["task"].pk for e in entries],
            )
        )
    plan = ReminderPlan(day=day, reminders=len(messages), tasks_in_digests=sum(len(e) for e in digests.values()))
    if escalated:
        escalated.sort(key=lambda e: (-e["days_late"], e["task"].assignee_id, e["task"].pk))
        heads = selectors.office_heads()
        by_person = Counter(str(e["task"].assignee) for e in escalated)
        context = {
            "day": day,
            "policy": policy,
            "total": len(escalated),
            "entries": escalated[:ESCALATION_LIST_LIMIT],
            "more": max(0, len(escalated) - ESCALATION_LIST_LIMIT),
            "by_person": by_person.most_common(50),
        }
        for head in heads:
            if (MessageKind.ESCALATION, head.pk) in done:
                continue
            subject, text, html = message_render(template="escalation", context={"person": head, **context})
            messages.append(
                OutboxMessage(
                    recipient=head,
                    to_email=head.email,
                    kind=MessageKind.ESCALATION,
                    day=day,
                    subject=subject,
                    body_text=text,
                    body_html=html,
                    task_ids=[e["task"].pk for e in escalated],
                )
            )
        plan.escalations = len(heads)
    if not messages:
        return plan
    kinds = (MessageKind.REMINDER, MessageKind.ESCALATION)
    with transaction.atomic():
        before = OutboxMessage.objects.filter(day=day, kind__in=kinds).count()
        outbox_messages_add(messages=messages)
        plan.queued = OutboxMessage.objects.filter(day=day, kind__in=kinds).count() - before
    return plan
