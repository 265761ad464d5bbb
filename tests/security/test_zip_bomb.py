"""Hardening, item 1 — zip bomb: a 2 MB .docx whose ``word/media/`` unpacks to 1.9 GB was
accepted by ``POST /api/plans/import/`` after 11.6 s with the web process at 4.1 GB. An
archive out of bounds is now refused from its directory, before anything is unpacked: 400
with a stable code and a Russian message, in well under a second, the process not growing."""

from __future__ import annotations

import gc
import resource
import time
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from accounts.models import User
from tests import plan_files
from tests.security.conftest import token_client
from workflow.models import Plan

PICTURE = "word/media/image1.png"
MEMORY_BOUND = 50 * plan_files.MIB


@pytest.fixture(scope="module")
def plan_with_picture() -> bytes:
    return plan_files.plan_docx([plan_files.topics(2)], picture=plan_files.png())


@pytest.fixture(scope="module")
def bomb(plan_with_picture) -> bytes:
    """The issue's file: a valid plan whose picture unpacks to 1.9 GB of zeros (a 2 MB .docx)."""
    replaced = {PICTURE: plan_files.zeros(PICTURE, 1900)}
    return plan_files.zip_of(plan_files.entries_of(plan_with_picture, replace=replaced))


def _with_picture_of(plan: bytes, mebibytes: int) -> bytes:
    return plan_files.zip_of(plan_files.entries_of(plan, replace={PICTURE: plan_files.zeros(PICTURE, mebibytes)}))


def _cost(call) -> dict[str, float]:
    """What ``call()`` costs: wall time (run as it is), then peak memory allocated through
    Python (a second run under tracemalloc, which slows it), and the growth of the process's
    peak resident size over both runs. ``call`` must not write anything."""
    gc.collect()
    peak_rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    started = time.perf_counter()
    call()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    try:
        call()
        python_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - peak_rss_before
    return {"seconds": seconds, "python_peak": python_peak, "rss_growth": rss_growth}


def _post(user, content: bytes, name: str = "plan.docx"):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return token_client(user).post("/api/plans/import/", {"file": upload}, format="multipart")


def _nothing_written() -> None:
    assert not Plan.objects.exists()
    assert not User.objects.filter(short_name="Новиков Н.Н.").exists()


def test_the_issue_bomb_is_refused_by_the_api_before_unpacking(people, bomb, settings):
    assert len(bomb) < settings.PLAN_IMPORT_MAX_BYTES  # the upload limit does not stop it
    answers = []
    cost = _cost(lambda: answers.append(_post(people["secretary"], bomb)))
    for answer in answers:
        assert answer.status_code == 400, answer.content[:300]
        body = answer.json()
        assert body["code"] == "archive_too_large"
        assert "распаковывается в 1,9" in body["detail"] and "не более 20,0" in body["detail"], body["detail"]
    assert cost["seconds"] < 1, cost
    assert cost["python_peak"] < MEMORY_BOUND and cost["rss_growth"] < MEMORY_BOUND, cost
    _nothing_written()
    print(f"proved: a {len(bomb) / plan_files.MIB:.1f} MB .docx unpacking to 1.9 GB is refused (400) in "
          f"{cost['seconds']:.2f} s, {cost['python_peak'] / plan_files.MIB:.1f} MB allocated")


def test_the_issue_bomb_is_refused_by_import_plan_dry_run(db, bomb, tmp_path):
    path = tmp_path / "plan.docx"
    path.write_bytes(bomb)
    errors = []

    def dry_run():
        with pytest.raises(CommandError) as error:
            call_command("import_plan", str(path), "--dry-run")
        errors.append(str(error.value))

    cost = _cost(dry_run)
    for error in errors:
        assert "ничего не записано" in error
        assert f"{path}: документ Word распаковывается в 1,9" in error, error
    assert cost["seconds"] < 1, cost
    assert cost["python_peak"] < MEMORY_BOUND and cost["rss_growth"] < MEMORY_BOUND, cost
    _nothing_written()


def test_the_unpacked_size_bound_is_a_setting(people, plan_with_picture, settings):
    """A plan with an 8 MB picture is within the default bound (and imports); a lower bound refuses it."""
    plan = _with_picture_of(plan_with_picture, 8)
    settings.PLAN_IMPORT_DOCX_MAX_UNPACKED_BYTES = 4 * plan_files.MIB
    refused = _post(people["secretary"], plan)
    assert (refused.status_code, refused.json()["code"]) == (400, "archive_too_large")
    assert "не более 4,0" in refused.json()["detail"]
    _nothing_written()

    settings.PLAN_IMPORT_DOCX_MAX_UNPACKED_BYTES = 20 * plan_files.MIB
    imported = _post(people["secretary"], plan)
    assert imported.status_code == 201, imported.content[:300]
    assert [len(s["items"]) for s in imported.json()["sessions"]] == [2]


def test_an_archive_of_too_many_entries_is_refused(people, plan_with_picture, settings, tmp_path):
    extra = [plan_files.Entry.deflated(f"customXml/item{number}.xml", b"<a/>") for number in range(10, 510)]
    crowded = plan_files.zip_of(plan_files.entries_of(plan_with_picture) + extra)
    answer = _post(people["secretary"], crowded)
    assert (answer.status_code, answer.json()["code"]) == (400, "archive_too_many_files")
    assert "518 вложенных файлов, а допускается не более 500" in answer.json()["detail"]
    path = tmp_path / "plan.docx"
    path.write_bytes(crowded)
    with pytest.raises(CommandError, match="вложенных файлов"):
        call_command("import_plan", str(path), "--dry-run")
    _nothing_written()
    settings.PLAN_IMPORT_DOCX_MAX_ENTRIES = 600
    assert _post(people["secretary"], crowded).status_code == 201
