"""Task transitions, the assignee's change notices, and following a session's changes."""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed

from accounts.models import Role
from outbox.models import MessageKind, OutboxMessage
from outbox.services import outbox_message_build, outbox_messages_add

from . import rules
from .assignment import SYSTEM_NAME
from .exceptions import (
    TaskCommentRequired,
    TaskConcurrentChange,
    TaskForbidden,
    TaskResultRequired,
    TaskTransitionNotAvailable,
)
from .models import (
    ASSIGNEE_TRANSITIONS,
    COMMENT_REQUIRED,
    OFFICE_HEAD_TRANSITIONS,
    OPEN_STATES,
    PreparationTask,
    TaskEvent,
    TaskState,
    TaskTransition,
)
from .notices import email_template, task_url

logger = logging.getLogger(__name__)

def _label(name: str) -> str:
    try:
        return str(TaskTransition(name).label)
    except ValueError:
        return name


def _task_refusal(*, task: PreparationTask, name: str, by) -> str | None:
    """The first rule that stops ``by`` firing ``name`` on ``task`` now, or None if none does.
    Builds no message, so asking it for every row of a page is cheap."""
    if name not in PreparationTask.TRANSITION_METHODS:
        return "unknown"
    if by is None or not by.is_authenticated or not by.is_active:
        return "login"
    if name in ASSIGNEE_TRANSITIONS and by.pk != task.assignee_id:
        return "assignee"
    if name in OFFICE_HEAD_TRANSITIONS and by.role != Role.OFFICE_HEAD:
        return "office_head"
    if not can_proceed(getattr(task, PreparationTask.TRANSITION_METHODS[name])):
        return "state"
    if name == TaskTransition.SUBMIT and not task.has_result:
        return "result"
    return None


def task_transition_allowed(*, task: PreparationTask, name: str, by) -> bool:
    """Whether ``by`` may fire ``name`` on ``task`` now (``task_transition_check`` without the comment)."""
    return _task_refusal(task=task, name=name, by=by) is None


def task_transition_check(*, task: PreparationTask, name: str, by, comment: str | None = None) -> None:
    """Raise the TaskError that firing ``name`` would meet now; return if it may fire.
    ``comment=None`` skips the comment check (for listing the available actions)."""
    refusal = _task_refusal(task=task, name=name, by=by)
    if refusal == "unknown":
        raise TaskTransitionNotAvailable(_("Неизвестное действие «%(name)s».") % {"name": name})
    if refusal == "login":
        raise TaskForbidden(_("Войдите в систему."))
    if refusal == "assignee":
        raise TaskForbidden(_("Действие «%(action)s» выполняет только исполнитель задачи.") % {"action": _label(name)})
    if refusal == "office_head":
        raise TaskForbidden(
            _("Действие «%(action)s» выполняет только руководитель Проектного офиса.") % {"action": _label(name)}
        )
    if refusal == "state":
        raise TaskTransitionNotAvailable(
            _("Действие «%(action)s» невозможно: задача в состоянии «%(state)s».")
            % {"action": _label(name), "state": TaskState(task.state).label}
        )
    if refusal == "result":
        raise TaskResultRequired()
    if comment is not None and name in COMMENT_REQUIRED and not comment.strip():
        raise TaskCommentRequired()


def task_transitions_available(*, task: PreparationTask, user) -> list[str]:
    return [
        str(name)
        for name in PreparationTask.TRANSITION_METHODS
        if task_transition_allowed(task=task, name=name, by=user)
    ]


def _fire(*, locked: PreparationTask, name: str, actor, comment: str, now: datetime.datetime) -> TaskEvent:
    from_state = locked.state
    getattr(locked, PreparationTask.TRANSITION_METHODS[name])()
    try:
        locked.save()
    except ConcurrentTransition as exc:
        raise TaskConcurrentChange() from exc
    return TaskEvent.objects.create(
        task=locked,
        transition=name,
        from_state=from_state,
        to_state=locked.state,
        actor=actor,
        actor_name=actor.record_name if actor else SYSTEM_NAME,
        actor_position=actor.position_label if actor else "",
        comment=comment,
        created_at=now,
    )


def task_transition(*, task: PreparationTask, name: str, by, comment: str = "") -> TaskEvent:
    """Fire ``name`` on ``task`` as ``by``: check, lock, change, save and write the history row
    in one transaction. Two people at once: the second sees the new state and gets a 409."""
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = PreparationTask.objects.select_for_update().get(pk=task.pk)
        if locked.state != task.state:
            raise TaskConcurrentChange(
                _("Задача уже изменена другим пользователем: теперь «%(state)s».")
                % {"state": TaskState(locked.state).label}
            )
        task_transition_check(task=locked, name=name, by=by, comment=comment)
        event = _fire(locked=locked, name=name, actor=by, comment=comment, now=timezone.now())
        if name in NOTIFY_ASSIGNEE_ON:
            outbox_messages_add(messages=_change_notice(task=locked, event=event))
    task.refresh_from_db()
    return event


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



# --- Session changes -----------------------------------------------------------------------


def tasks_cancel_for_session(*, session, by=None) -> int:
    """The session is called off: its open tasks are cancelled, each with a history row."""
    now = timezone.now()
    count = 0
    with transaction.atomic():
        notices = []
        tasks = PreparationTask.objects.select_for_update(of=("self",)).select_related("assignee", "session")
        for task in tasks.filter(session=session, state__in=OPEN_STATES):
            event = _fire(locked=task, name=TaskTransition.CANCEL, actor=by, comment=_("Заседание отменено."), now=now)
            notices += _change_notice(task=task, event=event)
            count += 1
        outbox_messages_add(messages=notices)
    return count


def tasks_reschedule_for_session(*, session, today: datetime.date | None = None) -> int:
    """The session moved: its open tasks get the due date the rules give for the new date."""
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
                    actor=None,
                    actor_name=SYSTEM_NAME,
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


