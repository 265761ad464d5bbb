"""Refusals of the transition kernel. Each carries a stable ``code``, an HTTP status and a
Russian message; ``config.api_errors`` maps them like every other DomainError."""

from django.utils.translation import gettext_lazy as _

from config.errors import DomainError


class TransitionError(DomainError):
    """A transition was refused; ``code`` says why."""

    code = "transition_error"


class TransitionForbidden(TransitionError):
    status = 403
    code = "forbidden"


class TransitionNotAvailable(TransitionError):
    status = 409
    code = "invalid_state"


class TransitionBlocked(TransitionError):
    """One of the object's own conditions stops the transition (its code may be more specific)."""

    status = 409
    code = "blocked"


class ConcurrentChange(TransitionError):
    status = 409
    code = "conflict"

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("Объект только что изменён другим пользователем. Обновите страницу."), **kwargs)


class CommentRequired(TransitionError):
    status = 400
    code = "comment_required"

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("Укажите комментарий: возврат на доработку без комментария невозможен."), **kwargs)
