from config.errors import DomainError


class CalendarError(DomainError, code="calendar_error"):
    """A refused calendar request (a feed token that does not exist, a session not visible)."""
