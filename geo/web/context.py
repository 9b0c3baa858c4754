"""Access to what the app loaded at start, and a per-app cache for derived responses."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app

from geo.data import Datasets

__all__ = ["cached", "datasets"]

T = TypeVar("T")


def datasets() -> Datasets:
    """The datasets loaded once by ``create_app``."""
    return current_app.extensions["nk_datasets"]


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    """Return ``compute()`` once per app and key; the datasets never change while running."""
    cache = current_app.extensions.setdefault("nk_cache", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]
