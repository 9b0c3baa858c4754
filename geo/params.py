"""The one error type for a bad request parameter, shared by every query in the core."""

from __future__ import annotations

__all__ = ["ParameterError"]


class ParameterError(ValueError):
    """A parameter is out of its domain; ``parameter`` names it, the message says why.

    The web layer turns it into an HTTP 400 with both, so core functions can validate their
    own inputs without knowing about HTTP.
    """

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
