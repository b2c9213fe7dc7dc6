"""Domain errors of the catalog app."""

from marketplace.exceptions import DomainError


class CatalogError(DomainError):
    """A catalog action that cannot be done, with a message a person can read."""
