"""Upload checks and attaching a task's result: type by name and by content, size."""

import codecs
import errno
import logging
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from .exceptions import (
    TaskError,
    TaskResultContentMismatch,
    TaskResultInvalid,
    TaskResultNotStored,
    TaskResultRequired,
    TaskResultStorageFull,
)
from .models import (
    PreparationTask,
    TaskState,
)
from .result_versions import result_version_keep

logger = logging.getLogger(__name__)

RESULT_EXTENSIONS = frozenset(
    {
        ".pdf",
        ".doc",
        ".docx",
        ".odt",
        ".rtf",
        ".txt",
        ".xls",
        ".xlsx",
        ".ods",
        ".ppt",
        ".pptx",
        ".odp",
        ".zip",
        ".png",
        ".jpg",
        ".jpeg",
    }
)

# What a file of each accepted type starts with. The extension alone lets anything through
# under a document's name (an executable renamed report.docx), so the content must agree.
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office: .doc, .xls, .ppt
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")  # a zip archive (the second: an empty one)
_LEADING_BYTES = {
    ".pdf": (b"%PDF-",),
    ".doc": (_OLE2,),
    ".xls": (_OLE2,),
    ".ppt": (_OLE2,),
    ".rtf": (b"{\\rtf",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".zip": _ZIP,
    ".docx": _ZIP[:1],
    ".xlsx": _ZIP[:1],
    ".pptx": _ZIP[:1],
    ".odt": _ZIP[:1],
    ".ods": _ZIP[:1],
    ".odp": _ZIP[:1],
}
_OOXML = frozenset({".docx", ".xlsx", ".pptx"})
_OPENDOCUMENT = frozenset({".odt", ".ods", ".odp"})
_TEXT = frozenset({".txt"})
# A write refused for want of space: the disk, or the user's quota on it.
_DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})


def _is_text(file) -> bool:
    """Plain text in UTF-8 or Windows-1251 (what Russian offices save), with no NUL byte."""
    for encoding in ("utf-8", "cp1251"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for chunk in file.chunks():
                if b"\x00" in chunk:
                    return False
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _archive_matches(file, extension: str) -> bool:
    """An Office Open XML file lists ``[Content_Types].xml``; an OpenDocument file starts with a
    ``mimetype`` member naming an OpenDocument type. Only the archive's directory and that one
    short member are read, never the whole archive."""
    try:
        with zipfile.ZipFile(file) as archive:
            if extension in _OOXML:
                return "[Content_Types].xml" in archive.namelist()
            if extension in _OPENDOCUMENT:
                with archive.open("mimetype") as member:
                    return member.read(100).startswith(b"application/vnd.oasis.opendocument.")
            return True
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError, NotImplementedError):
        return False


def result_content_matches(*, file, extension: str) -> bool:
    """Whether ``file``'s content is of the type ``extension`` (lower case, with the dot) names."""
    try:
        if extension in _TEXT:
            return _is_text(file)
        file.seek(0)
        head = file.read(16)
        if not head.startswith(_LEADING_BYTES.get(extension, ())):
            return False
        return _archive_matches(file, extension) if head.startswith(_ZIP) else True
    finally:
        file.seek(0)


def task_result_attach(*, task: PreparationTask, by, file=None, text: str | None = None) -> PreparationTask:
    """The assignee attaches a result file and/or text while the task is with them.

    The file is written first, outside the transaction (a large file does not hold the task's
    lock, nor SQLite's write lock), whole or not at all (``config.storage``); if the task then
    refuses it or the transaction fails, the new file is deleted. The result it replaces is kept
    as an earlier version (``tasks.result_versions``), its file with it. What a crash leaves
    behind, the orphan sweep removes (``tasks.result_files.result_orphans_remove``).
    """
    if by is None or by.pk != task.assignee_id:
        raise TaskError(_("Результат прикладывает только исполнитель задачи."), code="forbidden", status=403)
    if file is None and text is None:
        raise TaskResultRequired(_("Приложите файл или впишите текст результата."))
    if file is not None:
        _result_file_check(file)
    _refuse_unless_with_the_assignee(task)  # before writing a file for nothing; again under the lock
    stored = _result_file_store(task=task, file=file) if file is not None else ""
    try:
        with transaction.atomic():
            locked = PreparationTask.objects.select_for_update().get(pk=task.pk)
            _refuse_unless_with_the_assignee(locked)
            fields = ["updated_at"]
            if (stored and stored != locked.result_file.name) or (
                text is not None and text.strip() != locked.result_text
            ):
                result_version_keep(locked=locked, by=by)
            if stored:
                locked.result_file = stored
                fields.append("result_file")
            if text is not None:
                locked.result_text = text.strip()
                fields.append("result_text")
            locked.save(update_fields=fields)
    except BaseException:
        if stored:
            _result_file_delete(stored)
        raise
    task.refresh_from_db()
    return task


def _refuse_unless_with_the_assignee(task: PreparationTask) -> None:
    if task.state not in (TaskState.ASSIGNED, TaskState.IN_PROGRESS):
        raise TaskError(
            _("Результат можно изменить, пока задача не сдана (сейчас: «%(state)s»).")
            % {"state": TaskState(task.state).label},
            code="invalid_state", status=409,
        )


def _result_file_check(file) -> None:
    if file.size > settings.TASKS_RESULT_MAX_BYTES:
        raise TaskResultInvalid(
            _("Файл слишком большой: не более %(mb)s МБ.") % {"mb": settings.TASKS_RESULT_MAX_BYTES // 2**20},
            code="file_too_large",
            status=413,
        )
    extension = Path(file.name).suffix.lower()
    if extension not in RESULT_EXTENSIONS:
        raise TaskResultInvalid(
            _("Недопустимый тип файла. Допустимы: %(ext)s.") % {"ext": ", ".join(sorted(RESULT_EXTENSIONS))},
            code="unsupported_file_type",
            status=415,
        )
    if not result_content_matches(file=file, extension=extension):
        raise TaskResultContentMismatch(extension=extension)


def _result_file_store(*, task: PreparationTask, file) -> str:
    """Write the upload under the results folder; the name it got. A write that fails keeps
    nothing and says whether the disk is full (507) or the storage failed otherwise (503)."""
    field = PreparationTask._meta.get_field("result_file")
    name = field.generate_filename(task, Path(file.name).name)
    try:
        return field.storage.save(name, file, max_length=field.max_length)
    except OSError as exc:
        logger.error("Task %s: result file %r not stored: %s", task.pk, name, exc)
        if exc.errno in _DISK_FULL:
            raise TaskResultStorageFull() from exc
        raise TaskResultNotStored() from exc


def _result_file_delete(name: str) -> None:
    try:
        PreparationTask._meta.get_field("result_file").storage.delete(name)
    except OSError:
        logger.exception("Result file %r not deleted; the orphan sweep will retry", name)
