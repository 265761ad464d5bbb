"""Reads: whose feed a token opens, and which sessions and task deadlines a person's feed holds."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q, QuerySet

from accounts.models import Role, User
from approvals.models import ApprovalState
from workflow.models import AgendaItem, Session

from .models import CalendarFeedToken

# Sessions of these plans are in calendars: a plan not yet approved may still change.
PUBLISHED_PLAN_STATES = (ApprovalState.APPROVED, ApprovalState.ARCHIVED)
# Office staff and the department head take part in every session.
SEES_EVERY_SESSION = frozenset({Role.SECRETARY, Role.OFFICE_HEAD, Role.DEPARTMENT_HEAD})


def calendar_token_active(*, user: User) -> CalendarFeedToken | None:
    return CalendarFeedToken.objects.filter(user=user).active().first()


def calendar_feed_owner(*, token: str) -> User | None:
    """The active person whose active token this is, or None."""
    if not token or len(token) > 64:
        return None
    found = (
        CalendarFeedToken.objects.active().select_related("user")
        .filter(token=token, user__is_active=True).first()
    )
    return found.user if found else None


def calendar_items(*, sessions) -> QuerySet[AgendaItem]:
    """Items shown in calendar events: approved ones (an amendment under way is not yet part of it)."""
    return (
        AgendaItem.objects.filter(session__in=sessions, state__in=PUBLISHED_PLAN_STATES)
        .prefetch_related("responsibilities__person", "responsibilities__group")
        .order_by("session_id", "order", "id")
    )


def calendar_sessions_for(*, user: User) -> QuerySet[Session]:
    """Sessions of published plans that ``user`` takes part in.

    Office staff and the department head: all of them. Anyone else: those where an approved
    item names them as responsible, in person or through one of their groups.
    """
    sessions = Session.objects.filter(plan__state__in=PUBLISHED_PLAN_STATES).select_related("plan")
    if user.role in SEES_EVERY_SESSION:
        return sessions.order_by("period_start", "number")
    responsible = Q(responsibilities__person=user) | Q(responsibilities__group__members=user)
    items = AgendaItem.objects.filter(responsible, state__in=PUBLISHED_PLAN_STATES)
    return sessions.filter(pk__in=items.values("session_id")).order_by("period_start", "number")


def calendar_tasks_for(*, user: User) -> list:
    """The person's own preparation tasks (their deadlines), when the tasks app is installed."""
    if not apps.is_installed("tasks"):
        return []
    try:
        task_model = apps.get_model("tasks", "PreparationTask")
    except LookupError:
        return []
    return list(
        task_model.objects.filter(assignee=user, session__plan__state__in=PUBLISHED_PLAN_STATES)
        .select_related("session", "item")
        .order_by("due_date", "id")
    )
