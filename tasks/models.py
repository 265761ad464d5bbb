"""Preparation tasks, their history and the reminder policy (the e-mails: ``outbox``).

The life cycle is declared in ``tasks.lifecycle``; "overdue" is derived
(``PreparationTaskQuerySet.overdue``), never stored.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.substitutions import acts_as
from lifecycle.models import ActionLog, AppendOnlyQuerySet

from .lifecycle import OPEN_STATES, PENDING_STATES, TASK, TaskState, TaskTransition

# Where result files are stored under MEDIA_ROOT (never served from there: tasks.result_files).
RESULTS_DIR = "tasks/results"


class TaskKind(models.TextChoices):
    PROJECT_REPORT = "project_report", _("Отчёт по проекту")
    ITEM_PREPARATION = "item_preparation", _("Подготовка вопроса повестки")
    PROTOCOL_ASSIGNMENT = "protocol_assignment", _("Поручение по протоколу")


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
        """Office staff and the department head see every task; anyone else their own and those
        they control (a protocol's assignment)."""
        return self if sees_all_tasks(user) else self.filter(Q(assignee=user) | Q(controller=user))


def sees_all_tasks(user) -> bool:
    """The office staff and the department head follow everyone's preparation."""
    return acts_as(user, Role.OFFICE_HEAD, Role.SECRETARY, Role.DEPARTMENT_HEAD) or user.is_superuser


TaskLifecycle = TASK.model_base(module=__name__, verbose_name=_("состояние"), name="TaskLifecycle")


class PreparationTask(TaskLifecycle):
    """Поручение: prepare a report or an agenda question before a session."""

    # Empty for a protocol's assignment, which has ``assignment`` instead.
    item = models.ForeignKey(
        "workflow.AgendaItem", verbose_name=_("пункт повестки"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="tasks",
    )
    assignment = models.ForeignKey(
        "meetings.Assignment", verbose_name=_("поручение по протоколу"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="tasks",
    )
    controller = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("контроль исполнения"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="controlled_tasks",
        help_text=_("Кроме руководителя Проектного офиса, принимает или возвращает результат."),
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
            models.UniqueConstraint(fields=["assignment", "assignee"], condition=Q(assignment__isnull=False),
                                    name="task_unique_assignment_assignee"),
            models.CheckConstraint(condition=Q(item__isnull=False) | Q(assignment__isnull=False),
                                   name="task_item_or_assignment"),
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


class TaskEventQuerySet(AppendOnlyQuerySet):
    pass


class TaskEvent(ActionLog):
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

    objects = TaskEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("событие задачи")
        verbose_name_plural = _("история задачи")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_transition_display()}: {self.actor_name}"


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


# Earlier versions of a result: a model of its own module (tasks.result_versions).
from .result_versions import TaskResultVersion  # noqa: E402, F401
