from config.errors import DomainError


class OutboxError(DomainError):
    """A failure of the e-mail outbox."""

    code = "outbox_error"


class OutboxConnectionError(OutboxError):
    """The SMTP server could not be reached; the claimed messages were put back with a backoff."""

    status = 503
    code = "smtp_unavailable"
