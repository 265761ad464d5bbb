"""The base of every application error. Each app subclasses it in its ``exceptions.py``.

An error carries an HTTP status, a stable machine-readable ``code`` and a Russian message
for people; ``config.api_errors`` maps it to a response once, for the whole API, and the web
pages show ``message`` as it is.
"""

from __future__ import annotations

from django.db import OperationalError
from django.utils.translation import gettext as _


class DomainError(Exception):
    """Subclasses declare their status, code and default message in the class line:
    ``class PlanNotEditable(WorkflowError, status=409, code="not_editable"): ...``."""

    status: int = 400
    code: str = "invalid"
    default_message: str = ""

    def __init_subclass__(cls, *, status: int | None = None, code: str | None = None, message=None, **kwargs):
        super().__init_subclass__(**kwargs)
        if status is not None:
            cls.status = status
        if code is not None:
            cls.code = code
        if message is not None:
            cls.default_message = message

    def __init__(self, message: str | None = None, *, code: str | None = None, status: int | None = None,
                 details=None):
        message = self.default_message if message is None else message
        super().__init__(message)
        self.message = str(message)
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.details = details

    def __str__(self) -> str:
        return self.message


class DatabaseBusy(DomainError):
    """The database stayed locked by other writes longer than the busy timeout (SQLite, the
    embedded default, has one writer at a time). The transaction that waited was rolled back."""

    status = 409
    code = "conflict"

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("Сервер занят другими изменениями. Повторите действие через несколько секунд."), **kwargs)


def database_busy(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite's "database is locked" (or "database table is locked")."""
    return isinstance(exc, OperationalError) and "is locked" in str(exc)
