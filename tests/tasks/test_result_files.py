"""The orphan sweep: files under the results folder that no task refers to and that are older
than an hour go (a crashed upload's temporary file, a replaced result); the rest stays. Plus the
hourly job and its beat entry, and the replaced file kept as an earlier version."""

from __future__ import annotations

import datetime
import importlib
import io
import os
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from tasks.jobs import remove_orphan_results
from tasks.result_files import CONTENT_TYPES, result_orphans_remove
from tasks.schedules import ORPHAN_RESULTS_SWEEP
from tasks.uploads import RESULT_EXTENSIONS, task_result_attach

HOUR = 3600


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def task(make_task, responsible, media):
    return make_task(responsible, datetime.date(2031, 3, 10))


def _file(media: Path, name: str, *, age_seconds: float) -> Path:
    path = media / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 x")
    then = time.time() - age_seconds
    os.utime(path, (then, then))
    return path


def test_the_sweep_removes_old_unreferenced_files_only(task, responsible, media):
    task_result_attach(task=task, by=responsible, file=SimpleUploadedFile("kept.pdf", b"%PDF-1.4 kept"))
    task.refresh_from_db()
    referenced = media / task.result_file.name
    then = time.time() - 5 * HOUR
    os.utime(referenced, (then, then))
    lost = _file(media, "tasks/results/2030/01/full.pdf", age_seconds=2 * HOUR)
    crashed = _file(media, "tasks/results/2030/01/.incoming-0123abcd.part", age_seconds=2 * HOUR)
    young = _file(media, "tasks/results/2030/01/uploading.pdf", age_seconds=10 * 60)
    elsewhere = _file(media, "other/old.pdf", age_seconds=5 * HOUR)

    removed = result_orphans_remove()

    assert sorted(removed) == ["tasks/results/2030/01/.incoming-0123abcd.part", "tasks/results/2030/01/full.pdf"]
    assert not lost.exists() and not crashed.exists()
    assert referenced.exists() and young.exists() and elsewhere.exists()
    assert result_orphans_remove(min_age=datetime.timedelta(minutes=5)) == ["tasks/results/2030/01/uploading.pdf"]
    assert remove_orphan_results() == 0  # the job: the same sweep, nothing left to do
    assert referenced.exists()


def test_the_sweep_without_a_results_folder_does_nothing(media):
    assert result_orphans_remove() == []


def test_a_replaced_result_file_is_kept_as_an_earlier_version(task, responsible, media,
                                                               django_capture_on_commit_callbacks):
    """Issue 13: earlier versions of a result are kept and listed, their files with them."""
    import datetime

    task_result_attach(task=task, by=responsible, file=SimpleUploadedFile("v1.pdf", b"%PDF-1.4 one"))
    task.refresh_from_db()
    first = media / task.result_file.name
    with django_capture_on_commit_callbacks(execute=True):
        task_result_attach(task=task, by=responsible, file=SimpleUploadedFile("v2.pdf", b"%PDF-1.4 two"))
    task.refresh_from_db()

    assert first.read_bytes() == b"%PDF-1.4 one"
    [version] = task.result_versions.all()
    assert (version.number, version.result_file.name, version.replaced_by) == (1, first.relative_to(media).as_posix(),
                                                                               responsible)
    assert (media / task.result_file.name).read_bytes() == b"%PDF-1.4 two"
    assert result_orphans_remove(min_age=datetime.timedelta(0)) == []  # a version's file is no orphan
    assert first.exists()


def test_the_hourly_sweep_is_in_the_beat_schedule(db):
    PeriodicTask.objects.filter(name=ORPHAN_RESULTS_SWEEP).delete()
    importlib.import_module("tasks.migrations.0007_orphan_results_schedule").create_schedules(apps, None)
    entry = PeriodicTask.objects.get(name=ORPHAN_RESULTS_SWEEP)
    assert entry.task == "tasks.remove_orphan_results" and entry.enabled
    assert (entry.interval.every, entry.interval.period) == (1, "hours")

    entry.delete()
    out = io.StringIO()
    call_command("setup_schedules", stdout=out)
    assert ORPHAN_RESULTS_SWEEP in out.getvalue()
    assert PeriodicTask.objects.filter(name=ORPHAN_RESULTS_SWEEP, task="tasks.remove_orphan_results").exists()


def test_every_accepted_type_is_served_with_its_own_content_type():
    assert set(CONTENT_TYPES) == RESULT_EXTENSIONS
