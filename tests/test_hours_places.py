"""Opening hours with Niedersachsen holidays, and the forgiving place search."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.hours import is_open, ni_only_holidays
from geo.places import fold, is_ambiguous, parse_coordinates, search_places

D = dt.datetime.fromisoformat


@pytest.mark.parametrize(
    ("expression", "when", "expected"),
    [
        ("Mo-Fr 09:00-17:00", "2026-11-25 10:00", True),  # a Wednesday
        ("Mo-Fr 09:00-17:00", "2026-11-25 18:00", False),
        ("Mo-Fr 09:00-17:00", "2026-11-28 10:00", False),  # Saturday
        ("Mo-Fr 09:00-17:00; PH off", "2026-12-25 10:00", False),  # Christmas, nationwide
        ("Mo-Fr 09:00-17:00; PH off", "2025-10-31 10:00", False),  # Reformationstag in NI
        ("Mo-Fr 09:00-17:00; PH off", "2025-10-30 10:00", True),
        ("Mo-Fr 09:00-17:00; PH 10:00-12:00", "2025-10-31 11:00", True),
        ("Mo-Fr 09:00-17:00; PH 10:00-12:00", "2025-10-31 13:00", False),
        ("Mo-Fr 09:00-17:00; PH off", "2026-06-04 10:00", True),  # Fronleichnam: not in NI
        ("Mo-Fr 09:00-17:00", "2025-10-31 10:00", True),  # no PH rule: weekday rules hold
        ("24/7", "2026-11-25 03:00", True),
        ("", "2026-11-25 10:00", None),
        ("not hours", "2026-11-25 10:00", None),
    ],
)
def test_is_open(expression, when, expected):
    assert is_open(expression, D(when)) is expected


def test_reformationstag_is_the_ni_only_holiday():
    assert ni_only_holidays(2026) == {dt.date(2026, 10, 31)}


@pytest.mark.parametrize("text", ["Göttingen", "goettingen", "GOTTINGEN", "göt-tingen"])
def test_fold_matches_every_spelling(text):
    assert set(fold(text)) & set(fold("Göttingen"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("51.54, 9.93", (51.54, 9.93)),
        ("51,54 9,93", (51.54, 9.93)),
        ("51,54, 9,93", (51.54, 9.93)),
        ("51.54;9.93", (51.54, 9.93)),
        ("Göttingen", None),
        ("51.54", None),
    ],
)
def test_parse_coordinates(text, expected):
    assert parse_coordinates(text) == expected


def test_search_ranks_exact_gemeinde_first(app):
    index = app.extensions["nk_places"]
    for q in ["gottingen", "Goettingen", "Göttingen", "göttingen"]:
        assert search_places(index, q)[0]["name"] == "Göttingen"
    weende = search_places(index, "weende")
    # Weende is an Ortsteil drawn from the OSM district boundaries: a district ("quartier")
    assert weende[0]["name"] == "Weende" and weende[0]["kind"] == "quartier"
    assert search_places(index, "stöckheim-leiferde")[0]["detail"] == "Braunschweig"
    # two villages called Stöckheim match exactly (the bigger Gemeinde first), before the
    # district Stöckheim-Leiferde; the finder asks which one is meant
    stoeckheim = search_places(index, "stöckheim")
    assert [(p["name"], p["detail"]) for p in stoeckheim[:3]] == [
        ("Stöckheim", "Braunschweig"),
        ("Stöckheim", "Northeim (Kreis Northeim)"),
        ("Stöckheim-Leiferde", "Braunschweig"),
    ]
    assert is_ambiguous(stoeckheim)
    assert search_places(index, "<script>") == []
    assert search_places(index, "") == []


# --- opening hours in words: the data the finder words (geo.hours.describe) ---------------
TUESDAY_10_30 = dt.datetime(2026, 12, 8, 10, 30)  # a Tuesday in a week without holidays


def test_the_usual_week_groups_days_with_the_same_times():
    from geo.hours import week_schedule

    week = week_schedule(
        "Mo-Fr 09:00-12:00,14:00-17:00; Sa 10:00-12:00; PH off", TUESDAY_10_30.date()
    )
    assert week == [
        {"days": [0, 1, 2, 3, 4], "times": [["09:00", "12:00"], ["14:00", "17:00"]]},
        {"days": [5], "times": [["10:00", "12:00"]]},
    ]
    assert week_schedule("Tu,Th 09:00-12:00", TUESDAY_10_30.date()) == [
        {"days": [1, 3], "times": [["09:00", "12:00"]]}
    ]
    assert week_schedule("24/7", TUESDAY_10_30.date()) == [
        {"days": list(range(7)), "times": [["00:00", "24:00"]]}
    ]
    assert week_schedule("off", TUESDAY_10_30.date()) == []
    assert week_schedule("not hours at all", TUESDAY_10_30.date()) is None
    assert week_schedule("", TUESDAY_10_30.date()) is None


def test_the_usual_week_is_read_from_a_week_without_holidays():
    from geo.hours import week_schedule

    # asked in Christmas week: 25 and 26 December are holidays, so the next week is read
    christmas = dt.date(2026, 12, 24)
    assert week_schedule("Mo-Fr 09:00-12:00; PH off", christmas) == [
        {"days": [0, 1, 2, 3, 4], "times": [["09:00", "12:00"]]}
    ]


def test_open_until_and_opens_at_and_holidays():
    from geo.hours import describe

    open_now = describe("Tu,Th 09:00-12:00; PH off", TUESDAY_10_30)
    assert open_now["open_now"] is True and open_now["open_until"] == "2026-12-08T12:00"
    assert open_now["opens_at"] is None and open_now["holidays_closed"] is True
    later = describe("Tu,Th 09:00-12:00", dt.datetime(2026, 12, 8, 13, 0))
    assert later["open_now"] is False and later["opens_at"] == "2026-12-10T09:00"
    assert later["holidays_closed"] is False  # no "PH off": holidays follow the weekdays
    # Reformationstag (31 October, Niedersachsen only) is a holiday for "PH off" as well
    reformation = describe("Mo-Sa 09:00-17:00; PH off", dt.datetime(2026, 10, 31, 10, 0))
    assert reformation["open_now"] is False
    assert describe("", TUESDAY_10_30) is None
