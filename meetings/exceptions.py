from config.errors import DomainError


class MeetingsError(DomainError):
    """A refused change to a protocol, its assignments or a session's participants."""

    code = "meetings_error"


class ProtocolNotEditable(MeetingsError):
    status = 409
    code = "not_editable"


class ProtocolExists(MeetingsError):
    status = 409
    code = "duplicate"


class MeetingsForbidden(MeetingsError):
    status = 403
    code = "forbidden"
