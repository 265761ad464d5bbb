from django.utils.translation import gettext_lazy as _

from config.errors import DomainError


class ApprovalError(DomainError):
    """A transition was refused. ``code`` tells why; ``message`` says it in Russian."""

    code = "approval_error"


class TransitionForbidden(ApprovalError):
    status = 403
    code = "forbidden"


class TransitionNotAvailable(ApprovalError):
    status = 409
    code = "invalid_state"


class TransitionBlocked(ApprovalError):
    status = 409
    code = "blocked"


class ConcurrentChange(ApprovalError):
    status = 409
    code = "conflict"

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("Объект только что изменён другим пользователем. Обновите страницу."), **kwargs)


class CommentRequired(ApprovalError):
    status = 400
    code = "comment_required"

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("Укажите комментарий: возврат на доработку без комментария невозможен."), **kwargs)
