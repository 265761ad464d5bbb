"""The meetings' HTTP surface: who sees and edits protocols, bad input answered clearly, the
assignments' status and the extension endpoint; the session page and the status page."""

from __future__ import annotations

import datetime
import io

import pytest
from django.test import Client
from docx import Document

from lifecycle.kernel import fire
from meetings import services
from tasks.models import PreparationTask, TaskKind

DUE = "2030-04-01"


@pytest.fixture
def held(meeting_plan, secretary):
    _plan, first, _second = meeting_plan
    fire(obj=first, name="hold", by=secretary)
    return first


@pytest.fixture
def approved_protocol(held, api_as, secretary, office_head, department_head, responsible):
    protocol = services.protocol_create(session=held, by=secretary)
    entry = protocol.entries.order_by("order").first()
    body = {"entries": [{"item": entry.item_id, "heard": "Петров П.П.", "decided": "Принять к сведению.",
                         "assignments": [{"text": "Подготовить справку", "assignees": [responsible.pk],
                                          "due_date": DUE}]}]}
    assert api_as(secretary).patch(f"/api/protocols/{protocol.pk}/", body, format="json").status_code == 200
    for name, by in (("submit", secretary), ("agree", office_head), ("approve", department_head)):
        fire(obj=protocol, name=name, by=by)
    return protocol


def test_a_draft_is_the_office_staffs_an_approved_protocol_everyones(held, api_as, secretary, responsible,
                                                                       office_head, department_head):
    protocol = services.protocol_create(session=held, by=secretary)
    assert api_as(responsible).get(f"/api/protocols/{protocol.pk}/").status_code == 404
    assert api_as(department_head).get(f"/api/protocols/{protocol.pk}/").status_code == 200
    assert api_as(responsible).patch(f"/api/protocols/{protocol.pk}/", {"guests": "x"}, format="json").status_code == 404


def test_an_item_of_another_session_is_refused(meeting_plan, held, api_as, secretary):
    _plan, _first, second = meeting_plan
    protocol = services.protocol_create(session=held, by=secretary)
    foreign = second.items.first()
    answer = api_as(secretary).patch(f"/api/protocols/{protocol.pk}/", {"entries": [{"item": foreign.pk}]},
                                     format="json")
    assert answer.status_code == 400
    assert "другому заседанию" in answer.json()["detail"] or "другому заседанию" in str(answer.json())
    assert protocol.entries.count() == 2


def test_a_file_in_an_unknown_format_is_a_400(held, api_as, secretary):
    protocol = services.protocol_create(session=held, by=secretary)
    assert api_as(secretary).get(f"/api/protocols/{protocol.pk}/export/?format=rtf").status_code == 400
    assert api_as(secretary).get(f"/api/sessions/{held.pk}/agenda/?format=xls").status_code == 400


def test_the_agenda_document_lists_the_items_time_and_place(meeting_plan, api_as, responsible):
    _plan, first, _second = meeting_plan
    answer = api_as(responsible).get(f"/api/sessions/{first.pk}/agenda/?format=docx")
    assert answer.status_code == 200
    document = Document(io.BytesIO(answer.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "ПОВЕСТКА" in text and "12.03.2030" in text and "10:00" in text and "каб. 301" in text
    cells = [cell.text for row in document.tables[0].rows for cell in row.cells]
    assert "Тема 1.1" in cells and "Тема 1.2" in cells


def test_the_status_of_assignments_by_person_for_the_office_only(approved_protocol, api_as, office_head,
                                                                 responsible, responsible2):
    assert api_as(responsible).get("/api/assignments/status/").status_code == 403
    rows = api_as(office_head).get(f"/api/assignments/status/?person={responsible.pk}").json()
    assert [(r["text"], r["assignee"], r["state"]) for r in rows] == [("Подготовить справку", responsible.pk,
                                                                        "assigned")]
    assert api_as(office_head).get(f"/api/assignments/status/?person={responsible2.pk}").json() == []
    assert api_as(office_head).get("/api/assignments/status/?from=вчера").status_code == 400
    exported = api_as(office_head).get("/api/assignments/status/export/?format=docx")
    assert exported.status_code == 200
    cells = [c.text for t in Document(io.BytesIO(exported.content)).tables for r in t.rows for c in r.cells]
    assert "Подготовить справку" in cells
    from openpyxl import load_workbook

    table = api_as(office_head).get("/api/assignments/status/export/?format=xlsx")
    assert table.status_code == 200
    sheet = load_workbook(io.BytesIO(table.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Протокол", "Поручение")
    assert rows[1][1] == "Подготовить справку" and rows[1][2] == "Петров П.П."
    assert rows[1][3].date() == datetime.date(2030, 4, 1)


def test_the_extension_endpoint(approved_protocol, api_as, office_head, responsible):
    task = PreparationTask.objects.get(kind=TaskKind.PROTOCOL_ASSIGNMENT)
    url = f"/api/assignment-tasks/{task.pk}/extend/"
    assert api_as(office_head).post(url, {"due_date": "2030-05-01", "reason": ""}, format="json").status_code == 400
    assert api_as(responsible).post(url, {"due_date": "2030-05-01", "reason": "Прошу"},
                                    format="json").status_code == 403
    answer = api_as(office_head).post(url, {"due_date": "2030-05-01", "reason": "Перенос совещания"}, format="json")
    assert answer.status_code == 200 and answer.json()["due_date"] == "2030-05-01"
    listed = api_as(responsible).get(f"/api/tasks/{task.pk}/").json()
    assert listed["protocol"] == approved_protocol.pk and listed["kind"] == "protocol_assignment"
    assert listed["due_date"] == "2030-05-01"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_session_page_and_the_protocol_from_it(meeting_plan, approved_protocol, secretary, responsible):
    _plan, first, second = meeting_plan
    page = _client(responsible).get(f"/meetings/sessions/{first.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Тема 1.1" in html and str(approved_protocol) in html and "Петров П.П." in html
    assert "Составить протокол" not in html
    upcoming = _client(secretary).get(f"/meetings/sessions/{second.pk}/").content.decode()
    assert "О ходе исполнения поручений" in upcoming and "Подготовить справку" in upcoming
    shown = _client(responsible).get(f"/meetings/protocols/{approved_protocol.pk}/").content.decode()
    assert "Принять к сведению." in shown and "protocol-editor" not in shown
    task = PreparationTask.objects.get(kind=TaskKind.PROTOCOL_ASSIGNMENT)
    task_page = _client(responsible).get(f"/tasks/{task.pk}/").content.decode()
    assert f"/meetings/protocols/{approved_protocol.pk}/" in task_page and "Поручение по протоколу" in task_page
    assert str(task.title) in _client(responsible).get("/tasks/").content.decode()


def test_the_status_page_is_the_offices(approved_protocol, office_head, responsible):
    assert _client(responsible).get("/meetings/assignments/").status_code == 403
    page = _client(office_head).get("/meetings/assignments/")
    assert page.status_code == 200 and "Подготовить справку" in page.content.decode()


def test_a_saved_editor_form_with_a_bad_date_changes_nothing(held, secretary):
    protocol = services.protocol_create(session=held, by=secretary)
    entry = protocol.entries.order_by("order").first()
    answer = _client(secretary).post(f"/meetings/protocols/{protocol.pk}/save/", {
        "held_on": "2030-03-12", f"entry-{entry.pk}-decided": "Решено", f"entry-{entry.pk}-new-text": "Поручение",
        f"entry-{entry.pk}-new-due": "завтра",
    })
    assert answer.status_code == 302
    entry.refresh_from_db()
    assert entry.decided == "" and datetime.date(2030, 3, 12) == protocol.held_on


def test_participants_are_listed_added_and_removed_by_the_office(meeting_plan, api_as, secretary, responsible,
                                                                 outsider, third):
    _plan, first, _second = meeting_plan
    url = f"/api/sessions/{first.pk}/participants/"
    listed = api_as(responsible).get(url).json()
    assert {row["person"] for row in listed} >= {responsible.pk} and not any(row["added"] for row in listed)
    assert api_as(responsible).post(url, {"person": third.pk}, format="json").status_code == 403
    added = api_as(secretary).post(url, {"person": third.pk}, format="json")
    assert added.status_code == 200
    assert [row["person"] for row in added.json() if row["added"]] == [third.pk]
    assert api_as(secretary).delete(f"{url}{third.pk}/").status_code == 204
    assert api_as(secretary).delete(f"{url}{third.pk}/").status_code == 404


def test_the_secretary_adds_a_participant_on_the_session_page(meeting_plan, secretary, responsible, third):
    _plan, first, _second = meeting_plan
    url = f"/meetings/sessions/{first.pk}/participants/"
    assert _client(secretary).post(url, {"person": "x"}).status_code == 302
    assert _client(responsible).post(url, {"person": third.pk}).status_code == 403
    assert _client(secretary).post(url, {"person": third.pk}).status_code == 302
    assert first.participants.filter(person=third).exists()
    assert "Кузнецов К.К." in _client(secretary).get(f"/meetings/sessions/{first.pk}/").content.decode()


def test_the_office_head_extends_an_assignment_on_the_protocol_page_with_a_reason(approved_protocol, office_head,
                                                                                  responsible):
    task = PreparationTask.objects.get(kind=TaskKind.PROTOCOL_ASSIGNMENT)
    assert f"/meetings/assignments/{task.pk}/extend/" in _client(office_head).get(
        f"/meetings/protocols/{approved_protocol.pk}/").content.decode()
    url = f"/meetings/assignments/{task.pk}/extend/"
    _client(office_head).post(url, {"due_date": "2030-05-01", "reason": ""})
    task.refresh_from_db()
    assert task.due_date == datetime.date(2030, 4, 1)
    assert _client(responsible).post(url, {"due_date": "2030-05-01", "reason": "Прошу"}).status_code == 403
    _client(office_head).post(url, {"due_date": "2030-05-01", "reason": "Перенос совещания"})
    task.refresh_from_db()
    assert task.due_date == datetime.date(2030, 5, 1)
    assert task.events.filter(transition="reschedule", comment__contains="Перенос совещания").exists()
