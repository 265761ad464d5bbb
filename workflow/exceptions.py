from config.errors import DomainError


class WorkflowError(DomainError, code="workflow_error"):
    """A refused change to a plan, session or agenda item."""


class PlanNotEditable(WorkflowError, status=409, code="not_editable"):
    """The plan (or item) is no longer a draft."""


class EditForbidden(WorkflowError, status=403, code="forbidden"):
    """Only the office staff (secretary, office head) edit plans."""


class DuplicateError(WorkflowError, code="duplicate"):
    """A number or name already taken."""


class InUseError(WorkflowError, status=409, code="in_use"):
    """Still referred to (a project linked to items, a person named responsible)."""
