"""A result file must be what its name says: the first bytes (and, for Office and OpenDocument
files, the archive's directory) are checked against the extension, in the service that the
API and the task page both call."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from tasks.exceptions import TaskError
from tasks.uploads import task_result_attach
from tests.tasks.uploads import EXE, GENUINE, JPEG, PNG, docx_bytes, ooxml_bytes, opendocument_bytes, zip_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(make_task, responsible, settings, tmp_path):
    import datetime

    settings.MEDIA_ROOT = tmp_path
    return make_task(responsible, datetime.date(2031, 3, 10))


@pytest.mark.parametrize("name", sorted(GENUINE))
def test_a_genuine_file_of_each_type_is_stored_whole(name, task, responsible):
    content = GENUINE[name]

    task_result_attach(task=task, by=responsible, file=SimpleUploadedFile(name, content))

    with task.result_file.open("rb") as stored:
        assert stored.read() == content  # the check read the head and put the file back


DISGUISES = [
    ("report.docx", EXE),
    ("report.pdf", EXE),
    ("report.xlsx", EXE),
    ("report.doc", EXE),
    ("report.txt", EXE),  # NUL bytes: not text
    ("report.rtf", EXE),
    ("photo.png", EXE),
    ("archive.zip", EXE),
    ("report.docx", b"PK\x03\x04 not an archive at all"),
    ("report.docx", zip_bytes({"payload.exe": EXE})),  # a zip, but not an Office document
    ("report.docx", opendocument_bytes("text")),  # an OpenDocument file under an Office name
    ("report.odt", ooxml_bytes()),  # and the other way round
    ("report.odt", zip_bytes({"mimetype": b"application/x-msdownload"})),
    ("report.pdf", b" %PDF-1.4 after a space"),
    ("report.pdf", docx_bytes()),
    ("photo.jpg", PNG),
    ("photo.png", JPEG),
    ("report.txt", b"neither UTF-8 nor Windows-1251: \x98"),
    ("report.pdf", b""),
]


@pytest.mark.parametrize(("name", "content"), DISGUISES)
def test_a_file_whose_content_is_not_its_type_is_refused(name, content, task, responsible):
    with pytest.raises(TaskError) as info:
        task_result_attach(task=task, by=responsible, file=SimpleUploadedFile(name, content), text="Итоги")

    assert (info.value.status, info.value.code) == (400, "file_content_mismatch")
    assert "не соответствует его типу" in info.value.message and name.rsplit(".")[-1] in info.value.message
    task.refresh_from_db()
    assert not task.result_file and task.result_text == ""  # nothing stored, not even the text


def test_the_api_refuses_an_executable_named_docx_with_a_russian_400(task, responsible):
    client = APIClient()
    client.force_authenticate(responsible)

    answer = client.post(
        f"/api/tasks/{task.pk}/result/", {"file": SimpleUploadedFile("report.docx", EXE)}, format="multipart"
    )

    assert answer.status_code == 400
    assert answer.json() == {
        "code": "file_content_mismatch",
        "detail": "Содержимое файла не соответствует его типу (.docx). Приложите настоящий файл этого формата.",
    }
    task.refresh_from_db()
    assert not task.result_file

    accepted = client.post(
        f"/api/tasks/{task.pk}/result/", {"file": SimpleUploadedFile("report.docx", docx_bytes())}, format="multipart"
    )
    assert accepted.status_code == 200 and accepted.json()["result_file"].endswith(f"/api/tasks/{task.pk}/result/file/")
    task.refresh_from_db()
    assert task.result_file.name.endswith("/report.docx")


def test_the_task_page_refuses_an_executable_named_pdf_with_a_message(task, responsible):
    client = Client()
    client.force_login(responsible)

    answer = client.post(f"/tasks/{task.pk}/result/", {"file": SimpleUploadedFile("report.pdf", EXE)}, follow=True)

    assert answer.status_code in (200, 400)
    assert "Содержимое файла не соответствует его типу (.pdf)" in answer.content.decode()
    task.refresh_from_db()
    assert not task.result_file
