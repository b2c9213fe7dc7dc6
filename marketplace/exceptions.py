"""The base of every app's domain errors: an action refused, with a message for people."""


class DomainError(Exception):
    """Raised by services; views show ``str(error)`` to the person as it is."""
