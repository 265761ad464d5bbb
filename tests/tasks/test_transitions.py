"""Task life cycle: who may fire what, the history row, results, and sessions moving tasks."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from lifecycle.exceptions import TransitionError
from lifecycle.kernel import available, fire
from tasks.assignment import tasks_assign
from tasks.exceptions import TaskError
from tasks.models import PreparationTask, TaskEvent, TaskState
from tasks.uploads import task_result_attach

D = datetime.date


@pytest.fixture
def task(make_task, responsible):
    return make_task(responsible, D(2031, 3, 10))


def _fail(code, **kwargs):
    with pytest.raises(TransitionError) as info:
        fire(obj=kwargs.pop("task"), **kwargs)
    assert info.value.code == code
    return info.value


def test_the_whole_life_cycle_writes_history(task, responsible, office_head):
    fire(obj=task, name="start", by=responsible)
    task_result_attach(task=task, by=responsible, text="Отчёт готов")
    fire(obj=task, name="submit", by=responsible)
    fire(obj=task, name="return", by=office_head, comment="Добавьте цифры")
    fire(obj=task, name="submit", by=responsible)
    fire(obj=task, name="accept", by=office_head)

    assert task.state == TaskState.DONE
    rows = list(TaskEvent.objects.filter(task=task).values_list("transition", "from_state", "to_state", "actor"))
    assert rows == [
        ("start", "assigned", "in_progress", responsible.pk),
        ("submit", "in_progress", "submitted", responsible.pk),
        ("return", "submitted", "in_progress", office_head.pk),
        ("submit", "in_progress", "submitted", responsible.pk),
        ("accept", "submitted", "done", office_head.pk),
    ]
    returned = TaskEvent.objects.get(task=task, transition="return")
    assert returned.comment == "Добавьте цифры" and returned.actor_position == office_head.position


def test_refusals(task, responsible, responsible2, office_head, secretary):
    assert _fail("forbidden", task=task, name="start", by=responsible2).status == 403
    assert _fail("forbidden", task=task, name="start", by=office_head).status == 403
    assert _fail("forbidden", task=task, name="cancel", by=secretary).status == 403
    assert _fail("invalid_state", task=task, name="accept", by=office_head).status == 409
    fire(obj=task, name="start", by=responsible)
    assert _fail("result_required", task=task, name="submit", by=responsible).status == 400
    task_result_attach(task=task, by=responsible, text="Готово")
    fire(obj=task, name="submit", by=responsible)
    assert _fail("comment_required", task=task, name="return", by=office_head, comment="  ").status == 400
    assert TaskEvent.objects.filter(task=task).count() == 2


def test_a_stale_copy_gets_a_conflict(task, responsible, office_head):
    stale = PreparationTask.objects.get(pk=task.pk)
    fire(obj=task, name="cancel", by=office_head, comment="Тема снята")

    _fail("conflict", task=stale, name="start", by=responsible)


def test_available_actions_per_person(task, responsible, office_head, outsider):
    assert available(obj=task, user=responsible) == ["start"]
    assert available(obj=task, user=office_head) == ["cancel"]
    assert available(obj=task, user=outsider) == []


def test_result_file_limits(task, responsible, responsible2, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS_RESULT_MAX_BYTES = 100
    with pytest.raises(TaskError) as info:
        task_result_attach(task=task, by=responsible, file=SimpleUploadedFile("report.pdf", b"x" * 101))
    assert info.value.status == 413
    with pytest.raises(TaskError) as info:
        task_result_attach(task=task, by=responsible, file=SimpleUploadedFile("report.exe", b"MZ"))
    assert info.value.status == 415
    with pytest.raises(TaskError):
        task_result_attach(task=task, by=responsible2, file=SimpleUploadedFile("report.pdf", b"%PDF"))

    task_result_attach(task=task, by=responsible, file=SimpleUploadedFile("Отчёт.pdf", b"%PDF-1.4"))
    assert task.result_file.name.endswith(".pdf") and task.has_result


def test_events_are_append_only(task, responsible):
    event = fire(obj=task, name="start", by=responsible)
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        TaskEvent.objects.all().delete()


def test_postponing_a_session_moves_open_tasks_and_cancelling_cancels_them(approved_plan, office_head, secretary,
                                                                           settings):
    settings.TASKS_DUE_DAYS_BEFORE = 10
    tasks_assign(today=D(2023, 1, 16))
    february = approved_plan.sessions.get(number=1)
    done = PreparationTask.objects.filter(session=february).first()
    fire(obj=done, name="cancel", by=office_head, comment="Тема снята")

    with time_machine.travel(datetime.datetime(2023, 1, 20, 12, tzinfo=datetime.UTC), tick=False):
        fire(name="postpone", obj=february, by=office_head, planned_month=D(2023, 3, 1))

    open_tasks = PreparationTask.objects.filter(session=february).exclude(pk=done.pk)
    assert {t.due_date for t in open_tasks} == {D(2023, 3, 3)}  # 15 March - 10 = Sunday 5 March
    assert PreparationTask.objects.get(pk=done.pk).due_date == D(2023, 2, 3)
    assert TaskEvent.objects.filter(transition="reschedule").count() == 2
    assert "03.03.2023" in TaskEvent.objects.filter(transition="reschedule").first().comment

    fire(name="cancel", obj=february, by=secretary)

    assert set(PreparationTask.objects.filter(session=february).values_list("state", flat=True)) == {"cancelled"}
    # The history names the person whose decision it was, not «Система» (issue: one transition kernel).
    assert TaskEvent.objects.filter(transition="cancel", actor=secretary, comment="Заседание отменено.").count() == 2
    assert not TaskEvent.objects.filter(transition__in=("cancel", "reschedule"), actor=None).exists()

    # Each open task's assignee was told of the new due date, then of the cancellation.
    from outbox.models import MessageKind, OutboxMessage

    notices = OutboxMessage.objects.filter(kind=MessageKind.CHANGED).order_by("id")
    subjects = [n.subject.split(":")[0] for n in notices]
    # The office head's own cancel of her own task ``done`` is no news to her: no notice (issue 13).
    assert subjects == ["Срок задачи изменён"] * 2 + ["Задача подготовки отменена"] * 2
    moved = notices[0]
    assert "Изменился срок задачи подготовки:" in moved.body_text and "Срок: 03.03.2023" in moved.body_text
    assert "Заседание в марте 2023 г." in moved.body_text
    called_off = notices[3]
    # The session was called off by the secretary: the notice names her (no longer «Система»).
    assert "Иванова Ирина Ивановна отменил(а) задачу подготовки:" in called_off.body_text
    assert "Заседание отменено." in called_off.body_text


def test_the_assignee_hears_of_a_return_and_a_cancellation(task, responsible, office_head):
    from outbox.models import MessageKind, OutboxMessage

    fire(obj=task, name="start", by=responsible)
    task_result_attach(task=task, by=responsible, text="Черновик")
    fire(obj=task, name="submit", by=responsible)
    assert not OutboxMessage.objects.filter(kind=MessageKind.CHANGED).exists()  # submitting is not news to them

    fire(obj=task, name="return", by=office_head, comment="Добавьте цифры за квартал")
    returned = OutboxMessage.objects.get(kind=MessageKind.CHANGED)
    assert (returned.recipient, returned.to_email, returned.related_ids) == (responsible, responsible.email, [task.pk])
    assert returned.subject.startswith("Результат возвращён на доработку: ")
    assert "Сергеева Ольга Александровна вернул(а) результат задачи на доработку" in returned.body_text
    assert "Комментарий: Добавьте цифры за квартал" in returned.body_text
    assert f"/tasks/{task.pk}/" in returned.body_text and "Добавьте цифры за квартал" in returned.body_html

    fire(obj=task, name="cancel", by=office_head, comment="Тема снята")
    cancelled = OutboxMessage.objects.filter(kind=MessageKind.CHANGED).exclude(pk=returned.pk).get()
    assert cancelled.subject.startswith("Задача подготовки отменена: ")
    assert "Тема снята" in cancelled.body_text and "Срок:" not in cancelled.body_text
