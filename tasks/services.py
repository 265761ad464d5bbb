"""Writes: creating tasks from the rules, firing task transitions, results, session changes,
and the daily chase that ties assignment, reminders and the outbox together."""

from __future__ import annotations

import codecs
import datetime
import logging
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed

from accounts.models import Role

from . import rules, selectors
from .exceptions import (
    TaskCommentRequired,
    TaskConcurrentChange,
    TaskForbidden,
    TaskResultContentMismatch,
    TaskResultInvalid,
    TaskResultRequired,
    TaskTransitionNotAvailable,
)
from .models import (
    ASSIGNEE_TRANSITIONS,
    COMMENT_REQUIRED,
    OFFICE_HEAD_TRANSITIONS,
    OPEN_STATES,
    MessageKind,
    OutboxMessage,
    PreparationTask,
    TaskEvent,
    TaskState,
    TaskTransition,
)
from .outbox import DrainResult, message_render, outbox_drain, outbox_messages_add, outbox_release_stuck, task_url

logger = logging.getLogger(__name__)

SYSTEM_NAME = "Система"
RESULT_EXTENSIONS = frozenset(
    {
        ".pdf",
        ".doc",
        ".docx",
        ".odt",
        ".rtf",
        ".txt",
        ".xls",
        ".xlsx",
        ".ods",
        ".ppt",
        ".pptx",
        ".odp",
        ".zip",
        ".png",
        ".jpg",
        ".jpeg",
    }
)

# What a file of each accepted type starts with. The extension alone lets anything through
# under a document's name (an executable renamed report.docx), so the content must agree.
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office: .doc, .xls, .ppt
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")  # a zip archive (the second: an empty one)
_LEADING_BYTES = {
    ".pdf": (b"%PDF-",),
    ".doc": (_OLE2,),
    ".xls": (_OLE2,),
    ".ppt": (_OLE2,),
    ".rtf": (b"{\\rtf",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".zip": _ZIP,
    ".docx": _ZIP[:1],
    ".xlsx": _ZIP[:1],
    ".pptx": _ZIP[:1],
    ".odt": _ZIP[:1],
    ".ods": _ZIP[:1],
    ".odp": _ZIP[:1],
}
_OOXML = frozenset({".docx", ".xlsx", ".pptx"})
_OPENDOCUMENT = frozenset({".odt", ".ods", ".odp"})
_TEXT = frozenset({".txt"})


def _is_text(file) -> bool:
    """Plain text in UTF-8 or Windows-1251 (what Russian offices save), with no NUL byte."""
    for encoding in ("utf-8", "cp1251"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for chunk in file.chunks():
                if b"\x00" in chunk:
                    return False
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _archive_matches(file, extension: str) -> bool:
    """An Office Open XML file lists ``[Content_Types].xml``; an OpenDocument file starts with a
    ``mimetype`` member naming an OpenDocument type. Only the archive's directory and that one
    short member are read, never the whole archive."""
    try:
        with zipfile.ZipFile(file) as archive:
            if extension in _OOXML:
                return "[Content_Types].xml" in archive.namelist()
            if extension in _OPENDOCUMENT:
                with archive.open("mimetype") as member:
                    return member.read(100).startswith(b"application/vnd.oasis.opendocument.")
            return True
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError, NotImplementedError):
        return False


def result_content_matches(*, file, extension: str) -> bool:
    """Whether ``file``'s content is of the type ``extension`` (lower case, with the dot) names."""
    try:
        if extension in _TEXT:
            return _is_text(file)
        file.seek(0)
        head = file.read(16)
        if not head.startswith(_LEADING_BYTES.get(extension, ())):
            return False
        return _archive_matches(file, extension) if head.startswith(_ZIP) else True
    finally:
        file.seek(0)


# --- Assignment ----------------------------------------------------------------------------


@dataclass
class AssignResult:
    created: int = 0
    notices: int = 0
    task_ids: list[int] = field(default_factory=list)


def _assignment_notices(tasks: list[PreparationTask], *, day: datetime.date) -> list[OutboxMessage]:
    by_person: dict[int, list[PreparationTask]] = defaultdict(list)
    for task in tasks:
        by_person[task.assignee_id].append(task)
    messages = []
    for person_tasks in by_person.values():
        person = person_tasks[0].assignee
        if not person.email:
            logger.warning("No e-mail for %s: assignment notice not sent", person)
            continue
        subject, text, html = message_render(
            template="assigned",
            context={"person": person, "tasks": [{"task": t, "url": task_url(t.pk)} for t in person_tasks]},
        )
        messages.append(
            OutboxMessage(
                recipient=person,
                to_email=person.email,
                kind=MessageKind.ASSIGNED,
                day=day,
                key=f"task:{min(t.pk for t in person_tasks)}",
                subject=subject,
                body_text=text,
                body_html=html,
                task_ids=sorted(t.pk for t in person_tasks),
            )
        )
    return messages


def tasks_assign(*, today: datetime.date | None = None, item_ids: list[int] | None = None) -> AssignResult:
    """Create the tasks the rules call for (approved items, sessions in the preparation window)
    and their assignment e-mails, in one transaction.

    Idempotent by the unique constraint (item, assignee, kind_key): rows that exist are skipped
    by the database itself, so two workers at once create each task once. The new tasks are
    those not yet notified; they are locked, get their history row and one notice per person.
    """
    today = today or timezone.localdate()
    items = selectors.items_for_assignment(today=today, item_ids=item_ids)
    now = timezone.now()
    specs = [spec for item in items for spec in rules.item_task_specs(item)]
    if not specs:
        return AssignResult()
    sessions = {item.session_id: item.session for item in items}
    due = {sid: rules.due_date_for(session_date=s.expected_date, today=today) for sid, s in sessions.items()}
    with transaction.atomic():
        PreparationTask.objects.bulk_create(
            [
                PreparationTask(
                    item_id=spec.item_id,
                    session_id=spec.session_id,
                    project_id=spec.project_id,
                    assignee_id=spec.assignee_id,
                    kind=spec.kind,
                    kind_key=spec.kind_key,
                    title=spec.title,
                    due_date=due[spec.session_id],
                    created_at=now,
                )
                for spec in specs
            ],
            ignore_conflicts=True,
            batch_size=500,
        )
        new_tasks = list(
            PreparationTask.objects.select_for_update(of=("self",))
            .filter(item_id__in={spec.item_id for spec in specs}, assignment_notified_at__isnull=True)
            .select_related("assignee", "session")
            .order_by("id")
        )
        if not new_tasks:
            return AssignResult()
        TaskEvent.objects.bulk_create(
            TaskEvent(
                task=task,
                transition=TaskTransition.ASSIGN,
                from_state="",
                to_state=TaskState.ASSIGNED,
                actor=None,
                actor_name=SYSTEM_NAME,
                created_at=now,
            )
            for task in new_tasks
        )
        notices = _assignment_notices(new_tasks, day=today)
        outbox_messages_add(messages=notices)
        PreparationTask.objects.filter(pk__in=[t.pk for t in new_tasks]).update(assignment_notified_at=now)
    logger.info("Assigned %s preparation tasks (%s notices)", len(new_tasks), len(notices))
    return AssignResult(created=len(new_tasks), notices=len(notices), task_ids=[t.pk for t in new_tasks])


# --- Transitions ---------------------------------------------------------------------------


def _label(name: str) -> str:
    try:
        return str(TaskTransition(name).label)
    except ValueError:
        return name


def _task_refusal(*, task: PreparationTask, name: str, by) -> str | None:
    """The first rule that stops ``by`` firing ``name`` on ``task`` now, or None if none does.
    Builds no message, so asking it for every row of a page is cheap."""
    if name not in PreparationTask.TRANSITION_METHODS:
        return "unknown"
    if by is None or not by.is_authenticated or not by.is_active:
        return "login"
    if name in ASSIGNEE_TRANSITIONS and by.pk != task.assignee_id:
        return "assignee"
    if name in OFFICE_HEAD_TRANSITIONS and by.role != Role.OFFICE_HEAD:
        return "office_head"
    if not can_proceed(getattr(task, PreparationTask.TRANSITION_METHODS[name])):
        return "state"
    if name == TaskTransition.SUBMIT and not task.has_result:
        return "result"
    return None


def task_transition_allowed(*, task: PreparationTask, name: str, by) -> bool:
    """Whether ``by`` may fire ``name`` on ``task`` now (``task_transition_check`` without the comment)."""
    return _task_refusal(task=task, name=name, by=by) is None


def task_transition_check(*, task: PreparationTask, name: str, by, comment: str | None = None) -> None:
    """Raise the TaskError that firing ``name`` would meet now; return if it may fire.
    ``comment=None`` skips the comment check (for listing the available actions)."""
    refusal = _task_refusal(task=task, name=name, by=by)
    if refusal == "unknown":
        raise TaskTransitionNotAvailable(_("Неизвестное действие «%(name)s».") % {"name": name})
    if refusal == "login":
        raise TaskForbidden(_("Войдите в систему."))
    if refusal == "assignee":
        raise TaskForbidden(_("Действие «%(action)s» выполняет только исполнитель задачи.") % {"action": _label(name)})
    if refusal == "office_head":
        raise TaskForbidden(
            _("Действие «%(action)s» выполняет только руководитель Проектного офиса.") % {"action": _label(name)}
        )
    if refusal == "state":
        raise TaskTransitionNotAvailable(
            _("Действие «%(action)s» невозможно: задача в состоянии «%(state)s».")
            % {"action": _label(name), "state": TaskState(task.state).label}
        )
    if refusal == "result":
        raise TaskResultRequired()
    if comment is not None and name in COMMENT_REQUIRED and not comment.strip():
        raise TaskCommentRequired()


def task_transitions_available(*, task: PreparationTask, user) -> list[str]:
    return [
        str(name)
        for name in PreparationTask.TRANSITION_METHODS
        if task_transition_allowed(task=task, name=name, by=user)
    ]


def _fire(*, locked: PreparationTask, name: str, actor, comment: str, now: datetime.datetime) -> TaskEvent:
    from_state = locked.state
    getattr(locked, PreparationTask.TRANSITION_METHODS[name])()
    try:
        locked.save()
    except ConcurrentTransition as exc:
        raise TaskConcurrentChange() from exc
    return TaskEvent.objects.create(
        task=locked,
        transition=name,
        from_state=from_state,
        to_state=locked.state,
        actor=actor,
        actor_name=actor.record_name if actor else SYSTEM_NAME,
        actor_position=actor.position_label if actor else "",
        comment=comment,
        created_at=now,
    )


def task_transition(*, task: PreparationTask, name: str, by, comment: str = "") -> TaskEvent:
    """Fire ``name`` on ``task`` as ``by``: check, lock, change, save and write the history row
    in one transaction. Two people at once: the second sees the new state and gets a 409."""
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = PreparationTask.objects.select_for_update().get(pk=task.pk)
        if locked.state != task.state:
            raise TaskConcurrentChange(
                _("Задача уже изменена другим пользователем: теперь «%(state)s».")
                % {"state": TaskState(locked.state).label}
            )
        task_transition_check(task=locked, name=name, by=by, comment=comment)
        event = _fire(locked=locked, name=name, actor=by, comment=comment, now=timezone.now())
        if name in NOTIFY_ASSIGNEE_ON:
            outbox_messages_add(messages=_change_notice(task=locked, event=event))
    task.refresh_from_db()
    return event


# The office head's decisions the assignee must hear of: a returned report, a cancelled task.
NOTIFY_ASSIGNEE_ON = frozenset({TaskTransition.RETURN, TaskTransition.CANCEL})


def _change_notice(*, task: PreparationTask, event: TaskEvent, key: str | None = None) -> list[OutboxMessage]:
    """One e-mail to the assignee about ``event`` (a return, a cancellation, a new due date),
    written in the transaction of the change."""
    person = task.assignee
    if not person.email:
        logger.warning("No e-mail for %s: notice of %s not sent", person, event.transition)
        return []
    subject, text, html = message_render(
        template="changed", context={"person": person, "task": task, "event": event, "url": task_url(task.pk)}
    )
    return [OutboxMessage(
        recipient=person, to_email=person.email, kind=MessageKind.CHANGED, day=timezone.localdate(),
        key=key or f"event:{event.pk}", subject=subject, body_text=text, body_html=html, task_ids=[task.pk],
    )]


def task_result_attach(*, task: PreparationTask, by, file=None, text: str | None = None) -> PreparationTask:
    """The assignee attaches a result file and/or text while the task is with them."""
    if by is None or by.pk != task.assignee_id:
        raise TaskForbidden(_("Результат прикладывает только исполнитель задачи."))
    if file is None and text is None:
        raise TaskResultRequired(_("Приложите файл или впишите текст результата."))
    if file is not None:
        if file.size > settings.TASKS_RESULT_MAX_BYTES:
            raise TaskResultInvalid(
                _("Файл слишком большой: не более %(mb)s МБ.") % {"mb": settings.TASKS_RESULT_MAX_BYTES // 2**20},
                code="file_too_large",
                status=413,
            )
        extension = Path(file.name).suffix.lower()
        if extension not in RESULT_EXTENSIONS:
            raise TaskResultInvalid(
                _("Недопустимый тип файла. Допустимы: %(ext)s.") % {"ext": ", ".join(sorted(RESULT_EXTENSIONS))},
                code="unsupported_file_type",
                status=415,
            )
        if not result_content_matches(file=file, extension=extension):
            raise TaskResultContentMismatch(extension=extension)
    with transaction.atomic():
        locked = PreparationTask.objects.select_for_update().get(pk=task.pk)
        if locked.state not in (TaskState.ASSIGNED, TaskState.IN_PROGRESS):
            raise TaskTransitionNotAvailable(
                _("Результат можно изменить, пока задача не сдана (сейчас: «%(state)s»).")
                % {"state": TaskState(locked.state).label}
            )
        fields = ["updated_at"]
        if file is not None:
            locked.result_file.save(Path(file.name).name, file, save=False)
            fields.append("result_file")
        if text is not None:
            locked.result_text = text.strip()
            fields.append("result_text")
        locked.save(update_fields=fields)
    task.refresh_from_db()
    return task


# --- Session changes -----------------------------------------------------------------------


def tasks_cancel_for_session(*, session, by=None) -> int:
    """The session is called off: its open tasks are cancelled, each with a history row."""
    now = timezone.now()
    count = 0
    with transaction.atomic():
        notices = []
        tasks = PreparationTask.objects.select_for_update(of=("self",)).select_related("assignee", "session")
        for task in tasks.filter(session=session, state__in=OPEN_STATES):
            event = _fire(locked=task, name=TaskTransition.CANCEL, actor=by, comment=_("Заседание отменено."), now=now)
            notices += _change_notice(task=task, event=event)
            count += 1
        outbox_messages_add(messages=notices)
    return count


def tasks_reschedule_for_session(*, session, today: datetime.date | None = None) -> int:
    """The session moved: its open tasks get the due date the rules give for the new date."""
    today = today or timezone.localdate()
    new_due = rules.due_date_for(session_date=session.expected_date, today=today)
    now = timezone.now()
    moved = []
    with transaction.atomic():
        tasks = list(
            PreparationTask.objects.select_for_update(of=("self",))
            .select_related("assignee")
            .filter(session=session, state__in=OPEN_STATES)
            .exclude(due_date=new_due)
        )
        for task in tasks:
            moved.append(
                TaskEvent(
                    task=task,
                    transition=TaskTransition.RESCHEDULE,
                    from_state=task.state,
                    to_state=task.state,
                    actor=None,
                    actor_name=SYSTEM_NAME,
                    created_at=now,
                    comment=_("Срок перенесён с %(old)s на %(new)s: изменилась дата заседания.")
                    % {"old": task.due_date.strftime("%d.%m.%Y"), "new": new_due.strftime("%d.%m.%Y")},
                )
            )
        if tasks:
            PreparationTask.objects.filter(pk__in=[t.pk for t in tasks]).update(due_date=new_due, updated_at=now)
            TaskEvent.objects.bulk_create(moved)
            notices = []
            for task, event in zip(tasks, moved, strict=True):
                task.due_date, task.session = new_due, session
                notices += _change_notice(task=task, event=event, key=f"reschedule:{task.pk}:{new_due.isoformat()}")
            outbox_messages_add(messages=notices)
    return len(moved)


# --- The daily chase -----------------------------------------------------------------------


@dataclass
class ChaseReport:
    day: datetime.date
    assigned: AssignResult
    reminders: object
    released: int = 0
    drained: DrainResult | None = None


def chase_run(*, day: datetime.date | None = None, send: bool = True) -> ChaseReport:
    """What the daily schedule runs, as of ``day``: assignment for the sessions entering the
    preparation window, reminder and escalation planning into the outbox, then (``send``)
    draining the outbox. Safe to run any number of times: every step is idempotent."""
    from .reminders import reminders_plan

    day = day or timezone.localdate()
    report = ChaseReport(day=day, assigned=tasks_assign(today=day), reminders=reminders_plan(day=day))
    if send:
        report.released = outbox_release_stuck()
        report.drained = outbox_drain()
    return report
