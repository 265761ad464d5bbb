"""The daily digest of what still waits for a decision, with escalation as for tasks.

Run by the daily chase (``tasks.chase`` sends ``daily_chase``; the receiver is here, as
tasks may not import this app). For the day D, each head gets one e-mail (kind «decision»,
key ``digest``: a re-run the same day writes nothing more) listing what waits for them since
before D: the office head — plans and amendments sent for agreement, reports sent for review;
the department head — plans and amendments agreed. What has waited for the office head for
``ReminderPolicy.escalate_after_days`` days or more (0: never) is also listed in the
department head's digest. People who stand in for a head hear in their place."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from approvals.models import ApprovalState, Decision
from tasks.chase import daily_chase
from tasks.models import PreparationTask, ReminderPolicy, TaskEvent, TaskState, TaskTransition
from workflow.models import AgendaItem, Plan

from .services import Notice, _send, role_holders


@dataclass
class Waiting:
    line: str
    since: datetime.datetime


def _since_by_object(objs) -> dict[int, datetime.datetime]:
    if not objs:
        return {}
    content_type = ContentType.objects.get_for_model(objs[0])
    last: dict[int, datetime.datetime] = {}
    rows = Decision.objects.filter(content_type=content_type, object_id__in=[o.pk for o in objs])
    for object_id, created_at in rows.order_by("created_at", "id").values_list("object_id", "created_at"):
        last[object_id] = created_at
    return last


def _approvals_waiting(state: str) -> list[Waiting]:
    plans = list(Plan.objects.filter(state=state))
    items = list(AgendaItem.objects.filter(state=state, is_amendment=True).select_related("plan"))
    found = []
    for objs, label in ((plans, lambda o: str(o)), (items, lambda o: _("Изменение к плану: %(item)s") % {"item": o})):
        since = _since_by_object(objs)
        found += [Waiting(label(obj), since[obj.pk]) for obj in objs if obj.pk in since]
    return found


def _reports_waiting() -> list[Waiting]:
    tasks = list(PreparationTask.objects.filter(state=TaskState.SUBMITTED).select_related("assignee"))
    since = dict(TaskEvent.objects.filter(task__in=tasks, transition=TaskTransition.SUBMIT)
                 .order_by("created_at", "id").values_list("task_id", "created_at"))
    return [Waiting(_("Отчёт: %(title)s (%(who)s)") % {"title": t.title, "who": t.assignee}, since[t.pk])
            for t in tasks if t.pk in since]


def _lines(waiting: list[Waiting], day: datetime.date) -> list[str]:
    return [_("%(what)s — ждёт с %(date)s (%(days)s дн.)") % {
        "what": w.line, "date": timezone.localtime(w.since).strftime("%d.%m.%Y"),
        "days": (day - timezone.localtime(w.since).date()).days} for w in sorted(waiting, key=lambda w: w.since)]


def decisions_digest_plan(*, day: datetime.date | None = None) -> int:
    """Queue the day's digests; the number of messages written."""
    day = day or timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    before = [w for w in (*_approvals_waiting(ApprovalState.SUBMITTED), *_reports_waiting()) if w.since < start]
    agreed = [w for w in _approvals_waiting(ApprovalState.AGREED) if w.since < start]
    escalate_after = ReminderPolicy.current().escalate_after_days
    late = [w for w in before if escalate_after and (day - timezone.localtime(w.since).date()).days >= escalate_after]
    written = 0
    url = f"{settings.SITE_URL}/"
    todo = _("Откройте «Ждут моего решения» на главной странице.")
    if before:
        written += _send(people=role_holders(Role.OFFICE_HEAD), by=None, key=f"digest:{day.isoformat()}", notice=Notice(
            subject=_("Ждут вашего решения: %(number)s") % {"number": len(before)}, url=url, todo=todo,
            lead=_("Что по-прежнему ждёт вашего решения:"), lines=_lines(before, day)), day=day)
    if agreed or late:
        lines = _lines(agreed, day)
        if late:
            lines += [_("Ждёт решения руководителя Проектного офиса %(days)s дн. и дольше:")
                      % {"days": escalate_after}, *_lines(late, day)]
        subject = _("Ждут вашего решения: %(number)s") % {"number": len(agreed) + len(late)}
        written += _send(people=role_holders(Role.DEPARTMENT_HEAD), by=None, key=f"digest:{day.isoformat()}",
                         notice=Notice(subject=subject, url=url, todo=todo, lead=_("Что по-прежнему ждёт решения:"),
                                       lines=lines), day=day)
    return written


@receiver(daily_chase, dispatch_uid="notices_decisions_digest")
def _on_chase(sender, day, **kwargs) -> None:
    decisions_digest_plan(day=day)
