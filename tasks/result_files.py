"""Result files on disk: handing one to someone who may see its task, and removing the files
no task refers to.

Nothing under MEDIA_ROOT has a public URL (config/urls.py routes none of it, in any mode). A
result goes out only through ``GET /api/tasks/{id}/result/file/`` (``tasks.result_api``) and
``/tasks/<id>/result/file/`` (``web.views.tasks``), which first find the task among those the
caller sees (``PreparationTask.objects.visible_to``): anyone else gets 404. The answer is
always an attachment, typed from the accepted extensions (anything else is
application/octet-stream), with ``nosniff`` and a sandboxing CSP, so an uploaded file never
runs as a page of this site. With ``TASKS_RESULT_SENDFILE`` the front server sends the bytes
after the check made here.
"""

from __future__ import annotations

import datetime
import logging
import os
import time
import unicodedata
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse

from .exceptions import TaskResultFileMissing
from .models import RESULTS_DIR, PreparationTask, TaskResultVersion

logger = logging.getLogger(__name__)

# The accepted result types (tasks.uploads.RESULT_EXTENSIONS), each with its own type.
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".rtf": "application/rtf",
    ".txt": "text/plain",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".zip": "application/zip",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
FALLBACK_TYPE = "application/octet-stream"

# A file younger than this may belong to an upload whose transaction has not committed yet.
ORPHAN_MIN_AGE = datetime.timedelta(hours=1)
_SWEEP_BATCH = 500


def attachment_disposition(filename: str) -> str:
    """``attachment`` with an ASCII ``filename`` for old clients and the real name as RFC 5987
    ``filename*`` (a Cyrillic name arrives intact); no quote, slash or control character gets
    into either."""
    path = PurePosixPath(filename)
    stem = _ascii_token(path.stem) or "result"
    suffix = f".{_ascii_token(path.suffix[1:])}" if path.suffix else ""
    return f"attachment; filename=\"{stem}{suffix}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _ascii_token(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in ascii_text).strip("_")


def result_file_response(*, task: PreparationTask, version: TaskResultVersion | None = None) -> HttpResponse:
    """``task``'s result file (or that of its earlier ``version``) as a download. The caller has
    made sure the user sees ``task``."""
    result_file = version.result_file if version is not None else task.result_file
    name = result_file.name
    if not name:
        raise TaskResultFileMissing()
    filename = PurePosixPath(name).name
    content_type = CONTENT_TYPES.get(PurePosixPath(filename).suffix.lower(), FALLBACK_TYPE)
    storage = task.result_file.storage  # one storage for results and their versions
    if settings.TASKS_RESULT_SENDFILE == "x-accel-redirect":
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = quote(settings.TASKS_RESULT_SENDFILE_PREFIX.rstrip("/") + "/" + name)
    elif settings.TASKS_RESULT_SENDFILE == "x-sendfile":
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = storage.path(name)
    else:
        try:
            handle = storage.open(name, "rb")
        except FileNotFoundError as exc:
            logger.error("Task %s: result file %r is missing on disk", task.pk, name)
            raise TaskResultFileMissing() from exc
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = attachment_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def result_orphans_remove(*, min_age: datetime.timedelta = ORPHAN_MIN_AGE) -> list[str]:
    """Delete the files under the results folder that no task refers to and that are older
    than ``min_age``: what a failed upload or a crashed process left, and replaced results.
    Returns the names removed. A file that cannot be removed is logged and skipped."""
    storage = PreparationTask._meta.get_field("result_file").storage
    root = Path(storage.path(RESULTS_DIR))
    location = Path(storage.location)
    cutoff = time.time() - min_age.total_seconds()
    old: dict[str, Path] = {}
    for directory, _subdirs, files in os.walk(root):
        for filename in files:
            path = Path(directory, filename)
            try:
                if path.lstat().st_mtime < cutoff:
                    old[path.relative_to(location).as_posix()] = path
            except FileNotFoundError:
                continue  # removed meanwhile
    names = sorted(old)
    removed = []
    for start in range(0, len(names), _SWEEP_BATCH):
        batch = names[start : start + _SWEEP_BATCH]
        referenced = set(PreparationTask.objects.filter(result_file__in=batch).values_list("result_file", flat=True))
        referenced |= set(TaskResultVersion.objects.filter(result_file__in=batch).values_list("result_file", flat=True))
        for name in batch:
            if name in referenced:
                continue
            try:
                old[name].unlink()
            except FileNotFoundError:
                continue
            except OSError:
                logger.exception("Orphan result file %r not removed", name)
                continue
            logger.info("Removed the orphan result file %r", name)
            removed.append(name)
    return removed
