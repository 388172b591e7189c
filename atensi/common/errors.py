"""The one family of domain errors. Views and the API turn them into the user's language."""

from typing import Any


class ApplicationError(Exception):
    """A rule of the domain refused the request; `code` is stable, `message` is for people."""

    status = 400
    default_code = "invalid"

    def __init__(self, message: Any, *, code: str | None = None, details: Any = None):
        super().__init__(str(message))
        self.message = message
        self.code = code or self.default_code
        self.details = details or {}


class NotFound(ApplicationError):
    status = 404
    default_code = "not_found"


class PermissionDenied(ApplicationError):
    status = 403
    default_code = "permission_denied"


class Conflict(ApplicationError):
    status = 409
    default_code = "conflict"
