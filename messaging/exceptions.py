"""Domain errors of the messaging app."""

from marketplace.exceptions import DomainError


class MessagingError(DomainError):
    """A message or conversation that cannot be sent or started, with a message a person can read."""


class MessageRefused(MessagingError):
    """The rules refused the text (contacts, links, forbidden phrases); nothing was sent."""

    def __init__(self, message: str, *, kinds: list[str]):
        super().__init__(message, field="text")
        self.kinds = kinds
