"""Domain errors of the shops app; their messages are shown to people as they are."""

from marketplace.exceptions import DomainError


class ShopError(DomainError):
    """A shop action that cannot be done, with a message a person can read."""
