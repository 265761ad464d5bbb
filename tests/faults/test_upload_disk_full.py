"""A result upload that fails leaves nothing on disk and nothing changed in the task.

Before: a full disk in the middle of a result upload left the part written (``full.pdf``),
and the retry another one (``full_f0VKK9C.pdf``); a task row that failed to save after its
file was written left the file behind. Here the disk fills up for real as far as the storage
can tell: every write to a file under MEDIA_ROOT lands until the free room is used up, then the
write fails with ENOSPC (or EDQUOT, or EIO) after writing what fitted, as the kernel does.
"""

from __future__ import annotations

import datetime
import errno
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError

from tasks.models import PreparationTask, TaskKind
from tasks.uploads import task_result_attach
from tests.factories import make_plan
from tests.security.conftest import page_client, token_client

REPORT = b"%PDF-1.4\n" + b"0" * 64 * 1024 + b"\n%%EOF\n"
ROOM = 4096


class _FillsUp:
    """A file on a disk with ``room`` bytes left: a write that does not fit writes what fits,
    then fails with ``error``."""

    def __init__(self, handle, *, room: int, error: int):
        self.handle, self.room, self.error = handle, room, error

    def write(self, data) -> int:
        if len(data) > self.room:
            self.handle.write(data[: self.room])
            self.handle.flush()
            self.room = 0
            raise OSError(self.error, os.strerror(self.error))
        self.room -= len(data)
        return self.handle.write(data)

    def __getattr__(self, name):
        return getattr(self.handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.handle.close()


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def disk_fills_up(media, monkeypatch):
    """``disk_fills_up(error=errno.ENOSPC)``: from now on, files written under MEDIA_ROOT get
    ``ROOM`` bytes, then the write fails with ``error``. Everything else writes as usual."""
    real_fdopen = os.fdopen
    root = os.path.realpath(media)

    def fill_up(*, error: int = errno.ENOSPC) -> None:
        def fdopen(fd, mode="r", *args, **kwargs):
            handle = real_fdopen(fd, mode, *args, **kwargs)
            if "w" in mode and os.readlink(f"/proc/self/fd/{fd}").startswith(root + os.sep):
                return _FillsUp(handle, room=ROOM, error=error)
            return handle

        monkeypatch.setattr(os, "fdopen", fdopen)

    return fill_up


@pytest.fixture
def task(personas):
    plan = make_plan(year=2035, sessions=1, items_per_session=1)
    item = plan.items.get()
    return PreparationTask.objects.create(item=item, session=item.session, assignee=personas["responsible"],
                                          kind=TaskKind.ITEM_PREPARATION, kind_key="item", title="Отчёт",
                                          due_date=datetime.date(2035, 1, 5))


def _files(media: Path) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()) if media.exists() else []


def _row(task) -> tuple:
    task = PreparationTask.objects.get(pk=task.pk)
    return task.state, task.result_file.name, task.result_text, task.updated_at, task.events.count()


def _upload(user, task, *, name: str = "full.pdf", content: bytes = REPORT):
    return token_client(user).post(f"/api/tasks/{task.pk}/result/",
                                   {"file": SimpleUploadedFile(name, content), "text": "Итоги"}, format="multipart")


def test_a_full_disk_is_a_507_with_nothing_left_and_the_retry_too(personas, task, media, disk_fills_up):
    before = _row(task)
    disk_fills_up(error=errno.ENOSPC)

    for _attempt in range(2):
        answer = _upload(personas["responsible"], task)
        assert answer.status_code == 507, answer.content
        assert answer.json() == {
            "code": "storage_full",
            "detail": "Файл не сохранён: на сервере закончилось место. Попробуйте позже или сообщите администратору.",
        }
        assert _files(media) == []  # no full.pdf, no full_f0VKK9C.pdf, no temporary file
        assert _row(task) == before  # not even the text of the same request


@pytest.mark.parametrize(("error", "status", "code"), [(errno.EDQUOT, 507, "storage_full"),
                                                        (errno.EIO, 503, "storage_unavailable")])
def test_other_write_failures_are_a_clear_5xx_with_nothing_left(personas, task, media, disk_fills_up, error, status,
                                                                 code):
    before = _row(task)
    disk_fills_up(error=error)

    answer = _upload(personas["responsible"], task)

    assert answer.status_code == status and answer.json()["code"] == code
    assert "Файл не сохранён" in answer.json()["detail"]
    assert _files(media) == [] and _row(task) == before


def test_the_previous_result_stays_when_the_new_one_does_not_fit(personas, task, media, disk_fills_up):
    task_result_attach(task=task, by=personas["responsible"], file=SimpleUploadedFile("old.pdf", b"%PDF-1.4 old"))
    before, files = _row(task), _files(media)
    disk_fills_up()

    assert _upload(personas["responsible"], task).status_code == 507

    assert _row(task) == before and _files(media) == files
    download = token_client(personas["office_head"]).get(f"/api/tasks/{task.pk}/result/file/")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 old"


def test_the_page_says_so_and_keeps_nothing(personas, task, media, disk_fills_up):
    before = _row(task)
    disk_fills_up()

    answer = page_client(personas["responsible"]).post(
        f"/tasks/{task.pk}/result/", {"file": SimpleUploadedFile("full.pdf", REPORT)}, follow=True
    )

    assert "Файл не сохранён: на сервере закончилось место" in answer.content.decode()
    assert _files(media) == [] and _row(task) == before


def test_once_there_is_room_again_the_same_upload_keeps_its_name(personas, task, media, disk_fills_up, monkeypatch):
    disk_fills_up()
    assert _upload(personas["responsible"], task).status_code == 507
    monkeypatch.undo()  # room again

    assert _upload(personas["responsible"], task).status_code == 200
    assert [Path(name).name for name in _files(media)] == ["full.pdf"]


def test_a_task_row_that_fails_to_save_takes_its_new_file_with_it(personas, task, media, monkeypatch):
    before = _row(task)

    def failing_save(self, *args, **kwargs):
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(PreparationTask, "save", failing_save)
    with pytest.raises(DatabaseError):
        task_result_attach(task=task, by=personas["responsible"], file=SimpleUploadedFile("r.pdf", REPORT))
    monkeypatch.undo()

    assert _files(media) == [] and _row(task) == before


def test_a_task_no_longer_taking_results_keeps_no_file(personas, task, media):
    PreparationTask.objects.filter(pk=task.pk).update(state="submitted")

    answer = _upload(personas["responsible"], task)

    assert answer.status_code == 409 and answer.json()["code"] == "invalid_state"
    assert _files(media) == []
