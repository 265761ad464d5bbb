"""«Ждут моего решения»: what waits for this user's decision, at the top of the home page.

Plans and amendments the user may agree, approve or return now (``lifecycle.kernel.available``,
so an acting head sees what waits for the role too), reports waiting for review (whoever may
accept them), and returned plans (whoever may send them again). Each entry says what to do and
since when."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from approvals.models import ApprovalState, Decision, TransitionName
from lifecycle.kernel import available
from tasks.models import PreparationTask, TaskState, TaskTransition
from workflow.models import AgendaItem, Plan
from workflow.visibility import items_visible, plans_visible

WAITING = (ApprovalState.SUBMITTED, ApprovalState.AGREED)


@dataclass
class Waiting:
    kind: str  # "plan", "item", "task", "returned"
    title: str
    url: str
    todo: str
    since: datetime.datetime | None
    comment: str = ""


def _last_decision(obj) -> Decision | None:
    return Decision.objects.for_object(obj).order_by("-created_at", "-id").first()


def _todo(names: list[str]) -> str:
    if TransitionName.APPROVE in names:
        return _("Утвердить или вернуть на доработку с комментарием")
    return _("Согласовать или вернуть на доработку с комментарием")


def inbox(*, user: User) -> list[Waiting]:
    """What waits for ``user``'s decision, the oldest first."""
    if not user.is_authenticated:
        return []
    found: list[Waiting] = []
    for plan in plans_visible(user=user).filter(state__in=WAITING):
        names = available(obj=plan, user=user)
        if TransitionName.AGREE in names or TransitionName.APPROVE in names:
            last = _last_decision(plan)
            found.append(Waiting("plan", str(plan), reverse("web:plan", args=[plan.pk]), _todo(names),
                                 last.created_at if last else None))
    for item in items_visible(user=user).filter(state__in=WAITING, is_amendment=True).select_related("plan"):
        names = available(obj=item, user=user)
        if TransitionName.AGREE in names or TransitionName.APPROVE in names:
            last = _last_decision(item)
            found.append(Waiting("item", _("Изменение к плану: %(item)s") % {"item": item},
                                 reverse("web:plan", args=[item.plan_id]) + f"#item-{item.pk}", _todo(names),
                                 last.created_at if last else None))
    for task in PreparationTask.objects.visible_to(user).filter(state=TaskState.SUBMITTED).select_related("assignee"):
        if TaskTransition.ACCEPT in available(obj=task, user=user):
            submitted = task.events.filter(transition=TaskTransition.SUBMIT).order_by("-created_at").first()
            found.append(Waiting("task", task.title, reverse("web:task", args=[task.pk]),
                                 _("Проверить результат (%(who)s): принять или вернуть на доработку")
                                 % {"who": task.assignee}, submitted.created_at if submitted else None))
    found += _returned(user)
    return sorted(found, key=lambda w: (w.since is None, w.since or datetime.datetime.min))


def _returned(user: User) -> list[Waiting]:
    """Returned plans and amendments the user may send again, with the return comment."""
    found = []
    drafts = [*plans_visible(user=user).filter(state=ApprovalState.DRAFT),
              *AgendaItem.objects.filter(state=ApprovalState.DRAFT, is_amendment=True,
                                         plan__in=plans_visible(user=user)).select_related("plan")]
    for obj in drafts:
        if TransitionName.SUBMIT not in available(obj=obj, user=user):
            continue
        last = _last_decision(obj)
        if last is None or last.transition != TransitionName.RETURN:
            continue
        is_plan = isinstance(obj, Plan)
        url = reverse("web:plan", args=[obj.pk if is_plan else obj.plan_id]) + ("" if is_plan else f"#item-{obj.pk}")
        found.append(Waiting("returned", str(obj), url,
                             _("Исправить по комментарию и снова направить на согласование"), last.created_at,
                             comment=last.comment))
    return found


def inbox_count(*, user: User) -> int:
    return len(inbox(user=user))
