"""The embedded default (SQLite, ``manage.py runserver`` as ``scripts/run`` starts it) under a
small office's concurrent use, over real HTTP from many threads at once: no 5xx, every answer
true (a success, or a 409 in the error shape), exactly one decision per race, and every
calendar link handed out works.

Before: 20 concurrent agree/return answered 1–2 × 500 "database is locked"; 20 concurrent
calendar-token requests 6 × 500 and 13 dead links; 10 identical imports 8 × 500; an upload
during a long import 500.
"""

from __future__ import annotations

import http.client
import json
import os
import sqlite3
import subprocess
import sys
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.utils.crypto import get_random_string
from rest_framework.authtoken.models import Token

from approvals.models import Decision
from lifecycle.kernel import fire
from tasks.models import PreparationTask, TaskKind
from tests.conftest import SEED_PATH
from tests.factories import make_plan
from tests.faults.services import ROOT, database_url, free_port, wait_until
from workflow.models import Plan

pytestmark = [pytest.mark.sqlite, pytest.mark.django_db(transaction=True), pytest.mark.timeout(240)]

PDF = b"%PDF-1.4\n" + b"0" * 200_000 + b"\n%%EOF\n"
BUSY = "Сервер занят другими изменениями. Повторите действие через несколько секунд."


class Server:
    """``manage.py runserver --noreload`` (threaded, as scripts/run starts it) on a free
    loopback port, on the test database file, with its own VAR_DIR (broker, media)."""

    def __init__(self, var_dir: Path, **env: str):
        self.port = free_port()
        self.var_dir = var_dir
        self.log = var_dir / "runserver.log"
        self.env = env
        self.process = None

    def start(self) -> Server:
        env = {**os.environ, "DATABASE_URL": database_url(), "VAR_DIR": str(self.var_dir), "PYTHONPATH": str(ROOT),
               "SITE_URL": f"http://127.0.0.1:{self.port}", "DEBUG": "1", "CELERY_BROKER_URL": "filesystem://",
               **self.env}
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload", "--skip-checks"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )
        wait_until(lambda: self.answers() or self.process.poll() is not None, timeout=30, what="runserver to answer")
        assert self.process.poll() is None, self.log.read_text(errors="replace")[-3000:]
        return self

    def answers(self) -> bool:
        try:
            return self.request("GET", "/api/schema/")[0] == 401
        except OSError:
            return False

    def request(self, method: str, path: str, *, token: str | None = None, body: bytes | None = None,
                content_type: str = "application/json", cookies: str = "") -> tuple[int, dict | bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            headers = {"Content-Type": content_type} if body is not None else {}
            if token:
                headers["Authorization"] = f"Token {token}"
            if cookies:
                headers["Cookie"] = cookies
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            if response.getheader("Content-Type", "").startswith("application/json"):
                return response.status, json.loads(data)
            return response.status, data
        finally:
            connection.close()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


@pytest.fixture(scope="module")
def server(django_db_setup, tmp_path_factory):
    running = Server(tmp_path_factory.mktemp("runserver")).start()
    yield running
    running.stop()


def _token(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key


def _multipart(*, field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _at_once(calls: list) -> list:
    """Run the zero-argument ``calls`` from as many threads, released together."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def _no_server_errors(answers, server) -> None:
    failed = [(status, body) for status, body in answers if status >= 500]
    assert not failed, (failed[:3], server.log.read_text(errors="replace")[-3000:])


def _is_conflict(status: int, body) -> bool:
    return status == 409 and body["code"] in ("conflict", "invalid_state") and body["detail"]


def test_twenty_concurrent_agree_and_return_give_one_decision(server, personas):
    token = _token(personas["office_head"])
    for year in (2040, 2041, 2042):
        plan = make_plan(year=year, sessions=2, items_per_session=3)
        fire(obj=plan, name="submit", by=personas["secretary"])
        names = ["agree", "return"] * 10
        answers = _at_once([
            (lambda name=name, pk=plan.pk: server.request("POST", f"/api/plans/{pk}/{name}/", token=token,
                                                          body=json.dumps({"comment": "Уточните сроки"}).encode()))
            for name in names
        ])

        _no_server_errors(answers, server)
        assert [status for status, _ in answers].count(200) == 1, answers
        winner = next(body for status, body in answers if status == 200)
        assert Plan.objects.get(pk=plan.pk).state == winner["state"] in ("agreed", "draft")
        for name, (status, body) in zip(names, answers, strict=True):
            # A loser is told the plan moved on (409); once it is agreed, a return is the
            # department head's, which the office head is told (403): both are true.
            moved_on = _is_conflict(status, body)
            not_theirs_now = status == 403 and name == "return" and winner["state"] == "agreed"
            assert status == 200 or moved_on or not_theirs_now, (name, status, body)
        decisions = Decision.objects.for_object(plan).filter(transition__in=["agree", "return"])
        assert decisions.count() == 1


def test_twenty_concurrent_calendar_token_requests_all_get_a_working_link(server, personas):
    token = _token(personas["responsible"])
    answers = _at_once([lambda: server.request("POST", "/api/calendar/token/", token=token)] * 20)

    _no_server_errors(answers, server)
    assert all(status in (200, 201) or _is_conflict(status, body) for status, body in answers), answers
    urls = {body["url"] for status, body in answers if status in (200, 201)}
    assert len(urls) == 1, urls  # everyone was told the same link
    assert sum(status == 201 for status, _ in answers) == 1
    for url in urls:
        assert server.request("GET", urlsplit(url).path)[0] == 200


def test_ten_identical_imports_make_one_plan(server, personas):
    token = _token(personas["secretary"])
    body, content_type = _multipart(field="file", filename="plan-2023.txt", content=SEED_PATH.read_bytes())
    answers = _at_once(
        [lambda: server.request("POST", "/api/plans/import/", token=token, body=body, content_type=content_type)] * 10
    )

    _no_server_errors(answers, server)
    assert all(status in (200, 201) or _is_conflict(status, body) for status, body in answers), answers
    assert sum(status == 201 for status, _ in answers) == 1
    plans = Plan.objects.filter(year=2023)
    assert plans.count() == 1
    assert {body["id"] for status, body in answers if status in (200, 201)} == {plans.get().pk}


def test_a_result_upload_during_imports_is_stored(server, personas):
    plan = make_plan(year=2043, sessions=1, items_per_session=1)
    item = plan.items.get()
    task = PreparationTask.objects.create(item=item, session=item.session, assignee=personas["responsible"],
                                          kind=TaskKind.ITEM_PREPARATION, kind_key="item", title="Отчёт",
                                          due_date=item.session.planned_month)
    secretary, assignee = _token(personas["secretary"]), _token(personas["responsible"])
    plan_body, plan_type = _multipart(field="file", filename="plan-2023.txt", content=SEED_PATH.read_bytes())
    upload_body, upload_type = _multipart(field="file", filename="Отчёт.pdf", content=PDF)

    def upload():
        return server.request("POST", f"/api/tasks/{task.pk}/result/", token=assignee, body=upload_body,
                              content_type=upload_type)

    def import_plan():
        return server.request("POST", "/api/plans/import/", token=secretary, body=plan_body, content_type=plan_type)

    answers = _at_once([import_plan] * 4 + [upload] + [import_plan] * 4 + [upload])

    _no_server_errors(answers, server)
    uploads = [answers[4], answers[9]]
    assert all(status == 200 or _is_conflict(status, body) for status, body in uploads), uploads
    assert any(status == 200 for status, _ in uploads), uploads
    task.refresh_from_db()
    assert task.result_file.name.endswith(".pdf")
    assert server.request("GET", f"/api/tasks/{task.pk}/result/file/", token=assignee) == (200, PDF)
    assert Plan.objects.filter(year=2023).count() == 1


def test_a_write_that_waits_too_long_is_a_409_not_a_500(personas, tmp_path):
    """Another process holds SQLite's write lock longer than the busy timeout (here 1 s): the
    API answers 409 ``conflict`` in its error shape, a page the 409 page saying to repeat;
    nothing changed, and the same request succeeds once the lock is gone."""
    plan = make_plan(year=2044, sessions=1, items_per_session=1)
    fire(obj=plan, name="submit", by=personas["secretary"])
    item = plan.items.get()
    task = PreparationTask.objects.create(item=item, session=item.session, assignee=personas["responsible"],
                                          kind=TaskKind.ITEM_PREPARATION, kind_key="item", title="Отчёт",
                                          due_date=item.session.planned_month)
    token = _token(personas["office_head"])
    session = SessionStore()
    session.update({SESSION_KEY: str(personas["responsible"].pk), BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[-1],
                    HASH_SESSION_KEY: personas["responsible"].get_session_auth_hash()})
    session.create()
    csrf = get_random_string(32)  # a CSRF secret: the cookie, and the form's token unmasked
    cookies = f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"
    page_post = urlencode({"transition": "start", "csrfmiddlewaretoken": csrf}).encode()
    busy = Server(tmp_path, SQLITE_TIMEOUT="1").start()
    holder = sqlite3.connect(connection.settings_dict["NAME"], timeout=5, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        api = busy.request("POST", f"/api/plans/{plan.pk}/agree/", token=token, body=b'{"comment": ""}')
        page_status, page_body = busy.request("POST", f"/tasks/{task.pk}/transition/", body=page_post,
                                              content_type="application/x-www-form-urlencoded", cookies=cookies)
        holder.execute("ROLLBACK")

        assert api == (409, {"code": "conflict", "detail": BUSY})
        assert page_status == 409 and BUSY in page_body.decode(), page_body[:500]
        assert Plan.objects.get(pk=plan.pk).state == "submitted" and not Decision.objects.filter(transition="agree")
        assert PreparationTask.objects.get(pk=task.pk).state == "assigned"

        assert busy.request("POST", f"/api/plans/{plan.pk}/agree/", token=token, body=b'{"comment": ""}')[0] == 200
        assert busy.request("POST", f"/tasks/{task.pk}/transition/", body=page_post,
                            content_type="application/x-www-form-urlencoded", cookies=cookies)[0] == 302
        assert PreparationTask.objects.get(pk=task.pk).state == "in_progress"
    finally:
        holder.close()
        busy.stop()
