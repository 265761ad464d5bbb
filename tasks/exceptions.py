from django.utils.translation import gettext_lazy as _

from config.errors import DomainError


class TaskError(DomainError, code="task_error"):
    """A refused change to a preparation task."""


class TaskResultRequired(
    TaskError, status=400, code="result_required",
    message=_("Приложите файл или впишите текст результата перед сдачей."),
):
    """Nothing to submit yet."""


class TaskResultNotStored(
    TaskError, status=503, code="storage_unavailable",
    message=_("Файл не сохранён: хранилище файлов недоступно. Попробуйте позже."),
):
    """The server could not write the result file (a full disk: 507; any other failure: 503).
    Nothing was kept: neither a part of the file nor a change to the task."""


class TaskResultStorageFull(
    TaskResultNotStored, status=507, code="storage_full",
    message=_("Файл не сохранён: на сервере закончилось место. Попробуйте позже или сообщите администратору."),
):
    """The disk (or the quota) is full."""


class TaskResultFileMissing(TaskError, status=404, code="not_found", message=_("К задаче не приложен файл.")):
    """The task has no result file to download."""


class TaskResultInvalid(TaskError, code="invalid_result"):
    """A result file refused by its size or type."""


class TaskResultContentMismatch(TaskResultInvalid, code="file_content_mismatch"):
    """The file's first bytes are not those of the type its name claims (an executable renamed
    report.docx, say)."""

    def __init__(self, *, extension: str, **kwargs):
        super().__init__(
            _("Содержимое файла не соответствует его типу (%(ext)s). Приложите настоящий файл этого формата.")
            % {"ext": extension},
            **kwargs,
        )
