"""The preparation task's life cycle, declared for the transition kernel (``lifecycle.kernel``).

assigned --start--> in_progress --submit(result)--> submitted --accept--> done
submitted --return(comment)--> in_progress          any open --cancel--> cancelled

The assignee starts and submits (with a result attached); the office head accepts, returns with
a comment, or cancels. "Overdue" is derived from the due date and the state, never stored.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from lifecycle.kernel import Assignee, Condition, Lifecycle, Log, Roles, Transition


class TaskState(models.TextChoices):
    ASSIGNED = "assigned", _("Назначена")
    IN_PROGRESS = "in_progress", _("В работе")
    SUBMITTED = "submitted", _("На проверке")
    DONE = "done", _("Принята")
    CANCELLED = "cancelled", _("Отменена")


# Open: may still be cancelled or rescheduled. Pending: waiting for the assignee, so it can be
# late and is reminded about; a submitted task waits for the office head, not for the assignee.
OPEN_STATES = (TaskState.ASSIGNED, TaskState.IN_PROGRESS, TaskState.SUBMITTED)
PENDING_STATES = (TaskState.ASSIGNED, TaskState.IN_PROGRESS)


class TaskTransition(models.TextChoices):
    """The task's history actions: the five transitions, and what the system writes (assign,
    reschedule) without changing the state."""

    ASSIGN = "assign", _("Назначить")
    START = "start", _("Взять в работу")
    SUBMIT = "submit", _("Сдать результат")
    ACCEPT = "accept", _("Принять")
    RETURN = "return", _("Вернуть на доработку")
    CANCEL = "cancel", _("Отменить")
    RESCHEDULE = "reschedule", _("Перенести срок")


def _result_attached(task, transition) -> str | None:
    return None if task.has_result else str(_("Приложите файл или впишите текст результата перед сдачей."))


_ASSIGNEE = Assignee()
_OFFICE_HEAD = Roles.anywhere(
    Role.OFFICE_HEAD, message=_("Действие «%(action)s» выполняет только руководитель Проектного офиса.")
)


TASK = Lifecycle(
    name="task",
    states=TaskState,
    initial=TaskState.ASSIGNED,
    log=Log(model="tasks.TaskEvent", link=lambda task: {"task": task}),
    state_message=_("Действие «%(action)s» невозможно: задача в состоянии «%(state)s»."),
    conflict_message=_("Задача уже изменена другим пользователем: теперь «%(state)s»."),
    stale_message=_("Задача только что изменена другим пользователем. Обновите страницу."),
    transitions=(
        Transition(TaskTransition.START, TaskTransition.START.label, (TaskState.ASSIGNED,), TaskState.IN_PROGRESS,
                   _ASSIGNEE, description="«Назначена» → «В работе». Исполнитель задачи."),
        Transition(TaskTransition.SUBMIT, TaskTransition.SUBMIT.label, (TaskState.IN_PROGRESS,), TaskState.SUBMITTED,
                   _ASSIGNEE, conditions=(Condition(_result_attached, code="result_required", status=400),),
                   description="«В работе» → «На проверке»; нужен приложенный результат. Исполнитель задачи."),
        Transition(TaskTransition.ACCEPT, TaskTransition.ACCEPT.label, (TaskState.SUBMITTED,), TaskState.DONE,
                   _OFFICE_HEAD, description="«На проверке» → «Принята». Руководитель Проектного офиса."),
        Transition(TaskTransition.RETURN, TaskTransition.RETURN.label, (TaskState.SUBMITTED,), TaskState.IN_PROGRESS,
                   _OFFICE_HEAD, comment_required=True,
                   description="«На проверке» → «В работе», с обязательным комментарием. Руководитель Проектного "
                   "офиса."),
        Transition(TaskTransition.CANCEL, TaskTransition.CANCEL.label, OPEN_STATES, TaskState.CANCELLED,
                   _OFFICE_HEAD, comment_required=True,
                   description="Открытая задача → «Отменена», с обязательной причиной (её видит исполнитель). "
                   "Руководитель Проектного офиса."),
    ),
)
