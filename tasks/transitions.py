"""What moves tasks besides their own transitions: the assignee's change notices, and following
a session's changes (cancelled: its open tasks are cancelled; moved: their due dates follow).
Task transitions themselves are ``lifecycle.kernel.fire`` on ``tasks.lifecycle.TASK``."""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lifecycle.kernel import fire_locked_rows
from outbox.models import MessageKind, OutboxMessage
from outbox.services import outbox_message_build, outbox_messages_add

from . import rules
from .models import (
    OPEN_STATES,
    PreparationTask,
    TaskEvent,
    TaskTransition,
)
from .notices import email_template, task_url

logger = logging.getLogger(__name__)


# The office head's decisions the assignee must hear of: a returned report, a cancelled task.
NOTIFY_ASSIGNEE_ON = frozenset({TaskTransition.RETURN, TaskTransition.CANCEL})


def _change_notice(*, task: PreparationTask, event: TaskEvent, key: str | None = None) -> list[OutboxMessage]:
    """One e-mail to the assignee about ``event`` (a return, a cancellation, a new due date),
    written in the transaction of the change and handed to the sender when it commits."""
    person = task.assignee
    if not person.email:
        logger.warning("No e-mail for %s: notice of %s not sent", person, event.transition)
        return []
    message = outbox_message_build(
        recipient=person,
        kind=MessageKind.CHANGED,
        day=timezone.localdate(),
        key=key or f"event:{event.pk}",
        template=email_template("changed"),
        context={"person": person, "task": task, "event": event, "url": task_url(task.pk)},
        related_ids=[task.pk],
        send_on_commit=True,  # a person's action: the assignee hears of it now, not at the next sweep
    )
    return [message]


def task_change_notify(*, task: PreparationTask, event: TaskEvent) -> None:
    """The assignee hears of the office head's return or cancellation, in the same transaction
    (not of their own: an office head who cancels a task of her own hears nothing)."""
    if event.transition in NOTIFY_ASSIGNEE_ON and event.actor_id != task.assignee_id:
        outbox_messages_add(messages=_change_notice(task=task, event=event))


# --- Session changes -----------------------------------------------------------------------


def tasks_cancel_for_session(*, session, by) -> int:
    """The session is called off: its open tasks are cancelled — each a task transition with its
    history row naming ``by`` (whose decision it was) and the assignee's notice."""
    with transaction.atomic():
        tasks = list(
            PreparationTask.objects.select_for_update(of=("self",)).select_related("assignee", "session")
            .filter(session=session, state__in=OPEN_STATES)
        )
        fire_locked_rows(tasks, name=TaskTransition.CANCEL, by=by, comment=_("Заседание отменено."))
    return len(tasks)


def tasks_reschedule_for_session(*, session, by, today: datetime.date | None = None) -> int:
    """The session moved: its open tasks get the due date the rules give for the new date; the
    history rows name ``by``, who moved the session."""
    today = today or timezone.localdate()
    new_due = rules.due_date_for(session_date=session.expected_date, today=today)
    now = timezone.now()
    moved = []
    with transaction.atomic():
        tasks = list(
            PreparationTask.objects.select_for_update(of=("self",))
            .select_related("assignee")
            .filter(session=session, state__in=OPEN_STATES)
            .exclude(due_date=new_due)
        )
        for task in tasks:
            moved.append(
                TaskEvent(
                    task=task,
                    transition=TaskTransition.RESCHEDULE,
                    from_state=task.state,
                    to_state=task.state,
                    actor=by,
                    actor_name=by.record_name,
                    actor_position=by.position_label,
                    created_at=now,
                    comment=_("Срок перенесён с %(old)s на %(new)s: изменилась дата заседания.")
                    % {"old": task.due_date.strftime("%d.%m.%Y"), "new": new_due.strftime("%d.%m.%Y")},
                )
            )
        if tasks:
            PreparationTask.objects.filter(pk__in=[t.pk for t in tasks]).update(due_date=new_due, updated_at=now)
            TaskEvent.objects.bulk_create(moved)
            notices = []
            for task, event in zip(tasks, moved, strict=True):
                task.due_date, task.session = new_due, session
                notices += _change_notice(task=task, event=event, key=f"reschedule:{task.pk}:{new_due.isoformat()}")
            outbox_messages_add(messages=notices)
    return len(moved)


