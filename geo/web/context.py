"""Access to what the app loaded at start, and a per-app cache for derived responses."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app

from geo.data import Datasets

__all__ = ["cached", "datasets", "lru_cached"]

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


def lru_cached(
    key: Hashable, compute: Callable[[], T], maxsize: int = 16, name: str = "analyses"
) -> T:
    """Like `cached`, for keys chosen by users (thresholds): keeps the ``maxsize`` newest of
    the cache ``name`` (analyses of 430,000 cells are large; serialised bodies are small)."""
    cache: OrderedDict = current_app.extensions.setdefault(f"nk_lru_{name}", OrderedDict())
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    value = compute()
    cache[key] = value
    while len(cache) > maxsize:
        cache.popitem(last=False)
    return value
