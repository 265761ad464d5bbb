"""«Ждут моего решения»: what waits for this user's decision, at the top of the home page.

Plans and amendments the user may agree, approve or return now (``lifecycle.kernel.available``,
so an acting head sees what waits for the role too), reports waiting for review (whoever may
accept them), and returned plans (whoever may send them again). Each entry says what to do and
since when."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from approvals.models import ApprovalState, Decision, TransitionName
from lifecycle.kernel import available
from tasks.models import TaskEvent, TaskState, TaskTransition
from workflow.models import AgendaItem, Plan
from workflow.visibility import items_visible, plans_visible

from .selectors import tasks_visible

WAITING = (ApprovalState.SUBMITTED, ApprovalState.AGREED)


@dataclass
class Waiting:
    kind: str  # "plan", "item", "task", "returned"
    title: str
    url: str
    todo: str
    since: datetime.datetime | None
    comment: str = ""


def _last_decisions(objs) -> dict[int, Decision]:
    """The latest decision on each of ``objs`` (all of one model), in one query."""
    if not objs:
        return {}
    content_type = ContentType.objects.get_for_model(objs[0])
    last: dict[int, Decision] = {}
    for decision in Decision.objects.filter(content_type=content_type, object_id__in=[o.pk for o in objs]).order_by(
        "created_at", "id"
    ):
        last[decision.object_id] = decision
    return last


def _todo(names: list[str]) -> str:
    if TransitionName.APPROVE in names:
        return _("Утвердить или вернуть на доработку с комментарием")
    return _("Согласовать или вернуть на доработку с комментарием")


def inbox(*, user: User) -> list[Waiting]:
    """What waits for ``user``'s decision, the oldest first."""
    if not user.is_authenticated:
        return []
    found: list[Waiting] = []
    plans = [(plan, names) for plan in plans_visible(user=user).filter(state__in=WAITING)
             if _decides(names := available(obj=plan, user=user))]
    last = _last_decisions([plan for plan, _names in plans])
    for plan, names in plans:
        found.append(Waiting("plan", str(plan), reverse("web:plan", args=[plan.pk]), _todo(names),
                             _since(last.get(plan.pk))))
    items = [(item, names) for item in items_visible(user=user).filter(state__in=WAITING, is_amendment=True)
             .select_related("plan") if _decides(names := available(obj=item, user=user))]
    last = _last_decisions([item for item, _names in items])
    for item, names in items:
        found.append(Waiting("item", _("Изменение к плану: %(item)s") % {"item": item},
                             reverse("web:plan", args=[item.plan_id]) + f"#item-{item.pk}", _todo(names),
                             _since(last.get(item.pk))))
    found += _reviews(user) + _returned(user)
    return sorted(found, key=lambda w: (w.since is None, w.since or datetime.datetime.min))


def _decides(names: list[str]) -> bool:
    return TransitionName.AGREE in names or TransitionName.APPROVE in names


def _since(decision: Decision | None) -> datetime.datetime | None:
    return decision.created_at if decision else None


def _reviews(user: User) -> list[Waiting]:
    """Reports the user may accept or return now, since they were submitted."""
    tasks = [task for task in tasks_visible(user=user).filter(state=TaskState.SUBMITTED)
             .select_related("assignee") if TaskTransition.ACCEPT in available(obj=task, user=user)]
    submitted = dict(TaskEvent.objects.filter(task__in=tasks, transition=TaskTransition.SUBMIT)
                     .order_by("created_at", "id").values_list("task_id", "created_at"))
    return [Waiting("task", task.title, reverse("web:task", args=[task.pk]),
                    _("Проверить результат (%(who)s): принять или вернуть на доработку") % {"who": task.assignee},
                    submitted.get(task.pk)) for task in tasks]


def _returned(user: User) -> list[Waiting]:
    """Returned plans and amendments the user may send again, with the return comment."""
    found = []
    drafts = [*plans_visible(user=user).filter(state=ApprovalState.DRAFT),
              *AgendaItem.objects.filter(state=ApprovalState.DRAFT, is_amendment=True,
                                         plan__in=plans_visible(user=user)).select_related("plan")]
    drafts = [obj for obj in drafts if TransitionName.SUBMIT in available(obj=obj, user=user)]
    latest = {**_last_decisions([o for o in drafts if isinstance(o, Plan)]),
              **{-pk: d for pk, d in _last_decisions([o for o in drafts if not isinstance(o, Plan)]).items()}}
    for obj in drafts:
        last = latest.get(obj.pk if isinstance(obj, Plan) else -obj.pk)
        if last is None or last.transition != TransitionName.RETURN:
            continue
        is_plan = isinstance(obj, Plan)
        url = reverse("web:plan", args=[obj.pk if is_plan else obj.plan_id]) + ("" if is_plan else f"#item-{obj.pk}")
        found.append(Waiting("returned", str(obj), url,
                             _("Исправить по комментарию и снова направить на согласование"), last.created_at,
                             comment=last.comment))
    return found

