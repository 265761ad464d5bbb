from config.errors import DomainError


class SubstitutionError(DomainError):
    """A substitution could not be created, changed or ended."""
