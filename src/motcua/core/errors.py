"""The one error type services raise for a broken business rule."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A rule was broken; ``message`` is shown to the user as it is.

    ``code`` is a stable machine-readable slug for the API; ``extra`` carries
    details such as the list of row errors of a rejected import.
    """

    status = 400

    def __init__(self, message: str, *, code: str = "invalid", extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = str(message)
        self.code = code
        self.extra = extra or {}


class NotFoundError(ApplicationError):
    """The object does not exist, or the user may not see it."""

    status = 404

    def __init__(
        self, message: str, *, code: str = "not_found", extra: dict[str, Any] | None = None
    ):
        super().__init__(message, code=code, extra=extra)


class ConflictError(ApplicationError):
    """Somebody else changed the object first; nothing was written."""

    status = 409

    def __init__(
        self, message: str, *, code: str = "conflict", extra: dict[str, Any] | None = None
    ):
        super().__init__(message, code=code, extra=extra)


class PermissionDeniedError(ApplicationError):
    """The user's role or unit does not allow the action."""

    status = 403

    def __init__(
        self, message: str, *, code: str = "forbidden", extra: dict[str, Any] | None = None
    ):
        super().__init__(message, code=code, extra=extra)
