"""Domain errors: a stable id, a message a person can act on, and details.

Every surface (CLI, admin, API) turns these into its own answer in one place.
"""

from typing import Any


class VaxelError(Exception):
    error_id = "error"

    def __init__(self, message: str, *, error_id: str | None = None, details: dict | None = None):
        super().__init__(message)
        self.message = message
        if error_id:
            self.error_id = error_id
        self.details: dict[str, Any] = details or {}

    def as_dict(self) -> dict[str, Any]:
        return {"error": {"id": self.error_id, "message": self.message, "details": self.details}}


class InvalidInput(VaxelError):
    error_id = "invalid_input"


class NotFound(VaxelError):
    error_id = "not_found"


class Conflict(VaxelError):
    error_id = "conflict"


class Forbidden(VaxelError):
    error_id = "forbidden"
