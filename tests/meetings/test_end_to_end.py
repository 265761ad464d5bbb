"""The life after the plan, end to end on the real database and a real SMTP server: the agenda
and materials reach the participants, the session is held, its protocol drafted, returned once,
agreed and approved by the right people only; its three assignments become tasks that are
chased like preparation tasks and listed at the next session; the documents open."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.conf import settings
from docx import Document

from documents.pdf import soffice_binary
from lifecycle.kernel import fire
from meetings.mailing import AGENDA_KIND, agenda_sending_day
from meetings.models import Protocol
from outbox.models import MessageKind, OutboxMessage
from outbox.rendering import messages_render
from tasks.chase import chase_run
from tasks.models import PreparationTask, ReminderPolicy, TaskKind, TaskState
from tasks.reminders import reminders_plan
from tasks.uploads import task_result_attach

pytestmark = pytest.mark.django_db(transaction=True)


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _accept_materials(session, office_head):
    tasks = list(PreparationTask.objects.filter(session=session).select_related("assignee"))
    assert tasks, "the chase assigns the session's preparation tasks"
    for task in tasks:
        fire(obj=task, name="start", by=task.assignee)
        task_result_attach(task=task, by=task.assignee, text=f"Справка: {task.title}")
        fire(obj=task, name="submit", by=task.assignee)
        fire(obj=task, name="accept", by=office_head)
    return tasks


def test_agenda_protocol_assignments_and_control(
    meeting_plan, smtp_server, api_as, secretary, office_head, department_head, responsible, responsible2,
    third, third_group, outsider,
):
    plan, first, second = meeting_plan
    from meetings.services import participant_add

    participant_add(session=first, person=outsider, by=secretary)

    # Preparation: the chase assigns the tasks, the results are accepted.
    sending_day = agenda_sending_day(session_date=first.expected_date,
                                     working_days=settings.MEETINGS_AGENDA_WORKING_DAYS_BEFORE)
    chase_run(day=sending_day - datetime.timedelta(days=7), send=False)
    materials = _accept_materials(first, office_head)
    assert not OutboxMessage.objects.filter(kind=AGENDA_KIND).exists(), "not before the sending day"

    # The agenda with the pack's link reaches every participant, once.
    chase_run(day=sending_day)
    chase_run(day=sending_day)
    agenda_mails = [m for m in smtp_server.recorder.messages if "Повестка заседания" in m["Subject"]]
    expected = {p.email for p in (responsible, responsible2, office_head, department_head, outsider)}
    assert {m["To"] for m in agenda_mails} == expected
    assert len(agenda_mails) == len(expected)
    body = smtp_server.recorder.text(agenda_mails[0])
    assert f"/api/sessions/{first.pk}/materials/" in body
    assert "Тема 1.1" in body and "Тема 1.2" in body

    pack = api_as(responsible).get(f"/api/sessions/{first.pk}/materials/")
    assert pack.status_code == 200 and pack["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(pack.content)).namelist()
    assert len(names) == len(materials)
    assert any("Тема 1.1" in name and "Петров" in name for name in names)

    # The session is held; the secretary drafts the protocol, pre-filled from the agenda.
    fire(obj=first, name="hold", by=secretary)
    created = api_as(secretary).post("/api/protocols/", {"session": first.pk}, format="json")
    assert created.status_code == 201, created.content
    protocol_id = created.json()["id"]
    entries = created.json()["entries"]
    assert [e["title"] for e in entries] == ["Тема 1.1", "Тема 1.2"]
    assert "Петров" in entries[0]["heard"]
    assert api_as(responsible).post("/api/protocols/", {"session": second.pk}, format="json").status_code in (403, 409)

    due = datetime.date(2030, 4, 1)
    body = {
        "guests": "Орлов О.О., директор школы № 1",
        "attendees": [{"person": p.pk, "present": p != outsider}
                      for p in (responsible, responsible2, office_head, department_head, outsider)],
        "entries": [
            {"item": entries[0]["item"], "heard": "Петров П.П.", "decided": "Информацию принять к сведению.",
             "assignments": [
                 {"text": "Подготовить дорожную карту", "assignees": [responsible.pk], "due_date": str(due),
                  "control_person": department_head.pk},
                 {"text": "Согласовать показатели", "assignees": [responsible2.pk], "due_date": str(due)},
             ]},
            {"item": entries[1]["item"], "heard": "Смирнова А.В.", "decided": "Одобрить план работ.",
             "assignments": [
                 {"text": "Собрать рабочую группу", "groups": [third_group.pk], "due_date": str(due)},
             ]},
        ],
    }
    updated = api_as(secretary).put(f"/api/protocols/{protocol_id}/", body, format="json")
    assert updated.status_code == 200, updated.content
    assert sum(len(e["assignments"]) for e in updated.json()["entries"]) == 3

    def act(user, name, comment=""):
        return api_as(user).post(f"/api/protocols/{protocol_id}/{name}/", {"comment": comment}, format="json")

    assert act(responsible, "submit").status_code == 404  # a draft is not shown to him at all
    assert act(secretary, "submit").status_code == 200
    assert act(department_head, "agree").status_code == 403
    assert act(responsible, "return", "нет").status_code == 404
    assert act(office_head, "return").status_code == 400  # a return needs its comment
    assert act(office_head, "return", "Уточните сроки по второму вопросу.").json()["state"] == "draft"
    assert act(secretary, "submit").status_code == 200
    assert act(office_head, "agree").status_code == 200
    assert act(office_head, "approve").status_code == 403
    assert act(secretary, "approve").status_code == 403
    approved = act(department_head, "approve")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    sheet = api_as(secretary).get(f"/api/protocols/{protocol_id}/decisions/").json()
    assert [row["transition"] for row in sheet] == ["submit", "return", "submit", "agree", "approve"]
    assert sheet[1]["comment"] == "Уточните сроки по второму вопросу."
    assert api_as(secretary).put(f"/api/protocols/{protocol_id}/", body, format="json").status_code == 409

    # Three tasks of kind protocol_assignment, one for each assignee (the group gives its member).
    tasks = PreparationTask.objects.filter(kind=TaskKind.PROTOCOL_ASSIGNMENT).order_by("title")
    assert {(t.title, t.assignee_id) for t in tasks} == {
        ("Подготовить дорожную карту", responsible.pk), ("Согласовать показатели", responsible2.pk),
        ("Собрать рабочую группу", third.pk),
    }
    listed = api_as(third).get("/api/tasks/?kind=protocol_assignment").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [(r["title"], r["protocol"]) for r in rows] == [("Собрать рабочую группу", protocol_id)]

    # Reminded and escalated like preparation tasks.
    policy = ReminderPolicy.current()
    reminders_plan(day=due - datetime.timedelta(days=policy.days_before_due))
    reminded = OutboxMessage.objects.filter(kind=MessageKind.REMINDER, day=due - datetime.timedelta(
        days=policy.days_before_due))
    assert {m.recipient_id for m in reminded} == {responsible.pk, responsible2.pk, third.pk}
    late_day = due + datetime.timedelta(days=policy.escalate_after_days)
    reminders_plan(day=late_day)
    escalation = OutboxMessage.objects.get(kind=MessageKind.ESCALATION, day=late_day, recipient=office_head)
    assert not messages_render([escalation])  # planned as data, rendered when sent
    assert set(tasks.values_list("pk", flat=True)) <= set(escalation.related_ids)

    # The control person (not the assignee, not an outsider) accepts a report of execution.
    roadmap = tasks.get(assignee=responsible)
    fire(obj=roadmap, name="start", by=responsible)
    task_result_attach(task=roadmap, by=responsible, text="Дорожная карта утверждена.")
    fire(obj=roadmap, name="submit", by=responsible)
    assert api_as(responsible2).post(f"/api/tasks/{roadmap.pk}/accept/", {}, format="json").status_code in (403, 404)
    assert api_as(department_head).post(f"/api/tasks/{roadmap.pk}/accept/", {}, format="json").status_code == 200
    roadmap.refresh_from_db()
    assert roadmap.state == TaskState.DONE

    # The next session's agenda lists the assignments due by then, with their state.
    agenda = api_as(secretary).get(f"/api/sessions/{second.pk}/agenda/?format=docx")
    assert agenda.status_code == 200
    text = _docx_text(agenda.content)
    assert "О ходе исполнения поручений" in text
    for title in ("Подготовить дорожную карту", "Согласовать показатели", "Собрать рабочую группу"):
        assert title in text
    assert "Принята" in text

    # The protocol exports in the office's layout.
    exported = api_as(responsible).get(f"/api/protocols/{protocol_id}/export/?format=docx")
    assert exported.status_code == 200
    text = _docx_text(exported.content)
    protocol = Protocol.objects.get(pk=protocol_id)
    assert "ПРОТОКОЛ" in text and f"№ {protocol.number} от 12.03.2030" in text
    assert "СЛУШАЛИ" in text and "РЕШИЛИ" in text and "Одобрить план работ." in text
    assert "Председатель" in text and "Секретарь" in text and "_____________" in text
    assert "Отсутствовали" in text and "Орлов О.О." in text
    if soffice_binary() is None:
        pytest.skip("LibreOffice (soffice) is not installed: the PDF export is not checked")
    pdf = api_as(secretary).get(f"/api/protocols/{protocol_id}/export/?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
