"""Planning a day's reminders into the outbox: one digest per person and one escalation list
per office head, written as data (who, which tasks, which day) by set-based SQL; each e-mail is
rendered when it is sent, from the tasks as they are then (``tasks.digests``).

The day's digests are one ``INSERT … SELECT``: the tasks the policy calls for, grouped by
assignee into outbox rows holding the tasks' ids (rows already there are kept: a re-run of the
day writes nothing). Time and memory do not depend on Python touching each task; the database
does the grouping. The substitutions running that day then route the new rows to the stand-ins
(``outbox.services.outbox_planned_route``). The office heads' escalation rows are written only
when some task is late enough; their lists are computed when they are sent.

For the day D and the policy (``ReminderPolicy``), a task waiting for its assignee is in its
assignee's digest when:
- it is due in ``days_before_due`` days (``due soon``);
- it is due on D and ``remind_on_due_date`` is on (``due today``);
- it is late by k >= 1 days and (k - 1) is a multiple of ``overdue_every_days`` (the day after
  the due date, then every interval).
Every office head gets, every day, the list of tasks late by at least ``escalate_after_days``
(0 turns escalation off). Tasks of held or cancelled sessions are not chased (a protocol's
assignment is, until done). The same rules, for one task, are ``reminder_reason``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from outbox.models import MessageKind, OutboxMessage, OutboxStatus
from outbox.services import outbox_message_plan, outbox_messages_add, outbox_planned_route
from workflow.models import Session

from . import selectors
from .models import PreparationTask, ReminderPolicy

REMINDER_RENDERER = "tasks.reminder"
ESCALATION_RENDERER = "tasks.escalation"


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


def _due_condition(*, day: datetime.date, policy: ReminderPolicy) -> tuple[str, list]:
    """The SQL of ``reminder_reason`` is not None, for the alias ``t`` (and its parameters)."""
    parts, params = [], []
    if policy.days_before_due:
        parts.append("t.due_date = %s")
        params.append(day + datetime.timedelta(days=policy.days_before_due))
    if policy.remind_on_due_date:
        parts.append("t.due_date = %s")
        params.append(day)
    if policy.overdue_every_days:
        days_late = ("(%s - t.due_date)" if connection.vendor == "postgresql"
                     else "CAST(julianday(%s) - julianday(t.due_date) AS INTEGER)")
        parts.append(f"(t.due_date < %s AND ({days_late} - 1) %% %s = 0)")
        params += [day, day, policy.overdue_every_days]
    return " OR ".join(parts), params


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _digests_sql(*, due: str) -> tuple[str, str]:
    """``planned``: one row per person (id, address, the tasks' ids as a JSON array, how many),
    then the insert of the rows not there yet; and the statement that only counts the plan."""
    postgres = connection.vendor == "postgresql"
    ids = "jsonb_agg(t.id ORDER BY t.due_date, t.id)" if postgres else "json_group_array(t.id)"
    tasks = (_table(PreparationTask) if postgres else
             f"(SELECT * FROM {_table(PreparationTask)} ORDER BY assignee_id, due_date, id)")
    states = ", ".join(["%s"] * len(selectors.PENDING_STATES))
    active = ", ".join(["%s"] * len(selectors.ACTIVE_SESSION_STATES))
    planned = f"""
        planned AS (
            SELECT t.assignee_id AS person, u.email AS email, {ids} AS ids, COUNT(*) AS n
            FROM {tasks} t
            JOIN {_table(User)} u ON u.id = t.assignee_id
            LEFT JOIN {_table(Session)} s ON s.id = t.session_id
            WHERE t.state IN ({states}) AND (s.state IN ({active}) OR t.assignment_id IS NOT NULL)
              AND u.is_active AND u.email <> '' AND ({due})
            GROUP BY t.assignee_id, u.email
        )"""
    insert = f"""
        INSERT INTO {_table(OutboxMessage)} (recipient_id, to_email, kind, day, key, subject, body_text, body_html,
            related_ids, attachments, render_as, status, attempts, last_error, next_attempt_at, claimed_at,
            claim_token, sent_at, created_at)
        SELECT person, email, %s, %s, '', '', '', '', ids, '[]', %s, %s, 0, '', %s, NULL, '', NULL, %s
        FROM planned WHERE true
        ON CONFLICT DO NOTHING"""
    counts = f"WITH {planned} SELECT COUNT(*), COALESCE(SUM(n), 0) FROM planned"
    if postgres:
        return f"""WITH {planned}, added AS ({insert} RETURNING 1)
            SELECT (SELECT COUNT(*) FROM planned), (SELECT COALESCE(SUM(n), 0) FROM planned),
                   (SELECT COUNT(*) FROM added)""", counts
    return f"WITH {planned} {insert}", counts


def _digests_queue(*, day: datetime.date, policy: ReminderPolicy, plan: ReminderPlan) -> None:
    due, due_params = _due_condition(day=day, policy=policy)
    if not due:
        return
    params = [*selectors.PENDING_STATES, *selectors.ACTIVE_SESSION_STATES, *due_params]
    now = connection.ops.adapt_datetimefield_value(timezone.now())  # as the ORM writes it (SQLite: text)
    row_params = [MessageKind.REMINDER, day, REMINDER_RENDERER, OutboxStatus.PENDING, now, now]
    sql, counts_sql = _digests_sql(due=due)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [*params, *row_params])
        if connection.vendor == "postgresql":
            reminders, tasks, queued = cursor.fetchone()
        else:  # SQLite: no INSERT in a WITH; the counts are a second read of the same plan
            cursor.execute("SELECT changes()")  # rowcount is -1 for a statement opening with WITH
            queued = cursor.fetchone()[0]
            cursor.execute(counts_sql, params)
            reminders, tasks = cursor.fetchone()
        plan.reminders, plan.tasks_in_digests, plan.queued = int(reminders), int(tasks), int(queued)
        outbox_planned_route(kind=MessageKind.REMINDER, day=day)


def _escalations_queue(*, day: datetime.date, policy: ReminderPolicy, plan: ReminderPlan) -> None:
    """A row per office head when some chased task is late enough; the list itself is made
    when the row is sent (``tasks.digests``)."""
    if not policy.escalate_after_days:
        return
    late = selectors.chased().filter(due_date__lte=day - datetime.timedelta(days=policy.escalate_after_days))
    if not late.exists():
        return
    heads = selectors.office_heads()
    plan.escalations = len(heads)
    before = OutboxMessage.objects.filter(kind=MessageKind.ESCALATION, day=day)
    done = set(before.filter(key="").values_list("recipient_id", flat=True))
    todo = [head for head in heads if head.pk not in done]
    if not todo:
        return
    outbox_messages_add(messages=[
        outbox_message_plan(recipient=head, kind=MessageKind.ESCALATION, day=day, render_as=ESCALATION_RENDERER)
        for head in todo
    ])
    plan.queued += before.filter(key="").count() - len(done)


def reminders_plan(*, day: datetime.date, policy: ReminderPolicy | None = None) -> ReminderPlan:
    """Write ``day``'s digests and escalations into the outbox as rows to render when sent
    (skipping those already there)."""
    policy = policy or ReminderPolicy.current()
    plan = ReminderPlan(day=day)
    _digests_queue(day=day, policy=policy, plan=plan)
    _escalations_queue(day=day, policy=policy, plan=plan)
    return plan
