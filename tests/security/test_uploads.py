"""Uploads: an oversized file, a script and an executable disguised by its name are refused
with a readable 4xx (the error shape: code + Russian detail), and nothing is stored."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks.models import PreparationTask
from tests.security.conftest import page_client, token_client
from workflow.models import Plan

# The first bytes of a Windows executable (MZ header, "This program cannot be run in DOS mode").
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run in DOS mode.\r\n" * 8
PHP = b"<?php system($_GET['cmd']); ?>\n"


def _refused(answer, statuses) -> dict:
    assert answer.status_code in statuses, (answer.status_code, answer.content[:300])
    body = answer.json()
    assert body["code"] and body["detail"] and any("а" <= ch <= "я" for ch in body["detail"].lower())
    return body


def _result_unchanged(task: PreparationTask) -> None:
    task.refresh_from_db()
    assert not task.result_file and task.state == "assigned"


@pytest.fixture
def mine(world):
    return world["task"]


def test_result_too_large_is_413(settings, people, mine):
    settings.TASKS_RESULT_MAX_BYTES = 1024
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n" + b"0" * 4096, content_type="application/pdf")
    answer = token_client(people["responsible"]).post(f"/api/tasks/{mine.pk}/result/", {"file": upload},
                                                      format="multipart")
    body = _refused(answer, (413,))
    assert "слишком большой" in body["detail"]
    _result_unchanged(mine)
    print("proved: a result larger than TASKS_RESULT_MAX_BYTES gets 413 with a Russian message, nothing stored")


@pytest.mark.parametrize("name", ["shell.php", "run.exe", "page.html", "script.js", "report.pdf.php"])
def test_result_with_a_forbidden_extension_is_refused(name, people, mine):
    upload = SimpleUploadedFile(name, PHP, content_type="application/octet-stream")
    answer = token_client(people["responsible"]).post(f"/api/tasks/{mine.pk}/result/", {"file": upload},
                                                      format="multipart")
    _refused(answer, (400, 415))
    _result_unchanged(mine)


@pytest.mark.parametrize("name", ["report.docx", "report.pdf", "report.xlsx"])
def test_result_an_executable_renamed_to_a_document_is_refused(name, people, mine):
    upload = SimpleUploadedFile(name, EXE, content_type="application/octet-stream")
    answer = token_client(people["responsible"]).post(f"/api/tasks/{mine.pk}/result/", {"file": upload},
                                                      format="multipart")
    _refused(answer, (400, 415))
    _result_unchanged(mine)


def test_result_page_refuses_a_script_with_a_message(people, mine):
    upload = SimpleUploadedFile("shell.php", PHP, content_type="application/x-php")
    client = page_client(people["responsible"])
    answer = client.post(reverse("web:task-result", args=[mine.pk]), {"file": upload}, follow=True)
    assert answer.status_code in (200, 400, 413, 415)
    assert "Недопустимый тип файла" in answer.content.decode()
    _result_unchanged(mine)


@pytest.mark.parametrize(("name", "content"), [("plan.docx", EXE), ("plan.php", PHP), ("plan.exe", EXE)])
def test_plan_import_refuses_what_is_not_a_plan(name, content, people):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    answer = token_client(people["secretary"]).post("/api/plans/import/", {"file": upload}, format="multipart")
    _refused(answer, (400, 415))
    assert not Plan.objects.exists()


def test_plan_import_refuses_an_oversized_file(people, settings):
    content = b"x" * (settings.PLAN_IMPORT_MAX_BYTES + 1)
    upload = SimpleUploadedFile("plan.txt", content, content_type="text/plain")
    answer = token_client(people["secretary"]).post("/api/plans/import/", {"file": upload}, format="multipart")
    _refused(answer, (413,))
    assert answer.json()["code"] == "too_large" and "слишком велик" in answer.json()["detail"]
    assert not Plan.objects.exists()
