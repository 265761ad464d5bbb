"""/api/tasks/: who sees what, actions, result upload, filters, the overdue summary."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tasks.models import TaskEvent
from tests.tasks.uploads import docx_bytes

D = datetime.date
TODAY = datetime.datetime(2031, 3, 12, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(TODAY, tick=False):
        yield


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def tasks(make_task, responsible, responsible2):
    return {
        "late": make_task(responsible, D(2031, 3, 10)),
        "ahead": make_task(responsible, D(2031, 3, 20)),
        "other_late": make_task(responsible2, D(2031, 3, 1)),
    }


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_a_responsible_sees_only_their_own(tasks, responsible, office_head, outsider):
    assert _ids(client_for(responsible).get("/api/tasks/")) == {tasks["late"].pk, tasks["ahead"].pk}
    assert _ids(client_for(office_head).get("/api/tasks/")) == {t.pk for t in tasks.values()}
    assert client_for(responsible).get(f"/api/tasks/{tasks['other_late'].pk}/").status_code == 404
    assert client_for(outsider).get("/api/tasks/").status_code == 403
    assert APIClient().get("/api/tasks/").status_code == 401


def test_filters(tasks, office_head, responsible2):
    head = client_for(office_head)
    assert _ids(head.get("/api/tasks/?overdue=true")) == {tasks["late"].pk, tasks["other_late"].pk}
    assert _ids(head.get("/api/tasks/?overdue=false")) == {tasks["ahead"].pk}
    assert _ids(head.get(f"/api/tasks/?assignee={responsible2.pk}")) == {tasks["other_late"].pk}
    assert _ids(head.get(f"/api/tasks/?session={tasks['late'].session_id}")) == {t.pk for t in tasks.values()}
    assert _ids(head.get("/api/tasks/?state=in_progress")) == set()
    row = head.get(f"/api/tasks/{tasks['late'].pk}/").json()
    assert row["is_overdue"] is True and row["days_late"] == 2 and row["transitions"] == ["cancel"]


def test_actions_upload_and_history(tasks, responsible, office_head, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    task = tasks["late"]
    mine, head = client_for(responsible), client_for(office_head)

    assert mine.post(f"/api/tasks/{task.pk}/start/", {}, format="json").json()["state"] == "in_progress"
    refused = mine.post(f"/api/tasks/{task.pk}/submit/", {}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "result_required"
    report = docx_bytes()
    upload = mine.post(
        f"/api/tasks/{task.pk}/result/",
        {"file": SimpleUploadedFile("otchet.docx", report), "text": "Отчёт во вложении"},
        format="multipart",
    )
    assert upload.status_code == 200, upload.content
    assert upload.json()["result_file"] == f"http://testserver/api/tasks/{task.pk}/result/file/"
    assert upload.json()["result_text"] == "Отчёт во вложении"
    download = mine.get(upload.json()["result_file"])
    assert download.status_code == 200 and 'filename="otchet.docx"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == report
    assert mine.post(f"/api/tasks/{task.pk}/submit/", {}, format="json").json()["state"] == "submitted"
    forbidden = mine.post(f"/api/tasks/{task.pk}/accept/", {}, format="json")
    assert forbidden.status_code == 403 and set(forbidden.json()) == {"code", "detail"}
    returned = head.post(f"/api/tasks/{task.pk}/return/", {"comment": "Нужны цифры"}, format="json")
    assert returned.json()["state"] == "in_progress"
    assert returned.json()["events"][-1]["comment"] == "Нужны цифры"
    conflict = head.post(f"/api/tasks/{task.pk}/accept/", {}, format="json")
    assert conflict.status_code == 409 and conflict.json()["code"] == "invalid_state"
    assert TaskEvent.objects.filter(task=task).count() == 3


def test_overdue_summary_for_the_office_head(tasks, office_head, responsible, responsible2):
    response = client_for(office_head).get("/api/tasks/overdue-summary/")

    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2
    assert [(row["number"], row["count"]) for row in body["by_session"]] == [(1, 2)]
    assert {(row["assignee"], row["count"]) for row in body["by_person"]} == {(responsible.pk, 1), (responsible2.pk, 1)}
    assert client_for(responsible).get("/api/tasks/overdue-summary/").status_code == 403
