"""Writes of the meetings: the protocol drafted and edited, its assignments issued as tasks,
an assignment's due date extended (with a reason, recorded), a session's participants.

The protocol's transitions are ``lifecycle.kernel.fire`` on ``meetings.lifecycles.PROTOCOL``.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from lifecycle.kernel import SYSTEM_NAME
from outbox.models import MessageKind
from outbox.services import outbox_message_build, outbox_messages_add
from tasks.models import PreparationTask, TaskEvent, TaskKind, TaskState, TaskTransition
from tasks.notices import SessionCalendars, email_template, task_url
from workflow.lifecycles import SessionState
from workflow.models import Session

from . import selectors
from .exceptions import MeetingsError, MeetingsForbidden, ProtocolExists, ProtocolNotEditable
from .models import Assignment, Attendee, Entry, Protocol, SessionParticipant

logger = logging.getLogger(__name__)

OFFICE_STAFF = (Role.SECRETARY, Role.OFFICE_HEAD)


def _require_staff(by) -> None:
    if by.role not in OFFICE_STAFF:
        raise MeetingsForbidden(_("Протокол составляет секретарь или руководитель Проектного офиса."))


def protocol_create(*, session, by) -> Protocol:
    """A draft protocol of the held ``session``: the participants as attendees (present), one
    entry per agenda item in order, «Слушали» pre-filled with the item's responsible persons."""
    _require_staff(by)
    if session.state != SessionState.HELD:
        raise MeetingsError(_("Протокол оформляется только по проведённому заседанию."), code="invalid_state",
                            status=409)
    with transaction.atomic():
        # The session's row is the lock: two secretaries at once, the second sees the first's protocol.
        Session.objects.select_for_update().filter(pk=session.pk).exists()
        if Protocol.objects.filter(session=session).exists():
            raise ProtocolExists(_("Протокол этого заседания уже создан."))
        local_start = timezone.localtime(session.starts_at) if session.starts_at else None
        protocol = Protocol.objects.create(
            session=session, number=session.number, held_on=local_start.date() if local_start else session.expected_date,
            place=session.place, chair_name=selectors.chair_name(), secretary_name=by.short_name or str(by),
            created_by=by,
        )
        Attendee.objects.bulk_create(Attendee(protocol=protocol, person=person)
                                     for person in selectors.session_participants(session=session))
        Entry.objects.bulk_create(
            Entry(protocol=protocol, order=index, item=item, title=item.text, heard=item.responsible_label)
            for index, item in enumerate(selectors.agenda_items(session=session), start=1)
        )
    return protocol


def protocol_update(*, protocol: Protocol, by, data: dict) -> Protocol:
    """Replace the draft's fields, attendees, entries and assignments with ``data`` (the API's
    validated shape), all or nothing."""
    _require_staff(by)
    with transaction.atomic():
        locked = Protocol.objects.select_for_update().get(pk=protocol.pk)
        if not locked.is_editable:
            raise ProtocolNotEditable(_("Протокол можно изменять только в состоянии «Черновик»."))
        for name in ("number", "held_on", "place", "chair_name", "secretary_name", "guests"):
            if name in data:
                setattr(locked, name, data[name])
        locked.save()
        if "attendees" in data:
            locked.attendees.all().delete()
            Attendee.objects.bulk_create(Attendee(protocol=locked, person=row["person"], present=row["present"])
                                         for row in data["attendees"])
        if "entries" in data:
            _entries_replace(locked, data["entries"])
    return locked


def _entries_replace(protocol: Protocol, entries: list[dict]) -> None:
    protocol.assignments.all().delete()
    protocol.entries.all().delete()
    for index, row in enumerate(entries, start=1):
        item = row.get("item")
        if item is not None and item.session_id != protocol.session_id:
            raise MeetingsError(_("Пункт повестки «%(item)s» относится к другому заседанию.") % {"item": item},
                                code="invalid")
        entry = Entry.objects.create(protocol=protocol, order=index, item=item,
                                     title=row.get("title") or (item.text if item else ""),
                                     heard=row.get("heard", ""), decided=row.get("decided", ""))
        if not entry.title:
            raise MeetingsError(_("У вопроса протокола нет названия: выберите пункт повестки или впишите вопрос."),
                                code="invalid")
        for number, spec in enumerate(row.get("assignments", []), start=1):
            if not spec.get("assignees") and not spec.get("groups"):
                raise MeetingsError(_("У поручения «%(text)s» нет ответственного.") % {"text": spec["text"][:60]},
                                    code="invalid")
            assignment = Assignment.objects.create(protocol=protocol, entry=entry, order=index * 100 + number,
                                                   text=spec["text"], due_date=spec["due_date"],
                                                   control_person=spec.get("control_person"))
            assignment.assignees.set(spec.get("assignees", []))
            assignment.groups.set(spec.get("groups", []))


def assignments_issue(*, protocol: Protocol) -> list[PreparationTask]:
    """The approved protocol's assignments as tasks, one per responsible person (groups give
    their members), each with its history row; runs in the approval's transaction and is
    idempotent (the unique assignment + assignee)."""
    now = timezone.now()
    rows = []
    assignments = protocol.assignments.prefetch_related("assignees", "groups__members")
    for assignment in assignments:
        for person in assignment.responsible_people():
            rows.append(PreparationTask(
                assignment=assignment, session_id=protocol.session_id, assignee=person,
                kind=TaskKind.PROTOCOL_ASSIGNMENT, kind_key=f"assignment:{assignment.pk}",
                title=assignment.text, due_date=assignment.due_date, controller_id=assignment.control_person_id,
                created_at=now,
            ))
    PreparationTask.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    new = list(PreparationTask.objects.filter(assignment__protocol=protocol, assignment_notified_at__isnull=True)
               .select_related("assignee", "session").order_by("id"))
    TaskEvent.objects.bulk_create(
        TaskEvent(task=task, transition=TaskTransition.ASSIGN, from_state="", to_state=TaskState.ASSIGNED,
                  actor=None, actor_name=SYSTEM_NAME, comment=str(protocol), created_at=now)
        for task in new
    )
    outbox_messages_add(messages=_assignment_notices(new))
    PreparationTask.objects.filter(pk__in=[task.pk for task in new]).update(assignment_notified_at=now)
    logger.info("Protocol %s approved: %s assignment tasks", protocol.pk, len(new))
    return new


def _assignment_notices(tasks: list[PreparationTask]) -> list:
    """One e-mail per person about their new assignments (the tasks' assignment notice)."""
    by_person: dict[int, list[PreparationTask]] = {}
    for task in tasks:
        by_person.setdefault(task.assignee_id, []).append(task)
    calendars, messages = SessionCalendars(), []
    for person_tasks in by_person.values():
        person = person_tasks[0].assignee
        if not person.email:
            continue
        messages.append(outbox_message_build(
            recipient=person, kind=MessageKind.ASSIGNED, day=timezone.localdate(), key=f"task:{person_tasks[0].pk}",
            template=email_template("assigned"),
            context={"person": person, "tasks": [{"task": t, "url": task_url(t.pk)} for t in person_tasks]},
            attachments=calendars.for_tasks(person_tasks), related_ids=[t.pk for t in person_tasks],
            send_on_commit=True,
        ))
    return messages


def assignment_task_extend(*, task: PreparationTask, due_date: datetime.date, reason: str, by) -> TaskEvent:
    """A new due date for an assignment's task, only with a reason; a history row keeps the old
    and new dates and the reason, and the assignee hears of it. The office head or the task's
    control person."""
    reason = (reason or "").strip()
    if not reason:
        raise MeetingsError(_("Укажите причину продления срока."), code="comment_required")
    if by.role != Role.OFFICE_HEAD and task.controller_id != by.pk:
        raise MeetingsForbidden(_("Продлить срок поручения может руководитель Проектного офиса или контролирующий."))
    with transaction.atomic():
        locked = PreparationTask.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=task.pk)
        if locked.kind != TaskKind.PROTOCOL_ASSIGNMENT:
            raise MeetingsError(_("Продлевается только срок поручения по протоколу."), code="invalid")
        if locked.state not in (TaskState.ASSIGNED, TaskState.IN_PROGRESS, TaskState.SUBMITTED):
            raise MeetingsError(_("Срок закрытой задачи не продлевается."), code="invalid_state", status=409)
        if due_date <= locked.due_date:
            raise MeetingsError(_("Новый срок должен быть позже текущего (%(due)s).")
                                % {"due": f"{locked.due_date:%d.%m.%Y}"}, code="invalid")
        old = locked.due_date
        locked.due_date = due_date
        locked.save(update_fields=["due_date", "updated_at"])
        event = TaskEvent.objects.create(
            task=locked, transition=TaskTransition.RESCHEDULE, from_state=locked.state, to_state=locked.state,
            actor=by, actor_name=by.record_name, actor_position=by.position_label,
            comment=_("Срок продлён с %(old)s до %(new)s. Причина: %(reason)s")
            % {"old": f"{old:%d.%m.%Y}", "new": f"{due_date:%d.%m.%Y}", "reason": reason},
        )
        if locked.assignee.email:
            outbox_messages_add(messages=[outbox_message_build(
                recipient=locked.assignee, kind=MessageKind.CHANGED, day=timezone.localdate(), key=f"event:{event.pk}",
                template=email_template("changed"),
                context={"person": locked.assignee, "task": locked, "event": event, "url": task_url(locked.pk)},
                related_ids=[locked.pk], send_on_commit=True,
            )])
    task.refresh_from_db()
    return event


def participant_add(*, session, person, by) -> SessionParticipant:
    _require_staff(by)
    participant, _created = SessionParticipant.objects.get_or_create(session=session, person=person)
    return participant


def participant_remove(*, session, person_id: int, by) -> int:
    _require_staff(by)
    deleted, _rows = SessionParticipant.objects.filter(session=session, person_id=person_id).delete()
    return deleted


def on_protocol_fired(sender, instance, name, **kwargs) -> None:
    """``transition_fired``: an approved protocol issues its assignments as tasks, inside the
    approval's transaction (a failure undoes the approval)."""
    if sender is Protocol and name == "approve":
        assignments_issue(protocol=instance)
