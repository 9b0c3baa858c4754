"""Quartiere: district faces, naming, nearest-place areas and the per-Gemeinde order of kinds.

Hand-checkable boxes in EPSG:25832; the real partition is checked in test_datasets.py.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import LineString, Point, box

from geo.quartiere import assign_to_quartiere, district_faces, name_faces, nearest_place_areas
from geo.quartiere_build import EXCEPTION_COLUMNS, QuartierError, derive_quartiere
from geo.schema import AGS, ANALYSIS_CRS, GEMEINDEFREI, NAME, QUARTIER_ID, QUARTIER_KIND

X0, Y0 = 560_000.0, 5_710_000.0
GEMEINDE = box(X0, Y0, X0 + 4000, Y0 + 2000)


def outline(geom, level: int = 8) -> tuple[list, list]:
    return [geom.exterior], [level]


def places(*rows: tuple[str, str, float, float]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {NAME: [r[0] for r in rows], "class": [r[1] for r in rows]},
        geometry=[Point(X0 + r[2], Y0 + r[3]) for r in rows],
        crs=ANALYSIS_CRS,
    )


def test_a_level_10_line_splits_the_gemeinde_into_two_faces():
    lines, levels = outline(GEMEINDE)
    lines.append(LineString([(X0 + 2000, Y0 - 50), (X0 + 2000, Y0 + 2050)]))
    levels.append(10)
    faces = district_faces(GEMEINDE, np.array(lines), np.array(levels))
    assert faces is not None and len(faces) == 2
    assert sorted(round(f.area / 1e6, 3) for f in faces) == [4.0, 4.0]


def test_no_district_line_inside_or_too_few_faces_means_no_osm_districts():
    lines, levels = outline(GEMEINDE)
    assert district_faces(GEMEINDE, np.array(lines), np.array(levels)) is None
    # a line cutting off a corner of 0.5 x 0.5 km leaves one face with 97 % of the area
    lines.append(LineString([(X0 + 3500, Y0 - 10), (X0 + 3500, Y0 + 500), (X0 + 4010, Y0 + 500)]))
    levels.append(9)
    assert district_faces(GEMEINDE, np.array(lines), np.array(levels)) is None


def test_a_sliver_face_joins_the_neighbour_with_the_longest_border():
    lines, levels = outline(GEMEINDE)
    lines += [LineString([(X0 + 2000, Y0 - 50), (X0 + 2000, Y0 + 2050)]),
              LineString([(X0 + 2010, Y0 - 50), (X0 + 2010, Y0 + 2050)])]  # fmt: skip
    levels += [10, 10]
    faces = district_faces(GEMEINDE, np.array(lines), np.array(levels))
    assert len(faces) == 2  # the 10 m strip (width 2A/P < 25 m) is gone
    assert sum(f.area for f in faces) == pytest.approx(GEMEINDE.area)


def test_faces_are_named_by_their_best_ranked_labels():
    faces = [box(X0, Y0, X0 + 2000, Y0 + 2000), box(X0 + 2000, Y0, X0 + 4000, Y0 + 2000)]
    labels = places(
        ("Weende", "suburb", 500, 500), ("Papenberg", "hamlet", 600, 600),
        ("Göttingen", "city", 2500, 500), ("Holtenser Berg", "neighbourhood", 2600, 900),
    )  # fmt: skip
    named = name_faces(faces, labels)
    assert [f.labels for f in named] == [["Weende"], ["Holtenser Berg"]]
    assert name_faces([box(X0 + 9000, Y0, X0 + 9100, Y0 + 100)], labels)[0].labels == []


def test_nearest_place_areas_split_by_nearness_and_merge_equal_names():
    parts = dict(nearest_place_areas(
        GEMEINDE, ["West", "Ost", "Ost"],
        [Point(X0 + 1000, Y0 + 1000), Point(X0 + 3000, Y0 + 1000), Point(X0 + 3500, Y0 + 1000)],
    ))  # fmt: skip
    assert set(parts) == {"West", "Ost"}
    assert parts["West"].area == pytest.approx(4e6)  # the bisector is x = X0 + 2000
    assert parts["Ost"].area == pytest.approx(4e6)
    assert nearest_place_areas(GEMEINDE, ["Allein"], [Point(X0, Y0)]) == [("Allein", GEMEINDE)]


def test_points_get_a_quartier_of_their_own_gemeinde_even_outside_its_shapes():
    quartiere = gpd.GeoDataFrame(
        {QUARTIER_ID: ["a-001", "a-002", "b-001"], AGS: ["a", "a", "b"]},
        geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10), box(0, 0, 20, 10)],  # b overlaps a
        crs=ANALYSIS_CRS,
    )
    xy = np.array([[5, 5], [15, 5], [5, 5], [25, 5], [-3, 5]])
    rows = assign_to_quartiere(xy, np.array(["a", "a", "b", "a", "b"]), quartiere)
    assert quartiere[QUARTIER_ID].to_numpy()[rows].tolist() == [
        "a-001", "a-002", "b-001", "a-002", "b-001"]  # fmt: skip
    with pytest.raises(ValueError, match="Gemeinde c"):
        assign_to_quartiere(np.array([[1, 1]]), np.array(["c"]), quartiere)


def _gemeinden() -> gpd.GeoDataFrame:
    shapes = [box(X0 + 5000 * i, Y0, X0 + 5000 * i + 4000, Y0 + 2000) for i in range(5)]
    return gpd.GeoDataFrame(
        {AGS: ["03000001", "03000002", "03000003", "03000004", "03000005"],
         NAME: ["Amtsstadt", "Grenzstadt", "Dorfgemeinde", "Leer", "Wald"],
         GEMEINDEFREI: [False, False, False, False, True]},
        geometry=shapes, crs=ANALYSIS_CRS,
    )  # fmt: skip


def _lines() -> gpd.GeoDataFrame:
    """Gemeinde 2 cut into three faces: west (two villages), middle (one suburb), east (none)."""
    g = _gemeinden().geometry.iloc[1]
    x = g.bounds[0]
    geoms = [g.exterior,
             LineString([(x + 1500, Y0 - 50), (x + 1500, Y0 + 2050)]),
             LineString([(x + 3000, Y0 - 50), (x + 3000, Y0 + 2050)])]  # fmt: skip
    return gpd.GeoDataFrame({"admin_level": [8, 10, 10]}, geometry=geoms, crs=ANALYSIS_CRS)


def _places() -> gpd.GeoDataFrame:
    return places(
        ("Nord", "village", 5300, 1500), ("Süd", "village", 5300, 500),
        ("Mitte", "suburb", 7200, 1000), ("Oberdorf", "village", 10500, 1000),
        ("Unterdorf", "hamlet", 13000, 1000), ("Acker", "locality", 16000, 1000),
    )  # fmt: skip


def _official() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {AGS: ["03000001"] * 2, NAME: ["Altstadt", "Neustadt"], "source": ["Datei"] * 2},
        geometry=[box(X0, Y0, X0 + 2000, Y0 + 2000), box(X0 + 2000, Y0, X0 + 4000, Y0 + 2000)],
        crs=ANALYSIS_CRS,
    )


def _derive(exceptions: list[tuple] = ()):
    frame = pd.DataFrame(list(exceptions), columns=EXCEPTION_COLUMNS, dtype=str)
    return derive_quartiere(_gemeinden(), _official(), _lines(), _places(), frame)


def test_each_gemeinde_gets_the_first_kind_that_applies_and_every_choice_is_logged():
    quartiere, log = _derive()
    got = {(r.ags, r.name): r.kind for r in quartiere.itertuples()}
    assert got == {
        ("03000001", "Altstadt"): "stadtteil", ("03000001", "Neustadt"): "stadtteil",
        # the west face holds two villages: split by nearness; the unnamed east face joins Mitte
        ("03000002", "Nord"): "genaehert", ("03000002", "Süd"): "genaehert",
        ("03000002", "Mitte"): "osm_grenzen",
        ("03000003", "Oberdorf"): "genaehert", ("03000003", "Unterdorf"): "genaehert",
        ("03000004", "Leer"): "gemeinde",  # only a field name (locality) inside
    }  # fmt: skip
    mitte = quartiere.set_index(NAME).loc["Mitte"]
    assert mitte.geometry.area == pytest.approx(2500 * 2000)  # its face plus the east face
    assert quartiere[QUARTIER_ID].tolist() == [
        "03000001-001", "03000001-002", "03000002-001", "03000002-002", "03000002-003",
        "03000003-001", "03000003-002", "03000004-001"]  # fmt: skip
    assert (quartiere[QUARTIER_KIND] != "").all() and quartiere["source"].notna().all()
    assert sorted(log["rule"]) == ["Q01", "Q10", "Q11", "Q12", "Q20", "Q30"]
    assert "03000005" not in set(log["ags"])  # gemeindefrei: no residents, no Quartiere


def test_a_reviewed_exception_names_a_face_and_a_stale_one_stops_the_build():
    quartiere, log = _derive([("03000002", "Nord|Süd", "name", "Doppeldorf", "one Ortsteil")])
    assert "Doppeldorf" in set(quartiere[NAME]) and "Nord" not in set(quartiere[NAME])
    assert log.loc[log["rule"] == "X", "reason"].str.contains("one Ortsteil").all()
    with pytest.raises(QuartierError, match="match no face"):
        _derive([("03000002", "Gibt|Es|Nicht", "name", "X", "stale")])
    with pytest.raises(QuartierError, match="unknown exception action"):
        _derive([("03000002", "Nord|Süd", "rename", "X", "typo")])
