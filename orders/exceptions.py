"""Domain errors of the orders app."""

from marketplace.exceptions import DomainError


class CartError(DomainError):
    """A cart change that cannot be made, with a message a person can read."""


class ShipmentError(DomainError):
    """A shipment that cannot be recorded (a bad track number, a cancelled order…)."""


class ReviewError(DomainError):
    """A review that cannot be written (not bought, not yet shipped, written already…)."""
