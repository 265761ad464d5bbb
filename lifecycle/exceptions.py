"""Refusals of the transition kernel. Each carries a stable ``code``, an HTTP status and a
Russian message; ``config.api_errors`` maps them like every other DomainError."""

from django.utils.translation import gettext_lazy as _

from config.errors import DomainError


class TransitionError(DomainError, code="transition_error"):
    """A transition was refused; ``code`` says why."""


class TransitionForbidden(TransitionError, status=403, code="forbidden"):
    """The user's role (or person) may not fire it."""


class TransitionNotAvailable(TransitionError, status=409, code="invalid_state"):
    """Not from the object's current state."""


class TransitionBlocked(TransitionError, status=409, code="blocked"):
    """One of the object's own conditions stops it (its code may be more specific)."""


class ConcurrentChange(
    TransitionError, status=409, code="conflict",
    message=_("Объект только что изменён другим пользователем. Обновите страницу."),
):
    """Someone else changed the object first."""


class CommentRequired(
    TransitionError, status=400, code="comment_required",
    message=_("Укажите комментарий: возврат на доработку без комментария невозможен."),
):
    """The transition needs a comment and got none."""
