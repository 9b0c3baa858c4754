"""The one error type for a bad request parameter, shared by every query in the core."""

from __future__ import annotations

from collections.abc import Collection, Iterable

__all__ = ["ParameterError", "check_known"]


class ParameterError(ValueError):
    """A parameter is out of its domain; ``parameter`` names it, the message says why.

    The web layer turns it into an HTTP 400 with both, so core functions can validate their
    own inputs without knowing about HTTP.
    """

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


def check_known(parameter: str, values: Iterable[str], known: Collection[str]) -> None:
    """Raise `ParameterError` for the first of ``values`` that is not in ``known``."""
    for value in values:
        if value not in known:
            raise ParameterError(
                parameter, f"{parameter}: unknown {value!r}; use one of {', '.join(known)}"
            )
