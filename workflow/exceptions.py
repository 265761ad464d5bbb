from config.errors import DomainError


class WorkflowError(DomainError):
    """A refused change to a plan, session or agenda item."""

    code = "workflow_error"


class PlanImportError(WorkflowError):
    """A plan document could not be imported; ``details`` lists {"line", "message"}."""

    status = 400
    code = "import_error"


class PlanNotEditable(WorkflowError):
    status = 409
    code = "not_editable"
