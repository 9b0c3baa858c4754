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

__all__ = ["LOCAL_TZ", "describe", "is_open", "local_now", "ni_only_holidays", "week_schedule"]

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


WEEKS_TO_TRY = 8  # a week without a public holiday comes within two months everywhere


def _holiday_free_monday(today: dt.date) -> dt.date:
    """The Monday of the first week from ``today`` on without a Niedersachsen holiday."""
    monday = today - dt.timedelta(days=today.weekday())
    for week in range(WEEKS_TO_TRY):
        start = monday + dt.timedelta(weeks=week)
        days = {start + dt.timedelta(days=i) for i in range(7)}
        years = {d.year for d in days}
        if not any(days & _holidays(y)[1] for y in years):
            return start
    return monday


def _open_times(parsed: opening_hours.OpeningHours, day: dt.date) -> tuple[tuple[str, str], ...]:
    """The opening intervals of ``day`` as ("HH:MM", "HH:MM"); "24:00" for midnight."""
    start = dt.datetime.combine(day, dt.time())
    end = start + dt.timedelta(days=1)
    out = []
    for begin, finish, state, _comment in parsed.intervals(start, end):
        if state == opening_hours.State.OPEN:
            until = "24:00" if finish >= end else finish.strftime("%H:%M")
            out.append((begin.strftime("%H:%M"), until))
    return tuple(out)


def week_schedule(expression: str, today: dt.date) -> list[dict] | None:
    """The regular week of ``expression`` as groups of weekdays with the same opening times:
    ``[{"days": [1, 3], "times": [["09:00", "12:00"]]}]`` (0 = Monday), in weekday order.

    Read from a week without public holidays, so that "Mo-Fr …; PH off" shows its usual week.
    None when there is no expression or it does not parse; [] when it is never open.
    """
    parsed = _parse(expression) if expression else None
    if parsed is None:
        return None
    monday = _holiday_free_monday(today)
    groups: dict[tuple[tuple[str, str], ...], list[int]] = {}
    for weekday in range(7):
        times = _open_times(parsed, monday + dt.timedelta(days=weekday))
        if times:
            groups.setdefault(times, []).append(weekday)
    ordered = sorted(groups.items(), key=lambda item: item[1][0])
    return [{"days": days, "times": [list(t) for t in times]} for times, days in ordered]


def _closed_on_holidays(parsed: opening_hours.OpeningHours, today: dt.date) -> bool:
    """True if the next nationwide holiday on a usual opening day has no opening."""
    monday = _holiday_free_monday(today)
    usual = {wd for wd in range(7) if _open_times(parsed, monday + dt.timedelta(days=wd))}
    national = sorted(
        d for y in (today.year, today.year + 1) for d in _holidays(y)[0] if d >= today
    )
    for day in national:
        if day.weekday() in usual:
            return not _open_times(parsed, day)
    return False


def describe(expression: str, when: dt.datetime) -> dict | None:
    """What a resident needs to know about ``expression`` at local time ``when``, in data that
    the page words in its language: the usual week, whether public holidays are closed, and
    until when it is open now or when it opens next (``"YYYY-MM-DDTHH:MM"``).
    None when the expression is missing or does not parse (the page shows it as written)."""
    week = week_schedule(expression, when.date())
    if week is None:
        return None
    parsed = _parse(expression)
    assert parsed is not None  # week_schedule parsed it
    open_now = is_open(expression, when)
    change = None
    if open_now is not None:
        try:
            change = parsed.next_change(when)
        except (ValueError, OverflowError):  # an expression that never changes
            change = None
    horizon = when + dt.timedelta(days=14)
    change_text = change.isoformat(timespec="minutes") if change and change < horizon else None
    return {
        "week": week,
        "holidays_closed": _closed_on_holidays(parsed, when.date()),
        "open_now": open_now,
        "open_until": change_text if open_now else None,
        "opens_at": change_text if open_now is False else None,
    }
