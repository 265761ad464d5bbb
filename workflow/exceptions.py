from config.errors import DomainError


class WorkflowError(DomainError):
    """A refused change to a plan, session or agenda item."""

    code = "workflow_error"


class PlanNotEditable(WorkflowError):
    status = 409
    code = "not_editable"


class EditForbidden(WorkflowError):
    """Only the office staff (secretary, office head) edit plans."""

    status = 403
    code = "forbidden"


class DuplicateError(WorkflowError):
    status = 400
    code = "duplicate"


class InUseError(WorkflowError):
    """Still referred to (a project linked to items, a person named responsible)."""

    status = 409
    code = "in_use"
