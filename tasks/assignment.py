"""Assignment: creating the tasks the rules call for, with their history rows and notices."""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
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


def _assignment_notices(tasks: list[PreparationTask], *, day: datetime.date) -> list[OutboxMessage]:
    """One notice per person listing their new tasks (``tasks``: in the order of their ids,
    each with its assignee set), planned as rows: the e-mail is rendered when it is sent
    (``tasks.digests.assigned_render``), from the tasks as they are then."""
    by_person: dict[int, list[PreparationTask]] = defaultdict(list)
    for task in tasks:
        by_person[task.assignee_id].append(task)
    messages = []
    for person_tasks in by_person.values():
        person = person_tasks[0].assignee
        if not person.email:
            logger.warning("No e-mail for %s: assignment notice not sent", person)
            continue
        messages.append(
            outbox_message_plan(
                recipient=person, kind=MessageKind.ASSIGNED, day=day, key=f"task:{person_tasks[0].pk}",
                render_as=ASSIGNED_RENDERER, related_ids=[t.pk for t in person_tasks],
            )
        )
    return messages


# What the notices read of a new task (its session and assignee are set from the rows already
# read); ``state`` because django-fsm reads it when a task is loaded.
_NOTICE_FIELDS = ("id", "state", "title", "due_date", "session_id", "assignee_id", "item_id")


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
        PreparationTask.objects.bulk_create(
            [
                PreparationTask(
                    item_id=spec.item_id,
                    session_id=spec.session_id,
                    project_id=spec.project_id,
                    assignee_id=spec.assignee_id,
                    kind=spec.kind,
                    kind_key=spec.kind_key,
                    title=spec.title,
                    due_date=due[spec.session_id],
                    created_at=now,
                )
                for spec in specs
                if (spec.item_id, spec.assignee_id, spec.kind_key) not in existing
            ],
            ignore_conflicts=True,
            batch_size=2000,
        )
        new_tasks = list(
            PreparationTask.objects.select_for_update(of=("self",))
            .filter(item_id__in=spec_items, assignment_notified_at__isnull=True)
            .only(*_NOTICE_FIELDS)
            .order_by("id")
        )
        if not new_tasks:
            return AssignResult()
        people = User.objects.in_bulk({task.assignee_id for task in new_tasks})
        for task in new_tasks:
            task.assignee = people[task.assignee_id]
        TaskEvent.objects.bulk_create(
            [
                TaskEvent(
                    task_id=task.pk,
                    transition=TaskTransition.ASSIGN,
                    from_state="",
                    to_state=TaskState.ASSIGNED,
                    actor=None,
                    actor_name=SYSTEM_NAME,
                    created_at=now,
                )
                for task in new_tasks
            ],
            batch_size=2000,
        )
        notices = _assignment_notices(new_tasks, day=today)
        outbox_messages_add(messages=notices)
        PreparationTask.objects.filter(pk__in=[t.pk for t in new_tasks]).update(assignment_notified_at=now)
    logger.info("Assigned %s preparation tasks (%s notices)", len(new_tasks), len(notices))
    return AssignResult(created=len(new_tasks), notices=len(notices), task_ids=[t.pk for t in new_tasks])
