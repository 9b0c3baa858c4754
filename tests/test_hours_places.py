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
