from django.utils.translation import gettext_lazy as _

from config.errors import DomainError


class TaskError(DomainError):
    """A refused change to a preparation task."""

    code = "task_error"


class TaskForbidden(TaskError):
    status = 403
    code = "forbidden"


class TaskTransitionNotAvailable(TaskError):
    status = 409
    code = "invalid_state"


class TaskResultRequired(TaskError):
    status = 400
    code = "result_required"

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("Приложите файл или впишите текст результата перед сдачей."), **kwargs)


class TaskResultNotStored(TaskError):
    """The server could not write the result file (a full disk: 507; any other failure: 503).
    Nothing was kept: neither a part of the file nor a change to the task."""

    status = 503
    code = "storage_unavailable"

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("Файл не сохранён: хранилище файлов недоступно. Попробуйте позже."), **kwargs)


class TaskResultStorageFull(TaskResultNotStored):
    status = 507
    code = "storage_full"

    def __init__(self, message=None, **kwargs):
        super().__init__(
            message or _("Файл не сохранён: на сервере закончилось место. Попробуйте позже или сообщите администратору."),
            **kwargs,
        )


class TaskResultFileMissing(TaskError):
    status = 404
    code = "not_found"

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("К задаче не приложен файл."), **kwargs)


class TaskResultInvalid(TaskError):
    status = 400
    code = "invalid_result"


class TaskResultContentMismatch(TaskResultInvalid):
    """The file's first bytes are not those of the type its name claims (an executable renamed
    report.docx, say)."""

    code = "file_content_mismatch"

    def __init__(self, *, extension: str, **kwargs):
        super().__init__(
            _("Содержимое файла не соответствует его типу (%(ext)s). Приложите настоящий файл этого формата.")
            % {"ext": extension},
            **kwargs,
        )
