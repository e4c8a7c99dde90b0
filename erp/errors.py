from typing import Any


class ApplicationError(Exception):
    """A business rule said no. Carries a human message and machine-readable detail.

    The API renders it as a 400 ``{"message", "extra"}``; pages show it as a form error.
    """

    def __init__(self, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}

    @property
    def field_errors(self) -> dict[str, list[str]]:
        return self.extra.get("fields", {})
