"""The protocol's rules, its assignments as tasks under control, the extension of a due date,
the agenda mailing and the materials pack."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest

from config.errors import DomainError
from lifecycle.exceptions import TransitionError
from lifecycle.kernel import allowed, fire
from meetings import services
from meetings.documents import materials_zip
from meetings.mailing import AGENDA_KIND, agenda_sending_day, agendas_send_due
from meetings.models import AgendaMailing
from outbox.models import OutboxMessage
from tasks.models import PreparationTask, TaskEvent, TaskKind, TaskState, TaskTransition

DUE = datetime.date(2030, 4, 1)


def _draft(session, secretary, *assignments):
    """A protocol of the held ``session`` with ``assignments`` (dicts) under its first entry."""
    protocol = services.protocol_create(session=session, by=secretary)
    entries = [{"item": e.item, "title": e.title, "heard": e.heard, "decided": "Решили.", "assignments": []}
               for e in protocol.entries.all()]
    entries[0]["assignments"] = list(assignments)
    return services.protocol_update(protocol=protocol, by=secretary, data={"entries": entries})


def _approve(protocol, secretary, office_head, department_head):
    for name, by in (("submit", secretary), ("agree", office_head), ("approve", department_head)):
        fire(obj=protocol, name=name, by=by)
    return protocol


@pytest.fixture
def held(meeting_plan, secretary):
    _plan, first, _second = meeting_plan
    fire(obj=first, name="hold", by=secretary)
    return first


def test_a_protocol_is_written_for_a_held_session_only_and_once(meeting_plan, held, secretary, responsible):
    _plan, _first, second = meeting_plan
    with pytest.raises(DomainError) as refused:
        services.protocol_create(session=second, by=secretary)
    assert refused.value.status == 409
    with pytest.raises(DomainError) as forbidden:
        services.protocol_create(session=held, by=responsible)
    assert forbidden.value.status == 403
    protocol = services.protocol_create(session=held, by=secretary)
    assert [e.title for e in protocol.entries.all()] == ["Тема 1.1", "Тема 1.2"]
    assert protocol.attendees.count() >= 3
    with pytest.raises(DomainError) as twice:
        services.protocol_create(session=held, by=secretary)
    assert twice.value.code == "duplicate"


def test_an_assignment_needs_a_responsible_and_nothing_is_half_written(held, secretary):
    protocol = services.protocol_create(session=held, by=secretary)
    entries = [{"item": e.item, "title": e.title, "decided": "Новое решение", "assignments": [
        {"text": "Без исполнителя", "assignees": [], "groups": [], "due_date": DUE}]} for e in protocol.entries.all()]
    with pytest.raises(DomainError):
        services.protocol_update(protocol=protocol, by=secretary, data={"entries": entries})
    assert not protocol.entries.filter(decided="Новое решение").exists()


def test_only_a_draft_is_edited(held, secretary, office_head, department_head, responsible):
    protocol = _draft(held, secretary, {"text": "Сделать", "assignees": [responsible], "due_date": DUE})
    fire(obj=protocol, name="submit", by=secretary)
    with pytest.raises(DomainError) as refused:
        services.protocol_update(protocol=protocol, by=secretary, data={"guests": "Орлов О.О."})
    assert refused.value.status == 409


def test_approval_issues_one_task_per_person_groups_expanded_once(
    held, secretary, office_head, department_head, responsible, responsible2, portfolio_group,
):
    protocol = _draft(held, secretary,
                      {"text": "Всем руководителям портфелей", "assignees": [responsible], "groups": [portfolio_group],
                       "due_date": DUE, "control_person": department_head})
    _approve(protocol, secretary, office_head, department_head)
    tasks = PreparationTask.objects.filter(kind=TaskKind.PROTOCOL_ASSIGNMENT)
    assert sorted(tasks.values_list("assignee_id", flat=True)) == sorted([responsible.pk, responsible2.pk])
    assert set(tasks.values_list("controller_id", flat=True)) == {department_head.pk}
    assert all(task.item_id is None and task.session_id == held.pk for task in tasks)
    assert TaskEvent.objects.filter(task__in=tasks, transition=TaskTransition.ASSIGN).count() == 2
    services.assignments_issue(protocol=protocol)
    assert tasks.count() == 2


def test_the_control_person_or_the_office_head_accepts_nobody_else(
    held, secretary, office_head, department_head, responsible, responsible2,
):
    protocol = _draft(held, secretary, {"text": "Отчитаться", "assignees": [responsible], "due_date": DUE,
                                        "control_person": responsible2})
    _approve(protocol, secretary, office_head, department_head)
    task = PreparationTask.objects.get(kind=TaskKind.PROTOCOL_ASSIGNMENT)
    task.result_text = "Сделано"
    task.save(update_fields=["result_text"])
    fire(obj=task, name="start", by=responsible)
    fire(obj=task, name="submit", by=responsible)
    assert allowed(obj=task, name="accept", by=responsible2)
    assert allowed(obj=task, name="accept", by=office_head)
    assert not allowed(obj=task, name="accept", by=responsible)
    assert not allowed(obj=task, name="accept", by=department_head)
    with pytest.raises(TransitionError) as refused:
        fire(obj=task, name="return", by=department_head, comment="нет")
    assert "контролирующий" in refused.value.message
    fire(obj=task, name="return", by=responsible2, comment="Приложите протокол рабочей группы.")
    assert task.state == TaskState.IN_PROGRESS
    assert PreparationTask.objects.visible_to(responsible2).filter(pk=task.pk).exists()


def test_a_due_date_is_extended_only_with_a_reason_recorded(
    held, secretary, office_head, department_head, responsible,
):
    protocol = _draft(held, secretary, {"text": "Отчитаться", "assignees": [responsible], "due_date": DUE})
    _approve(protocol, secretary, office_head, department_head)
    task = PreparationTask.objects.get(kind=TaskKind.PROTOCOL_ASSIGNMENT)
    later = DUE + datetime.timedelta(days=14)
    with pytest.raises(DomainError) as no_reason:
        services.assignment_task_extend(task=task, due_date=later, reason="  ", by=office_head)
    assert no_reason.value.code == "comment_required"
    with pytest.raises(DomainError) as assignee:
        services.assignment_task_extend(task=task, due_date=later, reason="Нужно время", by=responsible)
    assert assignee.value.status == 403
    with pytest.raises(DomainError):
        services.assignment_task_extend(task=task, due_date=DUE, reason="Тот же срок", by=office_head)
    event = services.assignment_task_extend(task=task, due_date=later, reason="Ждём данные мониторинга",
                                            by=office_head)
    task.refresh_from_db()
    assert task.due_date == later
    assert event.transition == TaskTransition.RESCHEDULE and "Ждём данные мониторинга" in event.comment
    assert "01.04.2030" in event.comment and "15.04.2030" in event.comment


def test_the_agenda_goes_out_once_from_its_sending_day(meeting_plan, settings, outsider, secretary):
    _plan, first, _second = meeting_plan
    services.participant_add(session=first, person=outsider, by=secretary)
    day = agenda_sending_day(session_date=first.expected_date,
                             working_days=settings.MEETINGS_AGENDA_WORKING_DAYS_BEFORE)
    assert agendas_send_due(day=day - datetime.timedelta(days=1)) == 0
    sent = agendas_send_due(day=day)
    assert sent == 5  # Петров, Смирнова, the office head, the department head, the added participant
    assert agendas_send_due(day=day + datetime.timedelta(days=1)) == 0
    assert AgendaMailing.objects.get(session=first).recipients == 5
    message = OutboxMessage.objects.get(kind=AGENDA_KIND, recipient=outsider)
    assert f"/api/sessions/{first.pk}/materials/" in message.body_text
    assert message.attachments[0]["filename"] == f"agenda-{first.pk}.docx"


def test_the_sending_day_counts_working_days_only():
    # Monday 18 March 2030, three working days before: Wednesday 13 March (the weekend skipped).
    assert agenda_sending_day(session_date=datetime.date(2030, 3, 18), working_days=3) == datetime.date(2030, 3, 13)
    assert agenda_sending_day(session_date=datetime.date(2030, 3, 18), working_days=0) == datetime.date(2030, 3, 18)


def test_the_materials_pack_holds_accepted_results_named_by_item_and_author(
    meeting_plan, office_head, responsible, responsible2,
):
    _plan, first, _second = meeting_plan
    items = list(first.items.order_by("order"))
    accepted = PreparationTask.objects.create(item=items[0], session=first, assignee=responsible,
                                              kind=TaskKind.ITEM_PREPARATION, kind_key="item", title="Подготовка",
                                              due_date=DUE, result_text="Справка по теме", state=TaskState.DONE)
    PreparationTask.objects.create(item=items[1], session=first, assignee=responsible2,
                                   kind=TaskKind.ITEM_PREPARATION, kind_key="item", title="Подготовка",
                                   due_date=DUE, result_text="Ещё не принята", state=TaskState.SUBMITTED)
    content, count = materials_zip(session=first)
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert count == 1
    (name,) = archive.namelist()
    assert name == "01 Тема 1.1 — Петров П.П..txt"
    assert archive.read(name).decode() == accepted.result_text


def test_an_assignment_is_on_its_assignees_calendar_and_overdue_board(
    held, secretary, office_head, department_head, responsible,
):
    from calendars.selectors import calendar_tasks_for
    from tasks.selectors import overdue_summary

    protocol = _draft(held, secretary, {"text": "Отчитаться", "assignees": [responsible], "due_date": DUE})
    _approve(protocol, secretary, office_head, department_head)
    task = PreparationTask.objects.get(kind=TaskKind.PROTOCOL_ASSIGNMENT)
    assert task in calendar_tasks_for(user=responsible)
    late = overdue_summary(today=DUE + datetime.timedelta(days=1))
    assert {"assignee": responsible.pk, "name": "Петров П.П.", "count": 1} in late["by_person"]


def test_a_material_accepted_after_the_agenda_went_out_is_announced(meeting_plan, settings, office_head, responsible):
    _plan, first, _second = meeting_plan
    item = first.items.order_by("order").first()
    task = PreparationTask.objects.create(item=item, session=first, assignee=responsible,
                                          kind=TaskKind.ITEM_PREPARATION, kind_key="item", title="Подготовка",
                                          due_date=DUE, result_text="Справка", state=TaskState.SUBMITTED)
    day = agenda_sending_day(session_date=first.expected_date,
                             working_days=settings.MEETINGS_AGENDA_WORKING_DAYS_BEFORE)
    agendas_send_due(day=day)
    fire(obj=task, name="accept", by=office_head)
    late = OutboxMessage.objects.filter(kind=AGENDA_KIND, key=f"material:{task.pk}")
    assert late.count() == 4
    assert "Новый материал к заседанию № 1" in late.first().subject


def test_no_announcement_before_the_agenda(meeting_plan, office_head, responsible):
    _plan, first, _second = meeting_plan
    task = PreparationTask.objects.create(item=first.items.first(), session=first, assignee=responsible,
                                          kind=TaskKind.ITEM_PREPARATION, kind_key="item", title="Подготовка",
                                          due_date=DUE, result_text="Справка", state=TaskState.SUBMITTED)
    fire(obj=task, name="accept", by=office_head)
    assert not OutboxMessage.objects.filter(kind=AGENDA_KIND).exists()


def test_the_control_lists_open_assignments_and_those_due_since_the_last_session(
    meeting_plan, held, secretary, office_head, department_head, responsible, responsible2,
):
    from meetings.selectors import assignments_for_control

    _plan, _first, second = meeting_plan
    protocol = _draft(held, secretary, {"text": "Открытое", "assignees": [responsible], "due_date": DUE},
                      {"text": "Закрытое давно", "assignees": [responsible2], "due_date": datetime.date(2030, 3, 1)})
    _approve(protocol, secretary, office_head, department_head)
    closed = PreparationTask.objects.get(title="Закрытое давно")
    closed.result_text = "Сделано"
    closed.save(update_fields=["result_text"])
    for name, by in (("start", responsible2), ("submit", responsible2), ("accept", office_head)):
        fire(obj=closed, name=name, by=by)
    listed = [task.title for task in assignments_for_control(session=second)]
    assert listed == ["Открытое"]  # the closed one was due before the session that was held since
