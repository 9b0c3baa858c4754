"""Validation and merging of facility rows (synthetic rows, hand-checkable answers)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.facilities import (
    FIELDS,
    TYPES,
    empty_facilities,
    facility_id,
    merge_facilities,
    near_duplicates,
)
from geo.validation import validate_facilities
from tests.facility_fixtures import gemeinden_square


def rows(**columns) -> pd.DataFrame:
    n = max((len(v) for v in columns.values()), default=1)
    base = {
        "name": ["Treff"] * n,
        "type": ["nachbarschaftstreff"] * n,
        "lat": ["51.5339"] * n,
        "lon": ["9.9355"] * n,
    }
    base.update(columns)
    return pd.DataFrame(base)


def problems_of(frame: pd.DataFrame) -> list[str]:
    return [str(p) for p in validate_facilities(frame, gemeinden_square()).problems]


def test_a_good_row_gets_category_ags_and_a_stable_id():
    result = validate_facilities(rows(source=["osm:node/1"]), gemeinden_square())
    assert result.problems == []
    row = result.valid.iloc[0]
    assert list(result.valid.columns) == list(FIELDS)
    assert row["category"] == "treffpunkt"
    assert row["ags"] == "03159016"
    assert row["id"] == facility_id(pd.Series(["osm:node/1"])).iloc[0]
    assert (
        row["id"]
        == validate_facilities(rows(source=["osm:node/1"]), gemeinden_square()).valid.iloc[0]["id"]
    )


def test_rows_without_source_get_one_from_name_and_position():
    result = validate_facilities(rows(), gemeinden_square(), default_source="import:liste")
    assert result.valid.iloc[0]["source"] == "import:liste:Treff@51.5339,9.9355"


def test_every_problem_is_reported_with_row_and_field():
    frame = rows(
        name=["", "A", "B", "C", "D", "E"],
        type=[
            "jugendzentrum",
            "disco",
            "jugendzentrum",
            "jugendzentrum",
            "jugendzentrum",
            "jugendzentrum",
        ],
        lat=["51.53", "51.53", "9.93", "95.2", "NaN", "48.14"],
        lon=["9.93", "9.93", "51.53", "9.93", "9.93", "11.58"],
        opening_hours=["Mo-Fx 10-12", "", "", "", "", ""],
        website=["", "javascript:alert(1)", "", "", "", ""],
    )
    found = problems_of(frame)
    assert "row 1: name: missing" in found
    assert any(p.startswith("row 1: opening_hours:") for p in found)
    assert any(p.startswith("row 2: type: unknown type 'disco'") for p in found)
    assert any(p.startswith("row 2: website:") for p in found)
    assert any(p.startswith("row 3: lat/lon:") and "swapped" in p for p in found)
    assert "row 4: lat: 95.2 is not a latitude" in found
    assert "row 5: lat: 'NaN' is not a number" in found
    assert any(p.startswith("row 6: lat/lon:") and "outside Niedersachsen" in p for p in found)
    # reported in row order
    assert [p.split(":")[0] for p in found] == sorted(
        (p.split(":")[0] for p in found), key=lambda r: int(r.split()[1])
    )


def test_a_point_in_a_gemeindefreies_gebiet_is_outside_every_gemeinde():
    found = problems_of(rows(lon=["10.2"]))
    assert any("outside Niedersachsen" in p for p in found)


def test_category_must_match_type():
    found = problems_of(rows(category=["beratung"]))
    assert found == ["row 1: category: 'beratung' does not match the type's category"]


@pytest.mark.parametrize(
    ("given", "stored"),
    [("ja", "yes"), ("Eingeschränkt", "limited"), ("no", "no"), ("", "")],
)
def test_wheelchair_values_are_normalised(given, stored):
    result = validate_facilities(rows(wheelchair=[given]), gemeinden_square())
    assert result.valid.iloc[0]["wheelchair"] == stored


def test_web_addresses_and_languages_are_normalised():
    result = validate_facilities(
        rows(website=["www.example.org"], languages=["DE, tr; ar"]), gemeinden_square()
    )
    assert result.valid.iloc[0]["website"] == "https://www.example.org"
    assert result.valid.iloc[0]["languages"] == "de;tr;ar"


def test_overlong_fields_are_refused_without_echoing_them():
    found = problems_of(rows(name=["x" * 10_000_000]))
    assert found == ["row 1: name: 10000000 characters, at most 200 allowed"]


def test_script_in_a_name_is_just_text():
    result = validate_facilities(rows(name=["<img src=x onerror=alert(1)>"]), gemeinden_square())
    assert result.problems == []
    assert result.valid.iloc[0]["name"] == "<img src=x onerror=alert(1)>"


def test_duplicate_sources_within_one_import_are_refused():
    found = problems_of(rows(name=["A", "B"], source=["osm:node/1", "osm:node/1"]))
    assert found == ["row 2: source: 'osm:node/1' appears more than once in this import"]


def test_merge_updates_by_source_and_adds_new():
    first = validate_facilities(
        rows(name=["A", "B"], source=["s:1", "s:2"]), gemeinden_square()
    ).valid
    merged, report = merge_facilities(empty_facilities(), first)
    assert (report.added, report.updated, report.unchanged) == (2, 0, 0)
    again = validate_facilities(
        rows(name=["A renamed", "B", "C"], source=["s:1", "s:2", "s:3"]), gemeinden_square()
    ).valid
    merged2, report2 = merge_facilities(merged, again)
    assert (report2.added, report2.updated, report2.unchanged) == (1, 1, 1)
    assert len(merged2) == 3
    assert sorted(merged2["name"]) == ["A renamed", "B", "C"]
    assert len(merged) == 2  # input untouched


def test_near_duplicates_same_name_within_50_m():
    # 0.0003° of latitude is about 33 m; 0.001° about 111 m
    frame = validate_facilities(
        rows(
            name=["Bürgerhaus", "bürgerhaus", "Bürgerhaus", "Anderes"],
            lat=["51.5339", "51.5342", "51.5349", "51.5339"],
            source=["a", "b", "c", "d"],
        ),
        gemeinden_square(),
    ).valid
    pairs = near_duplicates(frame)
    assert len(pairs) == 1
    ids = dict(zip(frame["source"], frame["id"], strict=True))
    assert {pairs[0][0], pairs[0][1]} == {ids["a"], ids["b"]}
    assert pairs[0][2] == pytest.approx(33.4, abs=1)


def test_every_type_has_labels_and_a_category():
    assert len(TYPES) == 12
    for t in TYPES.values():
        assert t.category in ("treffpunkt", "beratung") and t.label_de and t.label_en


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["A", "a", "B", "C"]), st.integers(0, 300),
                          st.integers(0, 300)), min_size=2, max_size=40))  # fmt: skip
def test_near_duplicates_against_all_pairs(points):
    """Brute force: every reported pair is a namesake within 50 m, and every row that has a
    namesake within 50 m is in a pair (with its nearest one)."""
    frame = pd.DataFrame({
        "id": [f"f{i}" for i in range(len(points))],
        "name": [n for n, _, _ in points],
        # about 1 m steps: 1e-5 degrees of latitude is 1.11 m
        "lat": [51.53 + y * 1e-5 for _, _, y in points],
        "lon": [9.93 + x * 1.6e-5 for _, x, _ in points],
    })  # fmt: skip
    pairs = near_duplicates(frame)
    xy = gpd.GeoSeries(gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326")
    xy = np.column_stack([xy.to_crs("EPSG:25832").x, xy.to_crs("EPSG:25832").y])
    name = frame["name"].str.casefold().to_numpy()
    index = {f"f{i}": i for i in range(len(points))}
    assert len(pairs) <= len(points)
    for a, b, d in pairs:
        i, j = index[a], index[b]
        assert name[i] == name[j] and d == pytest.approx(np.hypot(*(xy[i] - xy[j])), abs=1e-6)
        assert d <= 50
    in_pairs = {x for a, b, _ in pairs for x in (a, b)}
    for i in range(len(points)):
        namesakes = [j for j in range(len(points)) if j != i and name[j] == name[i]
                     and np.hypot(*(xy[i] - xy[j])) <= 50]  # fmt: skip
        assert (f"f{i}" in in_pairs) == bool(namesakes)


def test_ten_thousand_rows_at_one_point_give_linear_work_and_output():
    n = 10_000
    frame = pd.DataFrame({"id": [f"f{i:05d}" for i in range(n)], "name": ["Treff"] * n,
                          "lat": ["51.5339"] * n, "lon": ["9.9355"] * n})  # fmt: skip
    pairs = near_duplicates(frame)
    assert 0 < len(pairs) <= n  # each row paired with one namesake, not 50 million pairs
    assert {d for _, _, d in pairs} == {0.0}
