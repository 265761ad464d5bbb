from config.errors import DomainError


class OutboxError(DomainError, code="outbox_error"):
    """A failure of the e-mail outbox."""


class OutboxConnectionError(OutboxError, status=503, code="smtp_unavailable"):
    """The SMTP server could not be reached; the claimed messages were put back with a backoff."""
