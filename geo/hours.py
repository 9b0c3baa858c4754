"""Is a facility open at a given time? OSM opening_hours with Niedersachsen's public holidays.

The opening_hours parser knows Germany's nationwide public holidays only. Niedersachsen has one
more (Reformationstag, 31 October, since 2018). On such a state-only holiday an expression
that mentions ``PH`` is evaluated at the same time of day on a nationwide holiday that falls
on the same weekday, so that both its weekday rules and its ``PH`` rules apply as they would
on the holiday itself. Expressions without ``PH`` need no special case: on holidays their
weekday rules hold. (Month- or week-specific rules could differ between the two dates; such
rules are rare for community facilities, and the answer then errs like a printed timetable.)
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
import opening_hours

__all__ = ["LOCAL_TZ", "is_open", "local_now", "ni_only_holidays"]

LOCAL_TZ = ZoneInfo("Europe/Berlin")
COUNTRY = "DE"


def local_now() -> dt.datetime:
    """The current wall-clock time in Niedersachsen, naive (as opening_hours expects)."""
    return dt.datetime.now(LOCAL_TZ).replace(tzinfo=None)


@lru_cache(maxsize=64)
def _holidays(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """(nationwide, Niedersachsen) public holidays of ``year``."""
    national = frozenset(holidays.Germany(years=year).keys())
    state = frozenset(holidays.Germany(subdiv="NI", years=year).keys())
    return national, state


def ni_only_holidays(year: int) -> frozenset[dt.date]:
    """Public holidays of Niedersachsen that are not nationwide (Reformationstag)."""
    national, state = _holidays(year)
    return state - national


@lru_cache(maxsize=4096)
def _parse(expression: str) -> opening_hours.OpeningHours | None:
    try:
        return opening_hours.OpeningHours(expression, country=COUNTRY)
    except (SyntaxError, ValueError, opening_hours.ParserError):
        return None


def _stand_in(day: dt.date) -> dt.date | None:
    """A nationwide holiday on the same weekday as ``day``, as near in time as possible."""
    candidates = []
    for year in (day.year - 1, day.year, day.year + 1):
        national, _ = _holidays(year)
        candidates += [d for d in national if d.weekday() == day.weekday()]
    return min(candidates, key=lambda d: abs((d - day).days)) if candidates else None


def is_open(expression: str, when: dt.datetime) -> bool | None:
    """True/False if ``expression`` says the place is open/closed at local time ``when``.

    None when unknown: no expression, an expression that does not parse, or one whose
    state at that time is "unknown" (e.g. ``Mo-Fr 10:00-12:00 "nach Vereinbarung"``).

    >>> is_open("Mo-Fr 09:00-17:00; PH off", dt.datetime(2025, 10, 31, 10))  # Reformationstag
    False
    >>> is_open("Mo-Fr 09:00-17:00; PH off", dt.datetime(2025, 10, 30, 10))
    True
    """
    if not expression:
        return None
    parsed = _parse(expression)
    if parsed is None:
        return None
    at = when
    if "PH" in expression and when.date() in ni_only_holidays(when.year):
        stand_in = _stand_in(when.date())
        if stand_in is not None:
            at = dt.datetime.combine(stand_in, when.time())
    if parsed.is_unknown(at):
        return None
    return bool(parsed.is_open(at))
