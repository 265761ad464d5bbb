"""Who sees which plans, sessions and agenda items.

* Office staff (secretary, office head) and the department head see everything, drafts too:
  they write, agree and approve them.
* A responsible person sees plans that have left the draft (submitted, agreed, approved,
  archived) with their sessions, and of their items those that are past draft too: a draft
  amendment is still the office's work in progress.
* Anyone else (no role) sees no plan at all. The API answers them 403 on every resource
  (``accounts.api.HasOfficeRole``); these selectors return nothing for them as a second line.

An object outside what a user sees is answered 404, as if it did not exist.
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Role, User
from accounts.substitutions import roles_now
from approvals.models import ApprovalState

from .models import AgendaItem, Plan, Session

SEES_ALL = frozenset({Role.SECRETARY, Role.OFFICE_HEAD, Role.DEPARTMENT_HEAD})
SEES_PUBLISHED = frozenset({Role.RESPONSIBLE})


def sees_drafts(user: User) -> bool:
    return bool(user and user.is_authenticated and roles_now(user) & SEES_ALL)


def plans_visible(*, user: User) -> QuerySet[Plan]:
    plans = Plan.objects.all()
    if sees_drafts(user):
        return plans
    if user and user.is_authenticated and user.role in SEES_PUBLISHED:
        return plans.exclude(state=ApprovalState.DRAFT)
    return plans.none()


def sessions_visible(*, user: User) -> QuerySet[Session]:
    return Session.objects.filter(plan__in=plans_visible(user=user))


def items_visible(*, user: User) -> QuerySet[AgendaItem]:
    items = AgendaItem.objects.filter(plan__in=plans_visible(user=user))
    if not sees_drafts(user):
        items = items.exclude(state=ApprovalState.DRAFT)
    return items
