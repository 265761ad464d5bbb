"""The project's file storage: an uploaded file lands whole under its name, or not at all.

Django's ``FileSystemStorage`` streams into the final file and leaves what it wrote when a
write fails: a full disk left ``full.pdf``, and the retry ``full_f0VKK9C.pdf``, both cut short.
Here the bytes go to a hidden temporary file beside the target and are flushed to disk; only
then does the file get its name, by a hard link that fails if the name is taken (the same
exclusivity as Django's ``O_EXCL``, so two uploads never share a file). A failed write removes
its temporary file and raises the ``OSError``. A process killed mid-write leaves only an
``.incoming-*`` file, which the orphan sweep removes (``tasks.result_files``).
"""

from __future__ import annotations

import contextlib
import os
import secrets

from django.core.files.storage import FileSystemStorage
from django.utils._os import safe_makedirs
from django.utils.deconstruct import deconstructible

INCOMING_PREFIX = ".incoming-"


@deconstructible(path="config.storage.AtomicFileSystemStorage")
class AtomicFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        if self.directory_permissions_mode is not None:
            safe_makedirs(directory, self.directory_permissions_mode, exist_ok=True)
        else:
            os.makedirs(directory, exist_ok=True)
        incoming = os.path.join(directory, f"{INCOMING_PREFIX}{secrets.token_hex(8)}.part")
        try:
            _write_flushed(incoming, content)
            if self.file_permissions_mode is not None:
                os.chmod(incoming, self.file_permissions_mode)
            while True:
                try:
                    if self._allow_overwrite:
                        os.replace(incoming, full_path)
                    else:
                        os.link(incoming, full_path)
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(incoming)
        self._ensure_location_group_id(full_path)
        return os.path.relpath(full_path, self.location).replace("\\", "/")


def _write_flushed(path: str, content) -> None:
    """Write ``content`` to a new file at ``path`` and make it durable: a full disk often shows
    only when the data is flushed, and must show before the file gets its name."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    with os.fdopen(fd, "wb") as out:
        for chunk in content.chunks():
            out.write(chunk if isinstance(chunk, bytes) else chunk.encode())
        out.flush()
        os.fsync(out.fileno())
