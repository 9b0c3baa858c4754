"""Reading query parameters from the request by the rules of `geo.params` (one parser for
every endpoint): single parameters at most once, list parameters repeated or comma-separated.
"""

from __future__ import annotations

from collections.abc import Collection

from flask import request

from geo.params import (
    MAX_VALUE_CHARS,
    ParameterError,
    parse_choice,
    parse_flag,
    parse_number,
    parse_whole,
)

__all__ = ["choice", "flag", "many", "number", "one", "whole"]

MAX_LIST_VALUES = 50


def one(name: str, default: str | None = None) -> str | None:
    """The parameter's value (``default`` when absent); given twice is an error."""
    values = request.args.getlist(name)
    if len(values) > 1:
        raise ParameterError(name, f"{name} given {len(values)} times; give it once")
    return values[0] if values else default


def many(name: str) -> tuple[str, ...]:
    """A list parameter: repeated and/or comma-separated, empty parts dropped."""
    raw = request.args.getlist(name)
    if sum(len(v) for v in raw) > MAX_VALUE_CHARS:
        raise ParameterError(name, f"{name}: at most {MAX_VALUE_CHARS} characters in all")
    values = tuple(v.strip() for text in raw for v in text.split(",") if v.strip())
    if len(values) > MAX_LIST_VALUES:
        raise ParameterError(name, f"{name}: at most {MAX_LIST_VALUES} values")
    return values


def number(name: str, low: float, high: float, default: float | None = None) -> float:
    text = one(name)
    if text is None or not text.strip():
        if default is None:
            raise ParameterError(name, f"{name} is required")
        return default
    return parse_number(name, text, low, high)


def whole(name: str, low: int, high: int, default: int) -> int:
    text = one(name)
    return default if text is None or not text.strip() else parse_whole(name, text, low, high)


def flag(name: str) -> bool:
    return parse_flag(name, one(name, "") or "")


def choice(name: str, choices: Collection[str], default: str) -> str:
    text = one(name)
    return default if text is None or not text.strip() else parse_choice(name, text, choices)
