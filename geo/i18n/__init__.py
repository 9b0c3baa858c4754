"""User-interface strings in German (default) and English. Data stays as it is.

Strings live in one module per part of the site (``site``, ``finder``, ``planner``) and are
merged into one flat table per language; keys are unique across the parts (tested). Pages
render them in templates and hand the same table to their scripts as JSON, so that the
browser never assembles user-facing text of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from geo.i18n import admin, finder, planner, site

__all__ = ["LANGUAGES", "PARTS", "pick_language", "strings"]

LANGUAGES = ("de", "en")
PARTS: dict[str, dict[str, dict[str, str]]] = {
    "site": site.STRINGS,
    "finder": finder.STRINGS,
    "planner": planner.STRINGS,
    "admin": admin.STRINGS,
}


def pick_language(requested: str | None) -> str:
    """The UI language: ``requested`` if supported, else German."""
    return requested if requested in LANGUAGES else "de"


@cache
def strings(lang: str) -> Mapping[str, str]:
    """All UI strings of ``lang`` (read-only: the table is shared between requests)."""
    merged: dict[str, str] = {}
    for part in PARTS.values():
        merged.update(part[pick_language(lang)])
    return MappingProxyType(merged)
