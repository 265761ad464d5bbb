from config.errors import DomainError


class CalendarError(DomainError):
    """A refused calendar request (a feed token that does not exist, a session not visible)."""

    code = "calendar_error"
