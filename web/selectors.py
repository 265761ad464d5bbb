"""Reads for the pages: what a user's task list, a plan read as a document, its approval
sheet and the overdue board show. Visibility comes from ``workflow.visibility`` and
``PreparationTask.objects.visible_to``; nothing here writes."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from approvals.models import COMMENT_REQUIRED, Decision, TransitionName
from approvals.services import transitions_available
from outbox.models import MessageKind, OutboxMessage, OutboxStatus
from tasks.models import (
    PENDING_STATES,
    PreparationTask,
    TaskEvent,
    TaskState,
)
from tasks.transitions import task_transitions_available
from workflow.models import AgendaItem, Plan, Responsibility, Session
from workflow.serializers import attach_tree
from workflow.visibility import items_visible, plans_visible

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
    if user.role == Role.OFFICE_HEAD:
        filters[REVIEW_FILTER[0]] = REVIEW_FILTER[1]
    return filters


def tasks_visible(*, user: User) -> QuerySet[PreparationTask]:
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


def task_page(*, task: PreparationTask, user: User, today: datetime.date) -> TaskPage:
    return TaskPage(
        task=task,
        events=list(task.events.select_related("actor").order_by("created_at", "id")),
        actions=task_transitions_available(task=task, user=user),
        may_attach=user.pk == task.assignee_id and task.state in PENDING_STATES,
        plan_visible=plans_visible(user=user).filter(pk=task.session.plan_id).exists(),
        days_late=task.days_late(today=today),
    )


# --- Plans ---------------------------------------------------------------------------------


def plan_list(*, user: User) -> QuerySet[Plan]:
    return plans_visible(user=user).order_by("-year", "office", "id")


def plan_document(*, plan: Plan, user: User) -> Plan:
    """``plan`` with ``tree_sessions`` → ``tree_items`` → ``tree_children`` of what the user
    sees, each item with ``actions`` (the transitions the user may fire on it now)."""
    items = list(
        items_visible(user=user)
        .filter(plan=plan)
        .select_related("project")
        .prefetch_related(
            Prefetch("responsibilities", queryset=Responsibility.objects.select_related("person", "group"))
        )
        .order_by("order", "id")
    )
    sessions = list(Session.objects.filter(plan=plan).order_by("number"))
    attach_tree(plan, items, sessions)
    for item in items:
        item.actions = _buttons(transitions_available(obj=item, user=user))
    for session in sessions:
        session.responsible_labels = list(dict.fromkeys(_labels(session.tree_items)))
    plan.actions = _buttons(transitions_available(obj=plan, user=user))
    return plan


def _buttons(names: list[str]) -> list[dict]:
    return [
        {"name": name, "label": TransitionName(name).label, "comment_required": name in COMMENT_REQUIRED}
        for name in names
    ]


def _labels(items) -> list[str]:
    """Responsible persons and groups of ``items`` and their sub-items, in document order."""
    labels = []
    for item in items:
        labels += [r.label for r in item.responsibilities.all()]
        labels += _labels(item.tree_children)
    return labels


def plan_approval_sheet(*, plan: Plan, user: User) -> list[Decision]:
    """The plan's decisions and the own decisions of its amendments the user sees; the rows an
    item got by moving along with the plan are the plan's decision, not repeated."""
    item_ids = list(items_visible(user=user).filter(plan=plan, is_amendment=True).values_list("pk", flat=True))
    plan_type = ContentType.objects.get_for_model(Plan)
    item_type = ContentType.objects.get_for_model(AgendaItem)
    decisions = list(
        Decision.objects.filter(
            Q(content_type=plan_type, object_id=plan.pk)
            | Q(content_type=item_type, object_id__in=item_ids, carried_by__isnull=True)
        ).order_by("created_at", "id")
    )
    items = {item.pk: item for item in AgendaItem.objects.filter(pk__in=item_ids)}
    for decision in decisions:
        decision.item = items.get(decision.object_id) if decision.content_type_id == item_type.pk else None
    return decisions


# --- The overdue board ---------------------------------------------------------------------


@dataclass
class OverdueGroup:
    title: str
    tasks: list[PreparationTask] = field(default_factory=list)
    last_reminder: datetime.datetime | None = None


def overdue_board(*, today: datetime.date) -> dict:
    """Overdue tasks grouped by session and by person; for each task and person the last
    reminder actually sent (from the outbox)."""
    tasks = list(
        PreparationTask.objects.overdue(today=today)
        .select_related("session", "session__plan", "assignee")
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
    by_session: dict[int, OverdueGroup] = {}
    by_person: dict[int, OverdueGroup] = defaultdict(lambda: OverdueGroup(title=""))
    for task in tasks:
        task.days_late_now = task.days_late(today=today)
        task.last_reminder = last_sent.get(task.id)
        session = task.session
        group = by_session.setdefault(session.pk, OverdueGroup(title=f"{session} — {session.plan}"))
        group.session = session
        group.tasks.append(task)
        person = by_person[task.assignee_id]
        person.title = str(task.assignee)
        person.person = task.assignee
        person.last_reminder = last_by_person.get(task.assignee_id)
        person.tasks.append(task)
    for person in by_person.values():
        person.max_late = max(task.days_late_now for task in person.tasks)
    people = sorted(by_person.values(), key=lambda g: (-len(g.tasks), g.title))
    return {"today": today, "total": len(tasks), "by_session": list(by_session.values()), "by_person": people}
