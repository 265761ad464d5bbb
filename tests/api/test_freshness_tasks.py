"""The task list is served from a cache (revisions.responses), and a GET right after any change
shows it: assignment and the daily chase, every task action, a result, a hand-over, a session
moved or cancelled, a protocol's assignments and their extension, a new day, the names in it,
and writes that go around every service — for the office head and for the assignees. Each check
compares the answer with the same GET rendered with the cache emptied (tests/api/cached.py)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from accounts.models import Role
from tasks.assignment import tasks_assign
from tasks.chase import chase_run
from tasks.models import PreparationTask
from tests.api.cached import fresh, get, warm
from tests.factories import make_user
from tests.tasks.uploads import docx_bytes
from tests.web.conftest import NOW

pytestmark = pytest.mark.django_db
MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def clients(api_as, personas, responsible2):
    return {**{role: api_as(user) for role, user in personas.items()}, "responsible2": api_as(responsible2)}


def _row(body, pk) -> dict | None:
    return next((row for row in body["results"] if row["id"] == pk), None)


def test_assignment_and_the_chase_show_new_tasks_at_once(frozen, approved_plan, clients, settings):
    settings.TASKS_DUE_DAYS_BEFORE, settings.TASKS_ASSIGN_WINDOW_DAYS = 10, 60
    assert warm(clients["office_head"], "/api/tasks/")["count"] == 0
    assert warm(clients["responsible"], "/api/tasks/")["count"] == 0
    tasks_assign(today=NOW.date())
    assert fresh(clients["office_head"], "/api/tasks/")["count"] == 6
    assert fresh(clients["responsible"], "/api/tasks/")["count"] == 2
    # the daily chase assigns what enters the window (nothing new here) and plans reminders
    before = warm(clients["office_head"], "/api/tasks/")
    chase_run(day=NOW.date(), send=False)
    assert fresh(clients["office_head"], "/api/tasks/") == before


def test_every_action_on_a_task_shows_at_once(december_tasks, clients, responsible):
    task = december_tasks.filter(assignee=responsible).first()
    other = december_tasks.filter(assignee=responsible).exclude(pk=task.pk).first()
    mine, head = clients["responsible"], clients["office_head"]
    steps = [
        (mine, "start", {}, task, "in_progress"),
        (mine, "result", {"file": SimpleUploadedFile("otchet.docx", docx_bytes()), "text": "Отчёт"}, task,
         "in_progress"),
        (mine, "submit", {}, task, "submitted"),
        (head, "return", {"comment": "Нужны цифры"}, task, "in_progress"),
        (mine, "submit", {}, task, "submitted"),
        (head, "accept", {}, task, "done"),
        (head, "cancel", {"comment": "Тема снята"}, other, "cancelled"),
    ]
    for client, action, body, which, state in steps:
        before_head, before_mine = warm(head, "/api/tasks/"), warm(mine, "/api/tasks/")
        kind = "multipart" if action == "result" else "json"
        response = client.post(f"/api/tasks/{which.pk}/{action}/", body, format=kind)
        assert response.status_code == 200, (action, response.json())
        after_head, after_mine = fresh(head, "/api/tasks/"), fresh(mine, "/api/tasks/")
        assert after_head != before_head and after_mine != before_mine, action
        assert _row(after_head, which.pk)["state"] == state == _row(after_mine, which.pk)["state"]
    row = _row(fresh(mine, "/api/tasks/"), task.pk)
    assert row["result_text"] == "Отчёт" and row["result_file"].endswith(f"/api/tasks/{task.pk}/result/file/")
    assert [event["transition"] for event in row["events"]] == [
        "assign", "start", "submit", "return", "submit", "accept"]


def test_a_hand_over_shows_at_once_to_all_three(december_tasks, clients, api_as, responsible):
    task = december_tasks.filter(assignee=responsible).first()
    newcomer = make_user("portfolio3", role=Role.RESPONSIBLE, short_name="Кузнецов К.К.")
    clients["newcomer"] = api_as(newcomer)
    for who in ("office_head", "responsible", "newcomer"):
        warm(clients[who], "/api/tasks/")
    response = clients["office_head"].post(f"/api/tasks/{task.pk}/hand-over/",
                                           {"to": newcomer.pk, "reason": "Отпуск"}, format="json")
    assert response.status_code == 200, response.json()
    assert _row(fresh(clients["office_head"], "/api/tasks/"), task.pk)["assignee_name"] == "Кузнецов К.К."
    assert _row(fresh(clients["responsible"], "/api/tasks/"), task.pk) is None
    assert _row(fresh(clients["newcomer"], "/api/tasks/"), task.pk)["assignee"] == newcomer.pk


def test_a_session_moved_or_cancelled_shows_at_once(december_tasks, clients):
    session = december_tasks.first().session
    before = warm(clients["office_head"], "/api/tasks/")
    response = clients["secretary"].post(f"/api/sessions/{session.pk}/postpone/", {"planned_month": "2024-01-01"},
                                         format="json")
    assert response.status_code == 200, response.json()
    moved = fresh(clients["office_head"], "/api/tasks/")
    assert {row["due_date"] for row in moved["results"]} != {row["due_date"] for row in before["results"]}
    assert {row["session_label"] for row in moved["results"]} == {"Заседание в январе 2024 г."}
    warm(clients["responsible"], "/api/tasks/")
    assert clients["secretary"].post(f"/api/sessions/{session.pk}/cancel/", {}, format="json").status_code == 200
    assert {row["state"] for row in fresh(clients["office_head"], "/api/tasks/")["results"]} == {"cancelled"}
    assert {row["state"] for row in fresh(clients["responsible"], "/api/tasks/")["results"]} == {"cancelled"}


def test_a_new_day_shows_at_once(december_tasks, clients, frozen):
    task = december_tasks.first()
    late_eve = datetime.datetime.combine(task.due_date, datetime.time(23, 59), tzinfo=MOSCOW)
    frozen.move_to(late_eve)
    assert _row(warm(clients["office_head"], "/api/tasks/"), task.pk)["is_overdue"] is False
    frozen.move_to(late_eve + datetime.timedelta(minutes=2))  # the cached body has not expired by then
    row = _row(fresh(clients["office_head"], "/api/tasks/"), task.pk)
    assert row["is_overdue"] is True and row["days_late"] == 1


def test_names_and_session_dates_show_at_once(december_tasks, clients, responsible):
    task = december_tasks.filter(assignee=responsible).first()
    warm(clients["office_head"], "/api/tasks/")
    responsible.short_name = "Петров-Водкин П.П."
    responsible.save()
    assert _row(fresh(clients["office_head"], "/api/tasks/"), task.pk)["assignee_name"] == "Петров-Водкин П.П."
    warm(clients["responsible"], "/api/tasks/")
    response = clients["secretary"].post(f"/api/sessions/{task.session_id}/schedule/",
                                         {"starts_at": "2023-12-14T15:00:00+03:00"}, format="json")
    assert response.status_code == 200, response.json()
    assert _row(fresh(clients["responsible"], "/api/tasks/"), task.pk)["session_label"] == "Заседание 14.12.2023"


def test_writes_around_every_service_show_at_once(december_tasks, clients):
    task = december_tasks.first()
    warm(clients["office_head"], "/api/tasks/")
    PreparationTask.objects.filter(pk=task.pk).update(title="Исправлено запросом")
    assert _row(fresh(clients["office_head"], "/api/tasks/"), task.pk)["title"] == "Исправлено запросом"
    warm(clients["office_head"], "/api/tasks/")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM tasks_taskevent WHERE task_id = %s", [task.pk])  # not through the ORM
    assert _row(fresh(clients["office_head"], "/api/tasks/"), task.pk)["events"] == []


def test_filters_orders_pages_and_hosts_are_answers_of_their_own(december_tasks, clients, responsible):
    head = clients["office_head"]
    task = december_tasks.filter(assignee=responsible).first()
    urls = ["/api/tasks/", "/api/tasks/?state=in_progress", "/api/tasks/?state=assigned", "/api/tasks/?ordering=-id",
            f"/api/tasks/?assignee={responsible.pk}", "/api/tasks/?page=1", "/api/tasks/?overdue=false"]
    bodies = {url: warm(head, url) for url in urls}
    assert bodies["/api/tasks/?state=in_progress"]["count"] == 0 and bodies["/api/tasks/"]["count"] == 6
    assert [r["id"] for r in bodies["/api/tasks/?ordering=-id"]["results"]] == sorted(
        (r["id"] for r in bodies["/api/tasks/"]["results"]), reverse=True)
    clients["responsible"].post(f"/api/tasks/{task.pk}/start/", {}, format="json")
    for url in urls:
        fresh(head, url)
    assert fresh(head, "/api/tasks/?state=in_progress")["count"] == 1
    # the result's link names the host asked: each host its own answer
    clients["responsible"].post(f"/api/tasks/{task.pk}/result/", {"text": "Отчёт"}, format="multipart")
    task.result_file.name = "tasks/results/2023/11/otchet.pdf"
    PreparationTask.objects.filter(pk=task.pk).update(result_file=task.result_file.name)
    links = {host: _row(get(head, "/api/tasks/", HTTP_HOST=host).json(), task.pk)["result_file"]
             for host in ("testserver", "127.0.0.1")}
    assert links == {host: f"http://{host}/api/tasks/{task.pk}/result/file/" for host in links}
