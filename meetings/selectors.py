"""Reads of the meetings: a session's participants and agenda, its materials, the protocols a
person sees, the assignments due by a day and their execution status."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import ResponsibleGroup, Role, User
from approvals.models import ApprovalState
from tasks.models import OPEN_STATES, PreparationTask, TaskKind, TaskState
from workflow.lifecycles import SessionState
from workflow.models import AgendaItem, Responsibility, Session

from .models import Assignment, Protocol

# The office staff and the department head see every protocol; anyone else the approved ones.
SEES_ALL_PROTOCOLS = (Role.SECRETARY, Role.OFFICE_HEAD, Role.DEPARTMENT_HEAD)
# The agenda lists the items that stand in the plan: approved (and archived with it).
AGENDA_STATES = (ApprovalState.APPROVED, ApprovalState.ARCHIVED)


def chair_name() -> str:
    """The chair of the office's sessions: the department head (the first active one)."""
    head = User.objects.filter(role=Role.DEPARTMENT_HEAD, is_active=True).order_by("pk").first()
    return (head.short_name or str(head)) if head else ""


def agenda_items(*, session: Session) -> list[AgendaItem]:
    """The session's approved items in the plan's order (parents before their sub-items), with
    their responsible persons and groups."""
    items = list(
        AgendaItem.objects.filter(session=session, state__in=AGENDA_STATES)
        .prefetch_related(Prefetch("responsibilities", queryset=Responsibility.objects.select_related(
            "person", "group").prefetch_related("group__members")))
        .order_by("parent_id", "order", "id")
    )
    children: dict[int | None, list[AgendaItem]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    known = {item.pk for item in items}
    ordered: list[AgendaItem] = []

    def walk(parent_id, depth):
        for item in children.get(parent_id, []):
            item.depth = depth
            ordered.append(item)
            walk(item.pk, depth + 1)

    walk(None, 0)
    for item in items:  # a sub-item whose parent is not approved: at the top level
        if item.parent_id is not None and item.parent_id not in known:
            item.depth = 0
            ordered.append(item)
    return ordered


def session_participants(*, session: Session) -> list[User]:
    """Who takes part: the items' responsible persons (groups give their members), the office
    head, the department head and the people added to the session — active, each once."""
    people: dict[int, User] = {}
    for item in agenda_items(session=session):
        for responsibility in item.responsibilities.all():
            members = [responsibility.person] if responsibility.person_id else responsibility.group.members.all()
            for person in members:
                people.setdefault(person.pk, person)
    for person in User.objects.filter(role__in=(Role.OFFICE_HEAD, Role.DEPARTMENT_HEAD)).order_by("pk"):
        people.setdefault(person.pk, person)
    for person in User.objects.filter(pk__in=session.participants.values("person_id")).order_by("pk"):
        people.setdefault(person.pk, person)
    return [person for person in people.values() if person.is_active]


def session_materials(*, session: Session) -> list[PreparationTask]:
    """Every accepted preparation result of the session, in the agenda's order."""
    return list(
        PreparationTask.objects.filter(session=session, state=TaskState.DONE, item__isnull=False)
        .exclude(kind=TaskKind.PROTOCOL_ASSIGNMENT)
        .select_related("item", "assignee")
        .order_by("item__order", "item_id", "assignee__short_name", "id")
    )


def protocols_visible(*, user: User) -> QuerySet[Protocol]:
    queryset = Protocol.objects.select_related("session", "session__plan", "created_by")
    if user.is_superuser or user.role in SEES_ALL_PROTOCOLS:
        return queryset
    return queryset.filter(state__in=AGENDA_STATES)


def assignment_tasks(*, protocol_id: int | None = None, person_id: int | None = None,
                     due_from: datetime.date | None = None, due_to: datetime.date | None = None,
                     ) -> QuerySet[PreparationTask]:
    """Tasks of protocols' assignments, filtered by protocol, person and due period."""
    queryset = (PreparationTask.objects.filter(kind=TaskKind.PROTOCOL_ASSIGNMENT)
                .select_related("assignee", "assignment", "assignment__protocol", "controller")
                .order_by("due_date", "assignment__protocol_id", "assignment_id", "id"))
    if protocol_id is not None:
        queryset = queryset.filter(assignment__protocol_id=protocol_id)
    if person_id is not None:
        queryset = queryset.filter(assignee_id=person_id)
    if due_from is not None:
        queryset = queryset.filter(due_date__gte=due_from)
    if due_to is not None:
        queryset = queryset.filter(due_date__lte=due_to)
    return queryset


def assignments_for_control(*, session: Session) -> list[PreparationTask]:
    """«О ходе исполнения поручений»: assignment tasks of earlier sessions' protocols due by this
    session's date, with their state (cancelled ones aside). One closed before an earlier
    session was heard there already: only the open ones and those due since then are listed."""
    queryset = (assignment_tasks(due_to=session.expected_date).exclude(session=session)
                .exclude(state=TaskState.CANCELLED))
    held = (Session.objects.filter(state=SessionState.HELD, planned_month__lte=session.planned_month)
            .exclude(pk=session.pk).only("planned_month", "starts_at"))
    earlier = [s.expected_date for s in held if s.expected_date < session.expected_date]
    if earlier:
        queryset = queryset.filter(Q(state__in=OPEN_STATES) | Q(due_date__gt=max(earlier)))
    return list(queryset)


@dataclass
class StatusRow:
    protocol: Protocol
    assignment: Assignment
    task: PreparationTask
    overdue: bool


def assignment_status(*, today: datetime.date, **filters) -> list[StatusRow]:
    """The execution status of the assignments (``assignment_tasks`` filters), one row a task."""
    return [
        StatusRow(protocol=task.assignment.protocol, assignment=task.assignment, task=task,
                  overdue=task.days_late(today=today) > 0)
        for task in assignment_tasks(**filters)
    ]


def responsible_groups() -> QuerySet[ResponsibleGroup]:
    return ResponsibleGroup.objects.order_by("name")
