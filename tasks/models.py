"""Preparation tasks, their history, the reminder policy and the e-mail outbox.

assigned --start--> in_progress --submit(result)--> submitted --accept--> done
submitted --return(comment)--> in_progress          any open --cancel--> cancelled

"Overdue" is derived (``PreparationTaskQuerySet.overdue``), never stored.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Role


class TaskState(models.TextChoices):
    ASSIGNED = "assigned", _("Назначена")
    IN_PROGRESS = "in_progress", _("В работе")
    SUBMITTED = "submitted", _("На проверке")
    DONE = "done", _("Принята")
    CANCELLED = "cancelled", _("Отменена")


# Where result files are stored under MEDIA_ROOT (never served from there: tasks.result_files).
RESULTS_DIR = "tasks/results"

# Open: may still be cancelled or rescheduled. Pending: waiting for the assignee, so it can be
# late and is reminded about; a submitted task waits for the office head, not for the assignee.
OPEN_STATES = (TaskState.ASSIGNED, TaskState.IN_PROGRESS, TaskState.SUBMITTED)
PENDING_STATES = (TaskState.ASSIGNED, TaskState.IN_PROGRESS)


class TaskKind(models.TextChoices):
    PROJECT_REPORT = "project_report", _("Отчёт по проекту")
    ITEM_PREPARATION = "item_preparation", _("Подготовка вопроса повестки")


class TaskTransition(models.TextChoices):
    ASSIGN = "assign", _("Назначить")
    START = "start", _("Взять в работу")
    SUBMIT = "submit", _("Сдать результат")
    ACCEPT = "accept", _("Принять")
    RETURN = "return", _("Вернуть на доработку")
    CANCEL = "cancel", _("Отменить")
    RESCHEDULE = "reschedule", _("Перенести срок")


# Who may fire a transition: the assignee or the office head (checked in services).
ASSIGNEE_TRANSITIONS = frozenset({TaskTransition.START, TaskTransition.SUBMIT})
OFFICE_HEAD_TRANSITIONS = frozenset({TaskTransition.ACCEPT, TaskTransition.RETURN, TaskTransition.CANCEL})
COMMENT_REQUIRED = frozenset({TaskTransition.RETURN})


class PreparationTaskQuerySet(models.QuerySet):
    def open(self) -> PreparationTaskQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def pending(self) -> PreparationTaskQuerySet:
        return self.filter(state__in=PENDING_STATES)

    def overdue(self, *, today: datetime.date | None = None) -> PreparationTaskQuerySet:
        return self.filter(self.overdue_q(today=today))

    def not_overdue(self, *, today: datetime.date | None = None) -> PreparationTaskQuerySet:
        return self.exclude(self.overdue_q(today=today))

    @staticmethod
    def overdue_q(*, today: datetime.date | None = None) -> Q:
        return Q(state__in=PENDING_STATES, due_date__lt=today or timezone.localdate())

    def with_overdue(self, *, today: datetime.date | None = None) -> PreparationTaskQuerySet:
        """Annotate ``is_overdue`` (bool) for ordering and serializing without extra queries."""
        return self.annotate(
            is_overdue=models.ExpressionWrapper(self.overdue_q(today=today), output_field=models.BooleanField())
        )

    def visible_to(self, user) -> PreparationTaskQuerySet:
        """Office staff and the department head see every task; anyone else only their own."""
        return self if sees_all_tasks(user) else self.filter(assignee=user)


def sees_all_tasks(user) -> bool:
    """The office staff and the department head follow everyone's preparation."""
    return user.role in (Role.OFFICE_HEAD, Role.SECRETARY, Role.DEPARTMENT_HEAD) or user.is_superuser


class PreparationTask(ConcurrentTransitionMixin, models.Model):
    """Поручение: prepare a report or an agenda question before a session."""

    item = models.ForeignKey(
        "workflow.AgendaItem", verbose_name=_("пункт повестки"), on_delete=models.CASCADE, related_name="tasks"
    )
    session = models.ForeignKey(
        "workflow.Session", verbose_name=_("заседание"), on_delete=models.CASCADE, related_name="tasks"
    )
    project = models.ForeignKey(
        "workflow.Project",
        verbose_name=_("проект"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("исполнитель"),
        on_delete=models.PROTECT,
        related_name="preparation_tasks",
    )
    kind = models.CharField(_("вид"), max_length=20, choices=TaskKind.choices)
    # Non-null part of the identity: "item" or "project:<id>". NULLs never collide in a unique
    # constraint, so a nullable project column alone would not stop duplicates.
    kind_key = models.CharField(_("ключ вида"), max_length=40, editable=False)
    title = models.TextField(_("задача"))
    due_date = models.DateField(_("срок"), db_index=True)
    state = FSMField(
        _("состояние"), default=TaskState.ASSIGNED, choices=TaskState.choices, protected=True, db_index=True
    )
    result_file = models.FileField(_("файл результата"), upload_to=f"{RESULTS_DIR}/%Y/%m/", blank=True)
    result_text = models.TextField(_("текст результата"), blank=True)
    assignment_notified_at = models.DateTimeField(_("уведомление о назначении"), null=True, blank=True)
    created_at = models.DateTimeField(_("создана"), default=timezone.now)
    updated_at = models.DateTimeField(_("изменена"), auto_now=True)

    objects = PreparationTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("задача подготовки")
        verbose_name_plural = _("задачи подготовки")
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "assignee", "kind_key"], name="task_unique_item_assignee_kind"),
        ]
        indexes = [
            models.Index(fields=["state", "due_date"]),
            # The reminder sweep walks assignees in keyset batches and keeps open tasks by due date.
            models.Index(fields=["assignee", "state", "due_date"], name="task_assignee_state_due_idx"),
            # The task list's order: a page is read straight off the index (many tasks share a due date).
            models.Index(fields=["due_date", "id"], name="task_due_date_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.assignee}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def days_late(self, *, today: datetime.date | None = None) -> int:
        if self.state not in PENDING_STATES:
            return 0
        return max(0, ((today or timezone.localdate()) - self.due_date).days)

    @property
    def has_result(self) -> bool:
        return bool(self.result_file) or bool(self.result_text.strip())

    # Transitions are fired only by tasks.transitions.task_transition (checks, lock, history row).
    @transition(field=state, source=TaskState.ASSIGNED, target=TaskState.IN_PROGRESS)
    def start(self) -> None:
        pass

    @transition(field=state, source=TaskState.IN_PROGRESS, target=TaskState.SUBMITTED)
    def submit(self) -> None:
        pass

    @transition(field=state, source=TaskState.SUBMITTED, target=TaskState.DONE)
    def accept(self) -> None:
        pass

    @transition(field=state, source=TaskState.SUBMITTED, target=TaskState.IN_PROGRESS)
    def return_for_revision(self) -> None:
        pass

    @transition(field=state, source=list(OPEN_STATES), target=TaskState.CANCELLED)
    def cancel(self) -> None:
        pass

    TRANSITION_METHODS = {
        TaskTransition.START: "start",
        TaskTransition.SUBMIT: "submit",
        TaskTransition.ACCEPT: "accept",
        TaskTransition.RETURN: "return_for_revision",
        TaskTransition.CANCEL: "cancel",
    }


class TaskEventQuerySet(models.QuerySet):
    """Append-only: no bulk update or delete through the ORM."""

    def update(self, **kwargs):
        raise PermissionError("Task events are append-only.")

    def delete(self):
        raise PermissionError("Task events are append-only.")


class TaskEvent(models.Model):
    """One row of a task's history: who did what, in which position, when, and why."""

    task = models.ForeignKey(PreparationTask, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(_("действие"), max_length=20, choices=TaskTransition.choices)
    from_state = models.CharField(_("из состояния"), max_length=20, choices=TaskState.choices, blank=True)
    to_state = models.CharField(_("в состояние"), max_length=20, choices=TaskState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="task_events",
        help_text=_("Пусто — действие системы."),
    )
    actor_name = models.CharField(_("ФИО"), max_length=255)
    actor_position = models.CharField(_("должность на момент действия"), max_length=255, blank=True)
    comment = models.TextField(_("комментарий"), blank=True)
    created_at = models.DateTimeField(_("когда"), default=timezone.now, db_index=True)

    objects = TaskEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("событие задачи")
        verbose_name_plural = _("история задачи")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_transition_display()}: {self.actor_name}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("Task events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Task events are append-only.")


class ReminderPolicy(models.Model):
    """How the system chases: one row (pk=1), edited in the admin without a deploy."""

    days_before_due = models.PositiveSmallIntegerField(
        _("напомнить за, дней до срока"), default=3, help_text=_("0 — не напоминать заранее.")
    )
    remind_on_due_date = models.BooleanField(_("напоминать в день срока"), default=True)
    overdue_every_days = models.PositiveSmallIntegerField(
        _("повторять при просрочке каждые, дней"), default=2, help_text=_("0 — не напоминать о просрочке.")
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("сообщать руководителю офиса после просрочки, дней"),
        default=3,
        help_text=_("Руководитель Проектного офиса ежедневно получает список задач, просроченных дольше этого."),
    )
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)

    class Meta:
        verbose_name = _("правила напоминаний")
        verbose_name_plural = _("правила напоминаний")

    def __str__(self) -> str:
        return str(_("Правила напоминаний"))

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> ReminderPolicy:
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy


class MessageKind(models.TextChoices):
    ASSIGNED = "assigned", _("Назначение задач")
    REMINDER = "reminder", _("Напоминание")
    ESCALATION = "escalation", _("Просроченные задачи (руководителю)")
    CHANGED = "changed", _("Задача возвращена или отменена")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Ожидает отправки")
    SENDING = "sending", _("Отправляется")
    SENT = "sent", _("Отправлено")
    FAILED = "failed", _("Не доставлено")


class OutboxMessage(models.Model):
    """An e-mail to send, written before any SMTP talk, in the transaction of its cause."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("получатель"), on_delete=models.CASCADE, related_name="outbox"
    )
    to_email = models.EmailField(_("адрес"))
    kind = models.CharField(_("вид"), max_length=20, choices=MessageKind.choices)
    day = models.DateField(_("день"))
    # Digests use "" (one per person, kind and day); an assignment notice uses the first new
    # task's id, so two assignments on one day are two notices, and a re-run is none.
    key = models.CharField(_("ключ"), max_length=40, blank=True, default="")
    subject = models.CharField(_("тема"), max_length=255)
    body_text = models.TextField(_("текст"))
    body_html = models.TextField(_("HTML"), blank=True)
    task_ids = models.JSONField(_("задачи"), default=list, blank=True)
    status = models.CharField(
        _("статус"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("попыток"), default=0)
    last_error = models.TextField(_("последняя ошибка"), blank=True)
    next_attempt_at = models.DateTimeField(_("следующая попытка"), default=timezone.now)
    claimed_at = models.DateTimeField(_("взято в отправку"), null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True, default="", editable=False)
    sent_at = models.DateTimeField(_("отправлено"), null=True, blank=True)
    created_at = models.DateTimeField(_("создано"), default=timezone.now)

    class Meta:
        verbose_name = _("письмо")
        verbose_name_plural = _("исходящие письма")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "day", "key"], name="outbox_unique_recipient_kind_day")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to_email} ({self.day:%d.%m.%Y})"
