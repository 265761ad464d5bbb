"""Reads for the pages: what a user's task list, a plan read as a document, its approval
sheet and the overdue board show. Visibility comes from ``workflow.visibility`` and
``PreparationTask.objects.visible_to``; nothing here writes."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from accounts.substitutions import acting_for, acts_as
from lifecycle.kernel import available, buttons
from outbox.models import MessageKind, OutboxMessage, OutboxStatus
from tasks.models import (
    PENDING_STATES,
    PreparationTask,
    TaskEvent,
    TaskState,
    TaskTransition,
    sees_all_tasks,
)
from tasks.selectors import late_tasks
from workflow.models import Plan
from workflow.selectors import plan_tree
from workflow.visibility import plans_visible

DUE_SOON_DAYS = 7

# The filters of «Мои задачи»: key -> label. "review" is for the office head.
TASK_FILTERS = {
    "open": _("Текущие"),
    "soon": _("Скоро срок"),
    "overdue": _("Просроченные"),
    "done": _("Выполненные"),
}
REVIEW_FILTER = ("review", _("Ждут проверки"))


def task_filters_for(user: User) -> dict[str, str]:
    filters = dict(TASK_FILTERS)
    if acts_as(user, Role.OFFICE_HEAD):
        filters[REVIEW_FILTER[0]] = REVIEW_FILTER[1]
    return filters


def tasks_visible(*, user: User) -> QuerySet[PreparationTask]:
    """The tasks ``user`` sees: their own role's, or, while they stand in for someone who sees
    every task (an acting office head), every task — to review what waits for that role."""
    if not sees_all_tasks(user) and any(sees_all_tasks(person) for person in acting_for(user)):
        return PreparationTask.objects.all()
    return PreparationTask.objects.visible_to(user)


def tasks_list(*, user: User, view: str, everyone: bool, today: datetime.date) -> QuerySet[PreparationTask]:
    """The rows of «Мои задачи». ``everyone``: every task the user may see, not only their own
    (for office staff and the department head); the review filter always looks at everyone's."""
    tasks = tasks_visible(user=user)
    if not (everyone or view == REVIEW_FILTER[0]):
        tasks = tasks.filter(assignee=user)
    if view == "soon":
        tasks = tasks.filter(
            state__in=PENDING_STATES, due_date__gte=today, due_date__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)
        )
    elif view == "overdue":
        tasks = tasks.overdue(today=today)
    elif view == "done":
        tasks = tasks.filter(state=TaskState.DONE)
    elif view == REVIEW_FILTER[0]:
        tasks = tasks.filter(state=TaskState.SUBMITTED)
    else:
        tasks = tasks.open()
    ordering = ("-updated_at", "-id") if view == "done" else ("due_date", "id")
    return tasks.with_overdue(today=today).select_related("session", "session__plan", "assignee").order_by(*ordering)


def task_counts(*, user: User, today: datetime.date) -> dict[str, int]:
    """How many of the user's own tasks are overdue and due soon (for the page's summary)."""
    own = tasks_visible(user=user).filter(assignee=user)
    return {
        "overdue": own.overdue(today=today).count(),
        "soon": own.filter(
            state__in=PENDING_STATES, due_date__gte=today, due_date__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)
        ).count(),
    }


@dataclass
class TaskPage:
    task: PreparationTask
    events: list[TaskEvent]
    actions: list[str]
    may_attach: bool
    plan_visible: bool
    days_late: int
    # The office head's last word the assignee must see first: a return (while the task is
    # back with them) or the reason of a cancellation.
    decision: TaskEvent | None = None
    next_step: str = ""
    versions: list = field(default_factory=list)  # earlier results, the latest first


def task_page(*, task: PreparationTask, user: User, today: datetime.date) -> TaskPage:
    events = list(task.events.select_related("actor").order_by("created_at", "id"))
    moves = [e for e in events if e.transition in (TaskTransition.RETURN, TaskTransition.CANCEL, TaskTransition.SUBMIT)]
    last = moves[-1] if moves else None
    shown = (task.state == TaskState.CANCELLED and last and last.transition == TaskTransition.CANCEL) or (
        task.state == TaskState.IN_PROGRESS and last and last.transition == TaskTransition.RETURN
    )
    actions = available(obj=task, user=user)
    may_attach = user.pk == task.assignee_id and task.state in PENDING_STATES
    return TaskPage(
        task=task,
        events=events,
        actions=actions,
        may_attach=may_attach,
        plan_visible=plans_visible(user=user).filter(pk=task.session.plan_id).exists(),
        days_late=task.days_late(today=today),
        decision=last if shown else None,
        next_step=_next_step(task, actions=actions, may_attach=may_attach),
        versions=list(task.result_versions.select_related("replaced_by")),
    )


def _next_step(task: PreparationTask, *, actions: list[str], may_attach: bool) -> str:
    """The one thing to do next on the task page, in the page's own button names."""
    if TaskTransition.ACCEPT in actions:
        return str(_("Проверьте результат и нажмите «Принять» или «Вернуть на доработку» с комментарием."))
    if TaskTransition.SUBMIT in actions:
        return str(_("Результат приложен. Проверьте его и нажмите «Сдать результат»; до сдачи его можно заменить."))
    if may_attach:
        return str(_("Приложите файл или впишите текст результата и нажмите «Сохранить результат» (задача перейдёт "
                     "в работу), затем — «Сдать результат»."))
    if task.state == TaskState.SUBMITTED:
        return str(_("Результат на проверке у руководителя Проектного офиса."))
    return ""


# --- Plans ---------------------------------------------------------------------------------


def plan_list(*, user: User) -> QuerySet[Plan]:
    return plans_visible(user=user).order_by("-year", "office", "id")


def plan_document(*, plan: Plan, user: User) -> Plan:
    """``plan`` as the shared tree (``workflow.selectors.plan_tree``) of what the user sees, each
    item with ``actions`` (the transitions the user may fire on it now) and each session with its
    responsible persons and groups in document order."""
    plan_tree(plan=plan, user=user)
    for session in plan.tree_sessions:
        session.responsible_labels = list(dict.fromkeys(_labels(session.tree_items)))
        for item in _walk(session.tree_items):
            item.actions = buttons(obj=item, user=user)
    plan.actions = buttons(obj=plan, user=user)
    return plan


def _walk(items):
    for item in items:
        yield item
        yield from _walk(item.tree_children)


def _labels(items) -> list[str]:
    """Responsible persons and groups of ``items`` and their sub-items, in document order."""
    return [who["name"] for item in _walk(items) for who in item.tree_responsibles]


# --- The overdue board ---------------------------------------------------------------------


@dataclass
class OverdueGroup:
    title: str
    tasks: list[PreparationTask] = field(default_factory=list)
    last_reminder: datetime.datetime | None = None


def overdue_board(*, today: datetime.date, session_id: int | None = None, person_id: int | None = None,
                  min_days_late: int | None = None) -> dict:
    """Overdue tasks grouped by session and by person, filtered by session, person and days
    late; for each task and person the last reminder actually sent (from the outbox). The groups
    and their counts are the shared grouping (``tasks.selectors.late_tasks``); the filters'
    choices are those of all overdue tasks."""
    every = late_tasks(day=today)
    choices = {
        "sessions": [session for session, _count in sorted(every.by_session, key=lambda r: (r[0].plan.year, r[0].number))],
        "people": sorted((person for person, _count in every.by_person), key=str),
    }
    late = late_tasks(day=today, min_days_late=max(min_days_late or 1, 1), session_id=session_id, person_id=person_id)
    tasks = list(
        late.tasks.select_related("session", "session__plan", "assignee")
        .order_by("session__plan__year", "session__number", "due_date", "id")
    )
    last_sent: dict[int, datetime.datetime] = {}
    last_by_person: dict[int, datetime.datetime] = {}
    if tasks:
        # Only reminders sent since the oldest of these tasks was created can be about them:
        # the board does not read the whole history of the outbox.
        sent = OutboxMessage.objects.filter(
            status=OutboxStatus.SENT,
            kind=MessageKind.REMINDER,
            recipient_id__in={t.assignee_id for t in tasks},
            sent_at__gte=min(t.created_at for t in tasks),
        ).only("recipient_id", "related_ids", "sent_at")
        for message in sent:
            previous = last_by_person.get(message.recipient_id)
            if previous is None or message.sent_at > previous:
                last_by_person[message.recipient_id] = message.sent_at
            for task_id in message.related_ids or ():  # a reminder's tasks
                if task_id not in last_sent or message.sent_at > last_sent[task_id]:
                    last_sent[task_id] = message.sent_at
    # A reminder written and not yet sent («Напомнить» a moment ago, or the day's run).
    queued = dict(
        OutboxMessage.objects.filter(
            status__in=(OutboxStatus.PENDING, OutboxStatus.SENDING), kind=MessageKind.REMINDER,
            recipient_id__in={t.assignee_id for t in tasks},
        ).order_by("created_at").values_list("recipient_id", "created_at")
    ) if tasks else {}
    of_session: dict[int, list[PreparationTask]] = defaultdict(list)
    of_person: dict[int, list[PreparationTask]] = defaultdict(list)
    for task in tasks:
        task.days_late_now = task.days_late(today=today)
        task.last_reminder = last_sent.get(task.id)
        of_session[task.session_id].append(task)
        of_person[task.assignee_id].append(task)
    by_session = []
    for session, _count in sorted(late.by_session, key=lambda row: (row[0].plan.year, row[0].number)):
        group = OverdueGroup(title=f"{session} — {session.plan}", tasks=of_session[session.pk])
        group.session = session
        by_session.append(group)
    people = []
    for person, _count in sorted(late.by_person, key=lambda row: (-row[1], str(row[0]))):
        group = OverdueGroup(title=str(person), tasks=of_person[person.pk], last_reminder=last_by_person.get(person.pk))
        group.person = person
        group.queued_reminder = queued.get(person.pk)
        group.max_late = max(task.days_late_now for task in group.tasks)
        people.append(group)
    return {"today": today, "total": late.total, "by_session": by_session, "by_person": people,
            "choices": choices, "all_total": every.total}
