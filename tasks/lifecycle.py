"""The preparation task's life cycle, declared for the transition kernel (``lifecycle.kernel``).

assigned --start--> in_progress --submit(result)--> submitted --accept--> done
submitted --return(comment)--> in_progress          any open --cancel--> cancelled

The assignee starts and submits (with a result attached); the office head accepts, returns with
a comment, or cancels; a protocol's assignment may name a control person (``controller``), who
accepts or returns its report as well (``RolesOrController``). "Overdue" is derived from the due
date and the state, never stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from config.choices import text_choices
from lifecycle.kernel import Assignee, Condition, Lifecycle, Log, Roles, Transition

TaskState = text_choices("TaskState", {
    "assigned": _("Назначена"), "in_progress": _("В работе"), "submitted": _("На проверке"),
    "done": _("Принята"), "cancelled": _("Отменена"),
})


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
    HAND_OVER = "hand_over", _("Передать другому исполнителю")


def _result_attached(task, transition) -> str | None:
    return None if task.has_result else str(_("Приложите файл или впишите текст результата перед сдачей."))


@dataclass(frozen=True)
class RolesOrController(Roles):
    """The roles, or the person set to control the task (``controller_id``: a protocol's
    assignment may name one). Still a ``Roles``: the admin's bulk actions ask the roles."""

    field: str = "controller_id"
    message_controller: str = _("Действие «%(action)s» выполняет руководитель Проектного офиса или "
                                "контролирующий исполнение поручения.")

    def _controls(self, obj, user) -> bool:
        return obj is not None and getattr(obj, self.field, None) is not None and getattr(obj, self.field) == user.pk

    def may_try(self, obj, user) -> bool:
        return super().may_try(obj, user) or self._controls(obj, user)

    def may_now(self, obj, user) -> bool:
        return super().may_now(obj, user) or self._controls(obj, user)

    def in_place_of(self, obj, user):
        return None if self._controls(obj, user) else super().in_place_of(obj, user)

    def refusal(self, transition, obj, *, now):
        if obj is not None and getattr(obj, self.field, None) is not None:
            return self.message_controller % {"action": transition.label}
        return super().refusal(transition, obj, now=now)


_ASSIGNEE = Assignee()
_OFFICE_HEAD = Roles.anywhere(
    Role.OFFICE_HEAD, message=_("Действие «%(action)s» выполняет только руководитель Проектного офиса.")
)
# Accepting or returning a result: the office head, or a protocol assignment's control person.
_CONTROL = RolesOrController(_OFFICE_HEAD.by_state, message=_OFFICE_HEAD.message)


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
                   _CONTROL, description="«На проверке» → «Принята». Руководитель Проектного офиса или контролирующий исполнение "
                   "поручения по протоколу."),
        Transition(TaskTransition.RETURN, TaskTransition.RETURN.label, (TaskState.SUBMITTED,), TaskState.IN_PROGRESS,
                   _CONTROL, comment_required=True,
                   description="«На проверке» → «В работе», с обязательным комментарием. Руководитель Проектного "
                   "офиса или контролирующий исполнение поручения по протоколу."),
        Transition(TaskTransition.CANCEL, TaskTransition.CANCEL.label, OPEN_STATES, TaskState.CANCELLED,
                   _OFFICE_HEAD, comment_required=True,
                   description="Открытая задача → «Отменена», с обязательной причиной (её видит исполнитель). "
                   "Руководитель Проектного офиса."),
    ),
)
