"""Task results are not public: no /media/ URL answers, in DEBUG or not; a result file goes
out only through a view that checks the caller sees the task (the assignee, the office staff,
the department head), as an attachment with a safe type, ``nosniff`` and the real (Cyrillic)
name in RFC 5987 ``filename*``. Anyone else: 401 / login page, or 404 as for the task itself."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

import config.urls
from tasks.uploads import task_result_attach
from tests.security.conftest import page_client, token_client

REPORT = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
NAME = "Отчёт_по_проекту.pdf"  # as stored: the storage turns spaces into "_"
SEES_THE_TASK = ("responsible", "office_head", "secretary", "department_head")


@pytest.fixture
def attached(world, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    task = world["task"]
    task_result_attach(task=task, by=people["responsible"], file=SimpleUploadedFile(NAME, REPORT))
    task.refresh_from_db()
    return task


def _api_url(task) -> str:
    return f"/api/tasks/{task.pk}/result/file/"


def _page_url(task) -> str:
    return f"/tasks/{task.pk}/result/file/"


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_anonymous_gets_401_from_the_api_and_the_login_page(attached):
    api = token_client(None).get(_api_url(attached))
    assert api.status_code == 401 and api.json()["code"] == "not_authenticated"
    page = page_client(None).get(_page_url(attached))
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")


def test_another_responsible_person_gets_404(attached, people):
    api = token_client(people["responsible2"]).get(_api_url(attached))
    assert api.status_code == 404 and api.json()["code"] == "not_found"
    assert page_client(people["responsible2"]).get(_page_url(attached)).status_code == 404


def test_someone_without_a_role_gets_nothing(attached, people):
    assert token_client(people["outsider"]).get(_api_url(attached)).status_code == 403
    assert page_client(people["outsider"]).get(_page_url(attached)).status_code == 404


@pytest.mark.parametrize("who", SEES_THE_TASK)
@pytest.mark.parametrize("via", ["api", "page"])
def test_who_sees_the_task_downloads_it_as_a_safe_attachment(attached, people, who, via):
    client, url = (token_client, _api_url) if via == "api" else (page_client, _page_url)
    response = client(people[who]).get(url(attached))

    assert response.status_code == 200
    assert _body(response) == REPORT
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="result.pdf"' in disposition  # the ASCII fallback
    assert f"filename*=UTF-8''{quote(NAME, safe='')}" in disposition
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in response["Cache-Control"]


def test_a_file_of_another_type_is_served_as_bytes_to_download(attached, people):
    """A file the upload checks would refuse today (say, put there before them) is never
    served with a type a browser would render: application/octet-stream, still an attachment."""
    html = attached.result_file.storage.save("tasks/results/2030/01/page.html", SimpleUploadedFile("p", b"<script>"))
    type(attached).objects.filter(pk=attached.pk).update(result_file=html)
    response = page_client(people["office_head"]).get(_page_url(attached))

    assert response.status_code == 200 and response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;") and response["X-Content-Type-Options"] == "nosniff"


def test_the_api_and_the_page_link_to_the_checked_views(attached, people):
    row = token_client(people["responsible"]).get(f"/api/tasks/{attached.pk}/").json()
    assert row["result_file"] == f"http://testserver{_api_url(attached)}"
    page = page_client(people["responsible"]).get(f"/tasks/{attached.pk}/").content.decode()
    assert f'href="{_page_url(attached)}"' in page and "/media/" not in page


def test_the_front_server_may_send_the_bytes_after_the_check(attached, people, settings):
    settings.TASKS_RESULT_SENDFILE = "x-accel-redirect"
    response = token_client(people["office_head"]).get(_api_url(attached))
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == "/protected-media/" + quote(attached.result_file.name)
    assert response["Content-Disposition"].startswith("attachment;") and response["X-Content-Type-Options"] == "nosniff"
    assert token_client(people["responsible2"]).get(_api_url(attached)).status_code == 404


@pytest.fixture
def urlconf_built_with(settings, monkeypatch):
    """``urlconf_built_with(debug=…)``: config/urls.py as a process started with that DEBUG builds it."""

    def build(*, debug: bool) -> None:
        settings.DEBUG = debug
        name = f"config_urls_debug_{int(debug)}"
        spec = importlib.util.spec_from_file_location(name, config.urls.__file__)
        module = importlib.util.module_from_spec(spec)
        monkeypatch.setitem(sys.modules, name, module)
        spec.loader.exec_module(module)
        settings.ROOT_URLCONF = name

    return build


@pytest.mark.parametrize("debug", [True, False])
def test_the_media_path_answers_404_in_debug_and_in_production(attached, people, urlconf_built_with, debug):
    urlconf_built_with(debug=debug)
    path = f"/media/{attached.result_file.name}"
    assert Path(attached.result_file.path).is_file()  # the file is there: the 404 is the URL's
    for client in (page_client(None), page_client(people["office_head"])):
        assert client.get(path).status_code == 404
    # The checked view still works in this URL configuration.
    assert page_client(people["office_head"]).get(_page_url(attached)).status_code == 200


def test_the_admin_links_to_the_checked_view(attached, people):
    people["office_head"].is_superuser = people["office_head"].is_staff = True
    people["office_head"].save()
    page = page_client(people["office_head"]).get(f"/admin/tasks/preparationtask/{attached.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200 and f'href="{_page_url(attached)}"' in html and "/media/" not in html
