from config.errors import DomainError


class DocumentError(DomainError):
    """A plan document could not be read or written."""

    code = "document_error"


class PlanImportError(DocumentError):
    """A plan document could not be imported; ``details`` lists {"line", "message"}."""

    status = 400
    code = "import_error"
