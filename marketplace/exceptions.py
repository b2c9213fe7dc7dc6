"""The base of every app's domain errors: an action refused, with a message for people."""


class DomainError(Exception):
    """Raised by services; views show ``str(error)`` to the person as it is.

    ``field`` names the input the error is about, so a form shows it beside that field.
    """

    def __init__(self, message: str = "", *, field: str | None = None):
        super().__init__(message)
        self.field = field
