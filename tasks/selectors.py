"""Reads: which items call for tasks, which tasks to remind about, what is overdue."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import ResponsibleGroup, Role, User
from approvals.models import ApprovalState
from workflow.models import AgendaItem, Responsibility, Session, SessionState

from .models import PENDING_STATES, PreparationTask

# Sessions that may still get tasks and reminders.
ACTIVE_SESSION_STATES = (SessionState.PLANNED, SessionState.SCHEDULED, SessionState.POSTPONED)


def _responsibilities_prefetch(prefix: str = "") -> Prefetch:
    return Prefetch(
        f"{prefix}responsibilities",
        queryset=Responsibility.objects.select_related("person").prefetch_related(
            Prefetch("group", queryset=ResponsibleGroup.objects.prefetch_related("members"))
        ),
    )


def session_in_window(*, session: Session, today: datetime.date) -> bool:
    """Whether ``session`` is ahead and close enough (``TASKS_ASSIGN_WINDOW_DAYS``) for tasks."""
    if session.state not in ACTIVE_SESSION_STATES or session.expected_date is None:
        return False
    ahead = (session.expected_date - today).days
    return 0 <= ahead <= settings.TASKS_ASSIGN_WINDOW_DAYS


def items_for_assignment(*, today: datetime.date, item_ids: list[int] | None = None) -> list[AgendaItem]:
    """Approved items of approved plans whose session is in the preparation window, with what
    the rules need prefetched (a constant number of queries whatever the plan's size)."""
    # A session's date is in its period (a month-only one up to a month after its first day):
    # filter roughly in SQL, exactly in Python with Session.expected_date. A session known only by
    # a longer period has no expected date: its tasks wait until its date is set.
    horizon = today + datetime.timedelta(days=settings.TASKS_ASSIGN_WINDOW_DAYS)
    queryset = (
        AgendaItem.objects.filter(
            state=ApprovalState.APPROVED,
            plan__state=ApprovalState.APPROVED,
            session__state__in=ACTIVE_SESSION_STATES,
            session__period_end__gte=today,
            session__period_start__lte=horizon,
        )
        .select_related("session", "project", "parent")
        .prefetch_related(
            _responsibilities_prefetch(),
            _responsibilities_prefetch("parent__"),
            "children",
            Prefetch("project__leads", queryset=User.objects.filter(is_active=True)),
        )
        .order_by("session_id", "id")
    )
    if item_ids is not None:
        queryset = queryset.filter(pk__in=item_ids)
    return [item for item in queryset if session_in_window(session=item.session, today=today)]


def chased() -> QuerySet[PreparationTask]:
    """Tasks waiting for their assignee in a session that may still be prepared for, and the
    assignments of protocols (their session is held: they are chased until done)."""
    return PreparationTask.objects.filter(
        Q(session__state__in=ACTIVE_SESSION_STATES) | Q(assignment__isnull=False), state__in=PENDING_STATES
    )


@dataclass
class LateTasks:
    """Late tasks summed up: the one grouping the office head's API summary, the overdue board
    and the escalation e-mail all read (``late_tasks``)."""

    total: int
    by_session: list[tuple[Session, int]]
    by_person: list[tuple[User, int]]
    oldest: list[PreparationTask]  # the longest-late first, at most the list limit
    tasks: QuerySet[PreparationTask] | None = None  # all of them, to read when a page lists them


def late_tasks(*, day: datetime.date, min_days_late: int = 1, chased_only: bool = False, list_limit: int = 0,
               group_limit: int | None = None, session_id: int | None = None,
               person_id: int | None = None) -> LateTasks:
    """Tasks waiting for their assignee and late by ``min_days_late`` days or more on ``day``
    (``chased_only``: only those still chased, in sessions that may be prepared for): the count,
    the counts by session and by person (largest first; the ``group_limit`` largest), and the
    ``list_limit`` longest-late tasks. Aggregates in the database: a fixed number of queries and
    rows whatever the number of late tasks."""
    base = chased() if chased_only else PreparationTask.objects.filter(state__in=PENDING_STATES)
    late = base.filter(due_date__lte=day - datetime.timedelta(days=min_days_late))
    if session_id is not None:
        late = late.filter(session_id=session_id)
    if person_id is not None:
        late = late.filter(assignee_id=person_id)
    total = late.count()
    if not total:
        return LateTasks(total=0, by_session=[], by_person=[], oldest=[], tasks=late)
    by_session = list(
        late.values_list("session_id").annotate(count=Count("id")).order_by("-count", "session_id")[:group_limit]
    )
    by_person = list(
        late.values_list("assignee_id").annotate(count=Count("id")).order_by("-count", "assignee_id")[:group_limit]
    )
    sessions = Session.objects.select_related("plan").in_bulk([session_id for session_id, _count in by_session])
    people = User.objects.in_bulk([person_id for person_id, _count in by_person])
    oldest = (
        list(late.select_related("assignee", "session").order_by("due_date", "assignee_id", "id")[:list_limit])
        if list_limit else []
    )
    return LateTasks(
        total=total,
        by_session=[(sessions[session_id], count) for session_id, count in by_session],
        by_person=[(people[person_id], count) for person_id, count in by_person],
        oldest=oldest,
        tasks=late,
    )


def office_heads() -> list[User]:
    return list(User.objects.filter(role=Role.OFFICE_HEAD, is_active=True).exclude(email="").order_by("pk"))


def overdue_summary(*, today: datetime.date) -> dict:
    """Overdue tasks counted by session and by person (the API's summary for the office head)."""
    late = late_tasks(day=today)
    by_session = sorted(late.by_session, key=lambda row: (row[0].plan.year, row[0].number))
    by_person = sorted(late.by_person, key=lambda row: (-row[1], row[0].short_name))
    return {
        "date": today,
        "total": late.total,
        "by_session": [
            {"session": session.pk, "number": session.number, "year": session.plan.year,
             "planned_month": session.planned_month, "count": count}
            for session, count in by_session
        ],
        "by_person": [
            {"assignee": person.pk, "name": person.short_name or person.username, "count": count}
            for person, count in by_person
        ],
    }
