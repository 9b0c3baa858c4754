"""Request parameters as text, parsed one way for every endpoint (pure: no Flask).

The rules, documented in the README:

- Numbers use ASCII digits only, with a decimal point or comma: ``51.53`` and ``51,53``, not
  ``5_1.5_3``, ``1e-300``, ``٥١`` or ``²``; they must be finite and within the parameter's
  range.
- Whole numbers are ASCII digits only.
- A value longer than `MAX_VALUE_CHARS` is refused before anything else looks at it, and
  messages quote at most `SHOWN_CHARS` characters of what was sent.
- Each parameter may be given once; a repeat is an error. Only the list parameters
  (``category``, ``type``, ``ags``) may repeat, or take comma-separated values.

`ParameterError` names the parameter; the web layer turns it into an HTTP 400.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

__all__ = [
    "MAX_VALUE_CHARS",
    "ParameterError",
    "check_known",
    "parse_choice",
    "parse_flag",
    "parse_number",
    "parse_whole",
    "shown",
]

MAX_VALUE_CHARS = 500
SHOWN_CHARS = 40
_NUMBER = re.compile(r"[+-]?[0-9]{1,12}(?:[.,][0-9]{1,15})?")
_WHOLE = re.compile(r"[0-9]{1,9}")
TRUE = frozenset({"1", "true", "yes", "ja", "on"})
FALSE = frozenset({"", "0", "false", "no", "nein", "off"})


class ParameterError(ValueError):
    """A parameter is out of its domain; ``parameter`` names it, the message says why.

    The web layer turns it into an HTTP 400 with both, so core functions can validate their
    own inputs without knowing about HTTP.
    """

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


def shown(text: str) -> str:
    """``text`` quoted for a message, cut to `SHOWN_CHARS` characters."""
    return repr(text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…")


def _bounded(name: str, text: str) -> str:
    if len(text) > MAX_VALUE_CHARS:
        raise ParameterError(name, f"{name}: {len(text):,} characters, at most "
                                   f"{MAX_VALUE_CHARS} are accepted")  # fmt: skip
    return text.strip()


def parse_number(name: str, text: str, low: float, high: float) -> float:
    """A finite decimal number within ``[low, high]``.

    >>> parse_number("lat", "51,53", -90, 90)
    51.53
    """
    text = _bounded(name, text)
    if not _NUMBER.fullmatch(text):
        raise ParameterError(name, f"{name}: {shown(text)} is not a number (ASCII digits, "
                                   "decimal point or comma)")  # fmt: skip
    value = float(text.replace(",", "."))
    if not low <= value <= high:
        raise ParameterError(name, f"{name}: {value:g} is outside {low:g} … {high:g}")
    return value


def parse_whole(name: str, text: str, low: int, high: int) -> int:
    """A whole number within ``[low, high]`` written with ASCII digits."""
    text = _bounded(name, text)
    if not _WHOLE.fullmatch(text) or not low <= int(text) <= high:
        raise ParameterError(name, f"{name}: must be a whole number from {low} to {high}")
    return int(text)


def parse_flag(name: str, text: str) -> bool:
    """true/false (also 1/0, yes/no, ja/nein, on/off; empty is false)."""
    value = _bounded(name, text).lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ParameterError(name, f"{name}: use true or false")


def parse_choice(name: str, text: str, choices: Collection[str]) -> str:
    """One of ``choices``."""
    value = _bounded(name, text)
    if value not in choices:
        raise ParameterError(name, f"{name}: {shown(value)} is not one of {', '.join(choices)}")
    return value


def check_known(parameter: str, values: Iterable[str], known: Collection[str]) -> None:
    """Raise `ParameterError` for the first of ``values`` that is not in ``known``."""
    for value in values:
        if value not in known:
            raise ParameterError(
                parameter, f"{parameter}: unknown {shown(value)}; use one of {', '.join(known)}"
            )
