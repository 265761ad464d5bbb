"""Handing a task over (передача поручения): the office head — or the assignee, the office head
being told — passes an open task to another person with a reason. The history keeps both names;
both people are told; the due date stays unless changed with a reason. (A responsible person's
substitution hands over only their reminders, not the tasks: ``outbox.services``.)"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.substitutions import acts_as
from outbox.models import MessageKind
from outbox.services import outbox_message_build, outbox_messages_add

from .exceptions import TaskError
from .lifecycle import OPEN_STATES, TASK, TaskState, TaskTransition
from .models import PreparationTask, TaskEvent
from .notices import email_template, task_url
from .selectors import office_heads


def task_hand_over(*, task: PreparationTask, to: User, by: User, reason: str,
                   due_date: datetime.date | None = None, due_reason: str = "") -> TaskEvent:
    """Give ``task`` to ``to``; return the history row. Refusals: 403 (not the office head or
    the assignee), 400 (no reason, no reason for a new due date, the same person), 409 (closed
    task, or ``to`` already has this task)."""
    reason, due_reason = (reason or "").strip(), (due_reason or "").strip()
    by_head = acts_as(by, Role.OFFICE_HEAD)
    if not (by_head or by.pk == task.assignee_id):
        raise TaskError(_("Передать задачу может руководитель Проектного офиса или её исполнитель."),
                        code="forbidden", status=403)
    if not reason:
        raise TaskError(_("Укажите причину передачи задачи."), code="comment_required")
    if to.pk == task.assignee_id or not to.is_active:
        raise TaskError(_("Выберите другого действующего исполнителя."))
    if due_date is not None and due_date != task.due_date and not due_reason:
        raise TaskError(_("Срок меняется только с указанием причины."), code="comment_required")
    with transaction.atomic():
        locked = PreparationTask.objects.select_for_update().select_related("assignee", "session").get(pk=task.pk)
        if locked.state not in OPEN_STATES:
            raise TaskError(_("Передать можно только открытую задачу (сейчас: «%(state)s»).")
                            % {"state": TaskState(locked.state).label}, code="invalid_state", status=409)
        old = locked.assignee
        comment = _("Передана: %(old)s → %(new)s. Причина: %(reason)s") % {"old": old, "new": to, "reason": reason}
        fields = {"assignee": to, "updated_at": timezone.now()}
        if due_date is not None and due_date != locked.due_date:
            comment += " " + _("Срок: %(old)s → %(new)s (%(why)s).") % {
                "old": locked.due_date.strftime("%d.%m.%Y"), "new": due_date.strftime("%d.%m.%Y"), "why": due_reason}
            fields["due_date"] = due_date
        try:
            with transaction.atomic():
                PreparationTask.objects.filter(pk=locked.pk).update(**fields)
        except IntegrityError as exc:
            raise TaskError(_("У %(who)s уже есть такая задача по этому пункту.") % {"who": to},
                            code="conflict", status=409) from exc
        locked.refresh_from_db()
        event = TASK.log.row(
            obj=locked, name=TaskTransition.HAND_OVER, from_state=locked.state, to_state=locked.state, by=by,
            comment=comment, arguments={},
        )
        event.save(force_insert=True)
        told = [old, to] + ([] if by_head else office_heads())
        outbox_messages_add(messages=[
            outbox_message_build(
                recipient=person, kind=MessageKind.CHANGED, day=timezone.localdate(), key=f"handover:{event.pk}",
                template=email_template("handed_over"),
                context={"person": person, "task": locked, "event": event, "old": old, "new": to,
                         "url": task_url(locked.pk)},
                related_ids=[locked.pk], send_on_commit=True,
            )
            for person in {p.pk: p for p in told}.values()
            if person.email and person.pk != by.pk
        ])
    task.refresh_from_db()
    return event
