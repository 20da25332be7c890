"""Use cases. Explicit arguments; they flush but never commit and never render."""


def valid_id(value) -> bool:
    """Ids come from URLs: anything outside a database integer is simply not found."""
    return isinstance(value, int) and 0 < value < 2**31


class ServiceError(Exception):
    """A refusal the user should read. `message` is already translated."""

    def __init__(self, message: str, code: str = "invalid", field_errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field_errors = field_errors or {}


class NotFound(ServiceError):
    def __init__(self, message: str = "not found"):
        super().__init__(message, code="not_found")


class Conflict(ServiceError):
    def __init__(self, message: str):
        super().__init__(message, code="conflict")


class Forbidden(ServiceError):
    """The user works in the object's municipality (or may look at it) but may not do this (403)."""

    def __init__(self, message: str | None = None):
        if message is None:
            from flask_babel import gettext as _
            message = _("Bu işlem için yetkiniz yok.")
        super().__init__(message, code="forbidden")
