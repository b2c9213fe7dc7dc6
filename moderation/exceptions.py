"""Domain errors of the moderation app."""

from marketplace.exceptions import DomainError


class ReliableError(DomainError):
    """A «Надёжный продавец» application or decision that cannot be made, with a readable reason."""


class ComplaintError(DomainError):
    """A complaint decision that cannot be made."""


class SanctionError(DomainError):
    """A sanction that can't be imposed or lifted as asked (a ban lifted by a non-superuser…)."""
