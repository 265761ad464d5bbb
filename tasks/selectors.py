"""Reads: which items call for tasks, which tasks to remind about, what is overdue."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Count, Prefetch, Q

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
    if session.state not in ACTIVE_SESSION_STATES:
        return False
    ahead = (session.expected_date - today).days
    return 0 <= ahead <= settings.TASKS_ASSIGN_WINDOW_DAYS


def items_for_assignment(*, today: datetime.date, item_ids: list[int] | None = None) -> list[AgendaItem]:
    """Approved items of approved plans whose session is in the preparation window, with what
    the rules need prefetched (a constant number of queries whatever the plan's size)."""
    # A month-only session may fall up to a month after its first day: filter roughly in SQL,
    # exactly in Python with Session.expected_date.
    horizon = today + datetime.timedelta(days=settings.TASKS_ASSIGN_WINDOW_DAYS)
    queryset = (
        AgendaItem.objects.filter(
            state=ApprovalState.APPROVED,
            plan__state=ApprovalState.APPROVED,
            session__state__in=ACTIVE_SESSION_STATES,
            session__planned_month__gte=(today - datetime.timedelta(days=31)).replace(day=1),
            session__planned_month__lte=horizon,
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


def reminder_candidates(*, day: datetime.date, days_before: int) -> list[PreparationTask]:
    """Tasks waiting for their assignee that are due in ``days_before`` days, due today or late.
    The policy's repeat interval is applied by the caller. One query."""
    due_filter = Q(due_date__lte=day)
    if days_before:
        due_filter |= Q(due_date=day + datetime.timedelta(days=days_before))
    return list(
        PreparationTask.objects.filter(due_filter, state__in=PENDING_STATES, session__state__in=ACTIVE_SESSION_STATES)
        .select_related("assignee", "session")
        .only(
            "id",
            "title",
            "due_date",
            "state",
            "assignee_id",
            "session_id",
            "assignee__email",
            "assignee__short_name",
            "assignee__full_name",
            "assignee__first_name",
            "assignee__last_name",
            "assignee__username",
            "assignee__is_active",
            "session__number",
            "session__planned_month",
            "session__starts_at",
            "session__state",
        )
        .order_by("assignee_id", "due_date", "id")
    )


def office_heads() -> list[User]:
    return list(User.objects.filter(role=Role.OFFICE_HEAD, is_active=True).exclude(email="").order_by("pk"))


def overdue_summary(*, today: datetime.date) -> dict:
    """Overdue tasks counted by session and by person (for the office head)."""
    overdue = PreparationTask.objects.overdue(today=today)
    by_session = (
        overdue.values("session_id", "session__number", "session__planned_month", "session__plan__year")
        .annotate(count=Count("id"))
        .order_by("session__plan__year", "session__number")
    )
    by_person = (
        overdue.values("assignee_id", "assignee__short_name", "assignee__username")
        .annotate(count=Count("id"))
        .order_by("-count", "assignee__short_name")
    )
    return {
        "date": today,
        "total": overdue.count(),
        "by_session": [
            {
                "session": row["session_id"],
                "number": row["session__number"],
                "year": row["session__plan__year"],
                "planned_month": row["session__planned_month"],
                "count": row["count"],
            }
            for row in by_session
        ],
        "by_person": [
            {
                "assignee": row["assignee_id"],
                "name": row["assignee__short_name"] or row["assignee__username"],
                "count": row["count"],
            }
            for row in by_person
        ],
    }
