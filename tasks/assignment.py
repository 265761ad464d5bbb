"""Assignment: creating the tasks the rules call for, with their history rows and notices."""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from lifecycle.kernel import SYSTEM_NAME
from outbox.models import MessageKind, OutboxMessage
from outbox.services import outbox_message_plan, outbox_messages_add

from . import rules, selectors
from .models import (
    PreparationTask,
    TaskEvent,
    TaskState,
    TaskTransition,
)
from .notices import ASSIGNED_RENDERER

logger = logging.getLogger(__name__)


@dataclass
class AssignResult:
    created: int = 0
    notices: int = 0
    task_ids: list[int] = field(default_factory=list)


def _assignment_notices(tasks: list[tuple[int, int]], *, day: datetime.date) -> list[OutboxMessage]:
    """One notice per person listing their new tasks (``tasks``: (id, assignee id) pairs in the
    order of the ids), planned as rows: the e-mail is rendered when it is sent
    (``tasks.digests.assigned_render``), from the tasks as they are then."""
    by_person: dict[int, list[int]] = defaultdict(list)
    for task_id, person_id in tasks:
        by_person[person_id].append(task_id)
    people = User.objects.in_bulk(list(by_person))
    messages = []
    for person_id, task_ids in by_person.items():
        person = people[person_id]
        if not person.email:
            logger.warning("No e-mail for %s: assignment notice not sent", person)
            continue
        messages.append(
            outbox_message_plan(recipient=person, kind=MessageKind.ASSIGNED, day=day, key=f"task:{task_ids[0]}",
                                render_as=ASSIGNED_RENDERER, related_ids=task_ids)
        )
    return messages


def tasks_assign(*, today: datetime.date | None = None, item_ids: list[int] | None = None) -> AssignResult:
    """Create the tasks the rules call for (approved items, sessions in the preparation window)
    and their assignment e-mails, in one transaction.

    Idempotent by the unique constraint (item, assignee, kind_key): the tasks already there are
    read first (one query) and not sent again, and rows another worker inserts meanwhile are
    skipped by the database itself, so two workers at once create each task once. The new tasks
    are those not yet notified; they are locked, get their history row and one notice per
    person. A constant number of queries, whatever the number of items (set-based: the tasks,
    their history rows and the notices are each written in bulk).
    """
    today = today or timezone.localdate()
    items = selectors.items_for_assignment(today=today, item_ids=item_ids)
    now = timezone.now()
    specs = [spec for item in items for spec in rules.item_task_specs(item)]
    if not specs:
        return AssignResult()
    sessions = {item.session_id: item.session for item in items}
    due = {sid: rules.due_date_for(session_date=s.expected_date, today=today) for sid, s in sessions.items()}
    spec_items = {spec.item_id for spec in specs}
    with transaction.atomic():
        existing = set(
            PreparationTask.objects.filter(item_id__in=spec_items).values_list("item_id", "assignee_id", "kind_key")
        )
        _tasks_insert(
            [(spec.item_id, spec.session_id, spec.project_id, spec.assignee_id, spec.kind, spec.kind_key, spec.title,
              due[spec.session_id]) for spec in specs
             if (spec.item_id, spec.assignee_id, spec.kind_key) not in existing],
            now=now,
        )
        # The new tasks are those not yet notified: locked, read as (id, assignee) pairs only.
        unnotified = PreparationTask.objects.filter(item_id__in=spec_items, assignment_notified_at__isnull=True)
        new_tasks = list(unnotified.select_for_update(of=("self",)).order_by("id").values_list("id", "assignee_id"))
        if not new_tasks:
            return AssignResult()
        _history_add(unnotified, now=now)
        notices = _assignment_notices(new_tasks, day=today)
        outbox_messages_add(messages=notices)
        unnotified.update(assignment_notified_at=now)
    logger.info("Assigned %s preparation tasks (%s notices)", len(new_tasks), len(notices))
    return AssignResult(created=len(new_tasks), notices=len(notices), task_ids=[pk for pk, _person in new_tasks])


def _tasks_insert(rows: list[tuple], *, now) -> None:
    """Insert the new tasks (item, session, project, assignee, kind, key, title, due date), in
    the state «assigned»; a row another worker inserted meanwhile is skipped (the unique
    constraint). No model instance per row; on PostgreSQL one statement (and one firing of its
    revision trigger, ``revisions``)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    stamp = connection.ops.adapt_datetimefield_value(now)  # as the ORM writes it (SQLite: text)
    columns = ("item_id", "session_id", "project_id", "assignee_id", "kind", "kind_key", "title", "due_date",
               "state", "result_file", "result_text", "created_at", "updated_at")
    table, names = quote(PreparationTask._meta.db_table), ", ".join(map(quote, columns))
    constants = (TaskState.ASSIGNED, "", "", stamp, stamp)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement, its values as one array per column (a statement of thousands of
            # placeholders costs the driver more to prepare than the database to run).
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT u.*, %s, %s, %s, %s, %s FROM unnest("
                "%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::text[], %s::text[], %s::text[], "
                "%s::date[]) AS u ON CONFLICT DO NOTHING",
                [*constants, *(list(column) for column in zip(*rows, strict=True))],
            )
        else:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))}) "
                               "ON CONFLICT DO NOTHING", [(*row, *constants) for row in rows])


def _history_add(tasks, *, now) -> None:
    """The «assign» history row of each of ``tasks`` (locked, in this transaction), by one
    ``INSERT … SELECT``: no model instance per row."""
    columns = ("task_id", "transition", "from_state", "to_state", "actor_id", "actor_name", "actor_position",
               "acting_for_id", "comment", "created_at")
    select, params = tasks.order_by().values_list("pk").query.sql_with_params()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(TaskEvent._meta.db_table)} ({', '.join(map(quote, columns))}) "
            f"SELECT p.id, %s, '', %s, NULL, %s, '', NULL, '', %s FROM {quote(PreparationTask._meta.db_table)} p "
            f"WHERE p.id IN ({select})",
            [TaskTransition.ASSIGN, TaskState.ASSIGNED, SYSTEM_NAME, connection.ops.adapt_datetimefield_value(now),
             *params],
        )
