"""Hardening, item 4 — no row cap on imports: a 1.2 MB file of 10,000 rows was imported in
30 s in one transaction, blocking every other write, and a 300,000-character topic was
accepted. Sessions per plan, topics per session and per plan, and the length of a text are
now bounded (``PLAN_IMPORT_MAX_*``), checked while the file is parsed: 400 naming the line and
the limit, nothing written. Text export and .docx, through the API and ``import_plan``."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from accounts.models import User
from tests import plan_files
from tests.plan_files import DOCX_FIRST_ROW, TEXT_FIRST_ROW_LINE, plan_docx, plan_text, topics
from tests.security.conftest import token_client
from workflow.models import AgendaItem, Plan

LONG = "Очень длинная тема " + "о" * 299_981  # 300,000 characters, as in the issue


def _post(user, content: bytes, name: str):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return token_client(user).post("/api/plans/import/", {"file": upload}, format="multipart")


def _refused(answer, *, code: str, line: int, says: str) -> None:
    assert answer.status_code == 400, answer.content[:300]
    body = answer.json()
    assert body["code"] == code, body
    assert body["errors"][0]["line"] == line, body["errors"]
    assert says in body["errors"][0]["message"] and f"строка {line}:" in body["detail"], body
    assert not Plan.objects.exists() and not AgendaItem.objects.exists()
    assert not User.objects.filter(short_name="Новиков Н.Н.").exists()


# Each case: (sessions' topics, error code, the session (1-based) where the limit is passed, message).
CASES = {
    "61 sessions": ([topics(1)] * 61, "too_many_sessions", 61, "в плане больше 60 заседаний"),
    "201 topics in a session": ([topics(2), topics(201)], "too_many_items", 2, "у заседания больше 200 тем"),
    "1,001 topics in the plan": ([topics(200)] * 5 + [topics(1)], "too_many_items", 6, "в плане больше 1000 тем"),
    "a topic of 300,000 characters": (
        [topics(1), ["Тема", LONG]], "text_too_long", 2, "длиной 300000 символов, а допускается не более 5000"),
}


@pytest.mark.parametrize("case", CASES)
def test_the_text_export_beyond_a_limit_is_refused_at_its_line(people, case):
    sessions, code, session, says = CASES[case]
    answer = _post(people["secretary"], plan_text(sessions), "plan.txt")
    _refused(answer, code=code, line=TEXT_FIRST_ROW_LINE + session - 1, says=says)


@pytest.mark.parametrize("case", CASES)
def test_a_docx_beyond_a_limit_is_refused_at_its_row(people, case):
    sessions, code, session, says = CASES[case]
    answer = _post(people["secretary"], plan_docx(sessions), "plan.docx")
    row = DOCX_FIRST_ROW + session - 1
    _refused(answer, code=code, line=row, says=says)
    assert f"строка {row} таблицы плана" in answer.json()["detail"]


def test_the_issues_file_of_10000_rows_is_refused_without_reading_past_the_limit(people):
    content = plan_text([topics(1)] * 10_000)
    started = time.perf_counter()
    answer = _post(people["secretary"], content, "plan.txt")
    seconds = time.perf_counter() - started
    _refused(answer, code="too_many_sessions", line=TEXT_FIRST_ROW_LINE + 60, says="в плане больше 60 заседаний")
    assert seconds < 2, seconds
    print(f"proved: {len(content) / plan_files.MIB:.1f} MB of 10,000 rows refused in {seconds:.2f} s, nothing written")


def test_a_long_responsible_cell_is_refused_too(people):
    answer = _post(people["secretary"], plan_text([topics(1)], responsible="Группа " + "г" * 6000), "plan.txt")
    _refused(answer, code="text_too_long", line=TEXT_FIRST_ROW_LINE, says="не более 5000")


def test_a_plan_at_every_limit_is_imported(people):
    at_limits = [topics(199) + ["Т" * 5000]] + [topics(200)] * 4
    started = time.perf_counter()
    answer = _post(people["secretary"], plan_text(at_limits), "plan.txt")
    seconds = time.perf_counter() - started
    assert answer.status_code == 201, answer.content[:300]
    assert AgendaItem.objects.count() == 1000
    print(f"the largest plan the limits let in (1,000 topics) was imported in {seconds:.1f} s")
    many_sessions = _post(people["secretary"], plan_text([topics(1)] * 60).replace(b"2032", b"2033"), "plan.txt")
    assert many_sessions.status_code == 201, many_sessions.content[:300]
    assert len(many_sessions.json()["sessions"]) == 60


def test_the_limits_are_settings(people, settings, seed_bytes):
    settings.PLAN_IMPORT_MAX_SESSIONS = 4  # the seed has 5 sessions, the fifth on line 39
    answer = _post(people["secretary"], seed_bytes, "plan-2023.txt")
    assert (answer.status_code, answer.json()["code"], answer.json()["errors"][0]["line"]) == (
        400, "too_many_sessions", 39)
    settings.PLAN_IMPORT_MAX_SESSIONS = 60
    settings.PLAN_IMPORT_MAX_TEXT_CHARS = 150  # its longest topic has 192 characters
    answer = _post(people["secretary"], seed_bytes, "plan-2023.txt")
    assert (answer.status_code, answer.json()["code"]) == (400, "text_too_long")
    settings.PLAN_IMPORT_MAX_TEXT_CHARS = 5000
    assert _post(people["secretary"], seed_bytes, "plan-2023.txt").status_code == 201


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("plan.txt", plan_text([topics(1)] * 61), f":{TEXT_FIRST_ROW_LINE + 60}: в плане больше 60 заседаний"),
    ("plan.docx", plan_docx([["Тема", LONG]]), f":{DOCX_FIRST_ROW}: строка {DOCX_FIRST_ROW} таблицы плана"),
])
def test_import_plan_names_the_file_the_line_and_the_limit(db, tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError) as error:
        call_command("import_plan", str(path), "--dry-run")
    assert f"{path}{expected}" in str(error.value), str(error.value)
    with pytest.raises(CommandError):
        call_command("import_plan", str(path))
    assert not Plan.objects.exists()
