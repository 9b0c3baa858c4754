"""Integrity of the committed datasets: counts, totals, keys, geometry, documentation."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from geo.dasymetric import parent_keys
from geo.data import (
    CELLS_1KM_NAME,
    CELLS_100M_NAME,
    GAZETTEER_NAME,
    GPKG_NAME,
    read_cells,
    read_gazetteer,
    read_layer,
)
from geo.edges import EDGES_META_NAME, EDGES_NAME
from geo.places import fold
from geo.schema import (
    AGE_BANDS,
    AGS,
    ANALYSIS_CRS,
    CELL_1KM,
    GEMEINDEFREI,
    GRID_ID,
    KREIS,
    KREIS_ARS,
    LAYER_GEMEINDEN,
    LAYER_GEMEINDEN_DISPLAY,
    LAYER_QUARTIERE,
    POPULATION,
    QUARTIER_ID,
    QUARTIER_KIND,
    X_3035,
    Y_3035,
)

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT / "datasets"
RAW = ROOT.parent / "shared" / "data"
GPKG = DATASETS / GPKG_NAME
NI_RESIDENTS_2022 = 7_943_265  # Zensus 2022, Niedersachsen


@pytest.fixture(scope="module")
def gemeinden():
    return read_layer(GPKG, LAYER_GEMEINDEN)


@pytest.fixture(scope="module")
def quartiere():
    return read_layer(GPKG, LAYER_QUARTIERE)


@pytest.fixture(scope="module")
def cells():
    """The 1 km cells (Zensus 2022, scaled)."""
    return pd.read_csv(DATASETS / CELLS_1KM_NAME, dtype={AGS: str, GRID_ID: str})


@pytest.fixture(scope="module")
def fine(quartiere):
    """The 100 m demand cells, with the ags of their Quartier."""
    frame = read_cells(DATASETS / CELLS_100M_NAME, quartiere)
    return frame.assign(**{AGS: frame[QUARTIER_ID].str[:8]})


def test_datasets_folder_stays_compact():
    total = sum(p.stat().st_size for p in DATASETS.rglob("*") if p.is_file())
    assert total < 25e6, f"datasets/ is {total / 1e6:.1f} MB"


def test_gemeinden_counts_and_totals(gemeinden):
    inhabited = gemeinden[~gemeinden[GEMEINDEFREI]]
    assert len(inhabited) == 941
    assert len(gemeinden) == 941 + 23  # the gemeindefreie Gebiete are kept, flagged
    assert int(gemeinden[POPULATION].sum()) == NI_RESIDENTS_2022
    assert (gemeinden.loc[gemeinden[GEMEINDEFREI], POPULATION] == 0).all()
    hannover = gemeinden.set_index(AGS).loc["03241001"]
    assert hannover[POPULATION] == 513_291
    assert hannover["name"] == "Hannover"
    assert hannover[KREIS] == "Region Hannover"
    goettingen = gemeinden.set_index(AGS).loc["03159016"]
    assert goettingen["name"] == "Göttingen"


def test_gemeinden_keys(gemeinden):
    assert gemeinden[AGS].str.fullmatch(r"03\d{6}").all()
    assert gemeinden[AGS].is_unique
    assert gemeinden["ars"].str.fullmatch(r"03\d{10}").all()
    assert (gemeinden[AGS] == gemeinden["ars"].str[:5] + gemeinden["ars"].str[9:]).all()
    assert (gemeinden[KREIS_ARS] == gemeinden[AGS].str[:5]).all()
    assert gemeinden[KREIS_ARS].nunique() == 45
    assert gemeinden[KREIS].notna().all()


def test_gemeinden_geometry_is_a_valid_coverage(gemeinden):
    assert gemeinden.crs == ANALYSIS_CRS
    geoms = gemeinden.geometry.to_numpy()
    assert shapely.is_valid(geoms).all()
    assert not shapely.is_empty(geoms).any()
    # Overlap between neighbours: at most 0.01 % of the area of the smaller one.
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pairs = left < right
    overlap = shapely.area(shapely.intersection(geoms[left[pairs]], geoms[right[pairs]]))
    smaller = np.minimum(shapely.area(geoms[left[pairs]]), shapely.area(geoms[right[pairs]]))
    assert (overlap <= 1e-4 * smaller).all()
    # Land area of Niedersachsen is about 47,600 km² (official incl. water: 47,710 km²).
    assert 47_000 < gemeinden["area_km2"].sum() < 47_800


def test_cells_sum_to_gemeinde_population(gemeinden, cells):
    assert len(cells) == 29_886  # centre on the land (29,832) or in the state outline (coast)
    assert int(cells[POPULATION].sum()) == NI_RESIDENTS_2022
    per_ags = cells.groupby(AGS)[POPULATION].sum()
    expected = gemeinden.set_index(AGS)[POPULATION]
    inhabited = expected[expected > 0]
    assert (per_ags.reindex(inhabited.index) == inhabited).all()
    assert set(per_ags.index) <= set(inhabited.index)
    assert (cells[list(AGE_BANDS)].sum(axis=1) == cells[POPULATION]).all()
    assert cells[GRID_ID].str.fullmatch(r"CRS3035RES1000mN\d{7}E\d{7}").all()
    assert (cells[X_3035] % 1000 == 0).all() and (cells[Y_3035] % 1000 == 0).all()


def test_100m_cells_sum_exactly_to_their_1km_cell(cells, fine):
    per_cell = fine.groupby(CELL_1KM)[[POPULATION, *AGE_BANDS]].sum()
    expected = cells.loc[per_cell.index, [POPULATION, *AGE_BANDS]]
    assert (per_cell.to_numpy() == expected.to_numpy()).all()
    populated = cells.index[cells[POPULATION] > 0]
    assert set(per_cell.index) == set(populated)  # every populated 1 km cell is spread
    assert (fine[list(AGE_BANDS)].sum(axis=1) == fine[POPULATION]).all()
    assert (fine[POPULATION] > 0).all()
    # each 100 m cell lies in its 1 km cell and the Gemeinde totals stay those of Zensus 2022
    parent = cells.loc[fine[CELL_1KM]]
    assert (parent_keys(fine[X_3035], fine[Y_3035]) == parent_keys(
        parent[X_3035], parent[Y_3035])).all()  # fmt: skip
    assert (fine[X_3035] % 100 == 0).all() and (fine[Y_3035] % 100 == 0).all()
    assert (fine[AGS].to_numpy() == parent[AGS].to_numpy()).all()
    assert int(fine[POPULATION].sum()) == NI_RESIDENTS_2022


def test_100m_weights_follow_the_rule(cells, fine):
    """A 100 m cell without buildings gets residents only when its whole 1 km cell has none;
    where a 1 km cell has residential buildings, only cells with them get residents."""
    path = RAW / "osm_niedersachsen_2021" / "buildings_100m.csv.gz"
    if not path.is_file():
        pytest.fail(f"raw data not found at {path}: the weighting test needs ../shared/data")
    buildings = pd.read_csv(path, usecols=[X_3035, Y_3035, "footprint_m2",
                                           "footprint_residential_m2"])  # fmt: skip
    b_key = parent_keys(buildings[X_3035], buildings[Y_3035]) * 100_000 + (
        buildings[X_3035] % 1000 // 100 * 10 + buildings[Y_3035] % 1000 // 100
    )
    f_key = parent_keys(fine[X_3035], fine[Y_3035]) * 100_000 + (
        fine[X_3035] % 1000 // 100 * 10 + fine[Y_3035] % 1000 // 100)  # fmt: skip
    built = pd.Series(buildings["footprint_m2"].to_numpy(), index=b_key)
    residential = pd.Series(buildings["footprint_residential_m2"].to_numpy(), index=b_key)
    fine_fp = built.reindex(f_key).fillna(0).to_numpy()
    fine_res = residential.reindex(f_key).fillna(0).to_numpy()
    parent_any = pd.Series(built.to_numpy() > 0).groupby(
        parent_keys(buildings[X_3035], buildings[Y_3035])).any()  # fmt: skip
    parent_res = pd.Series(residential.to_numpy() > 0).groupby(
        parent_keys(buildings[X_3035], buildings[Y_3035])).any()  # fmt: skip
    f_parent = parent_keys(fine[X_3035], fine[Y_3035])
    no_buildings = fine_fp <= 0
    assert not parent_any.reindex(f_parent[no_buildings]).fillna(False).to_numpy(dtype=bool).any()
    in_res_parent = parent_res.reindex(f_parent).fillna(False).to_numpy(dtype=bool)
    assert (fine_res[in_res_parent] > 0).mean() > 0.999  # but for cells beyond the state edge
    assert no_buildings.sum() > 0  # uniform spreading happens (1 km cells without buildings)


def test_quartiere_partition_the_cells_of_each_gemeinde(quartiere, gemeinden, fine):
    assert quartiere[QUARTIER_ID].is_unique
    assert quartiere[QUARTIER_ID].str.fullmatch(r"03\d{6}-\d{3}").all()
    assert (quartiere[QUARTIER_ID].str[:8] == quartiere[AGS]).all()
    assert set(quartiere[QUARTIER_KIND]) <= {"stadtteil", "osm_grenzen", "genaehert", "gemeinde"}
    assert quartiere[["name", "source"]].notna().all(axis=None)
    assert (quartiere["name"].str.strip() != "").all()
    assert not quartiere.duplicated([AGS, "name"]).any()
    inhabited = set(gemeinden.loc[~gemeinden[GEMEINDEFREI], AGS])
    assert set(quartiere[AGS]) == inhabited  # every inhabited Gemeinde has Quartiere
    # every 100 m cell has exactly one Quartier (one column), and it is one of its Gemeinde
    q_ags = quartiere.set_index(QUARTIER_ID)[AGS]
    assert (q_ags.reindex(fine[QUARTIER_ID]).to_numpy() == fine[AGS].to_numpy()).all()
    kinds = quartiere[QUARTIER_KIND].value_counts()
    assert kinds["stadtteil"] == 20 + 31  # Braunschweig and Oldenburg from their files
    assert kinds["osm_grenzen"] > 500 and kinds["genaehert"] > 5000


def _folded(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold().replace("ß", "ss"))
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in letters if c.isalnum())


# Official district names, written by hand from the cities' own lists (Göttingen: 18
# Ortsteile; Hannover: 51 Stadtteile in 13 Stadtbezirken; Osnabrück: 23 Stadtteile)
OFFICIAL_DISTRICTS = {
    "03159016": """Innenstadt Oststadt Südstadt Weststadt Nordstadt Grone Geismar Weende
        Nikolausberg Herberhausen Roringen Deppoldshausen Elliehausen Esebeck Holtensen
        Groß_Ellershausen Hetjershausen Knutbühren""",
    "03241001": """Mitte Calenberger_Neustadt Oststadt Zoo Vahrenwald List Bothfeld Lahe
        Isernhagen-Süd Sahlkamp Vahrenheide Groß-Buchholz Kleefeld Heideviertel Misburg-Nord
        Misburg-Süd Anderten Kirchrode Bemerode Wülferode Südstadt Bult Döhren Seelhorst
        Waldhausen Waldheim Wülfel Mittelfeld Ricklingen Oberricklingen Mühlenberg Wettbergen
        Bornum Linden-Nord Linden-Mitte Linden-Süd Limmer Ahlem Badenstedt Davenstedt
        Herrenhausen Burg Leinhausen Ledeburg Stöcken Marienwerder Nordhafen Nordstadt
        Hainholz Vinnhorst Brink-Hafen""",
    "03404000": """Innenstadt Weststadt Westerberg Eversburg Hafen Sonnenhügel Haste
        Dodesheide Gartlage Schinkel Widukindland Schinkel-Ost Fledder Schölerberg Kalkhügel
        Wüste Sutthausen Hellern Atter Pye Darum-Gretesch-Lüstringen Voxtrup Nahne""",
}


@pytest.mark.parametrize(("ags", "size"), [("03159016", 18), ("03241001", 51), ("03404000", 23)])
def test_quartiere_match_the_official_districts_by_name(quartiere, ags, size):
    official = [n.replace("_", " ") for n in OFFICIAL_DISTRICTS[ags].split()]
    assert len(official) == size
    ours = quartiere[quartiere[AGS] == ags]
    assert (ours[QUARTIER_KIND].isin(["osm_grenzen", "genaehert"])).all()
    names = {_folded(n) for n in ours["name"]}
    matched = [n for n in official if _folded(n) in names]
    assert len(matched) >= 0.8 * size, sorted(set(official) - set(matched))
    assert len(ours) <= size + 2  # no flood of extra fragments


def test_readme_documents_every_source_and_the_build():
    readme = (DATASETS / "README.md").read_text(encoding="utf-8")
    for needle in [
        "© GeoBasis-DE / BKG",
        "dl-de/by-2-0",
        "Zensus 2022",
        "buildings_100m",
        "admin_boundaries",
        "Ortsteil, genähert",
        "OpenStreetMap",
        "ODbL",
        "scripts/build_datasets.py",
        LAYER_GEMEINDEN,
        LAYER_GEMEINDEN_DISPLAY,
        LAYER_QUARTIERE,
        CELLS_1KM_NAME,
        CELLS_100M_NAME,
        GAZETTEER_NAME,
        EDGES_NAME,
        EDGES_META_NAME,
        "key_plain",
    ]:
        assert needle in readme, f"datasets/README.md does not mention {needle!r}"


def test_the_search_gazetteer_covers_the_state(gemeinden):
    frame = read_gazetteer(DATASETS / GAZETTEER_NAME, set(gemeinden[AGS]))
    counts = frame["kind"].value_counts()
    assert counts["strasse"] > 150_000 and counts["ort"] > 10_000 and counts["plz"] > 1_000
    # streets in nearly every inhabited Gemeinde, and one row per name and Gemeinde
    inhabited = set(gemeinden.loc[~gemeinden[GEMEINDEFREI], AGS])
    with_streets = set(frame.loc[frame["kind"] == "strasse", AGS])
    assert len(inhabited - with_streets) <= 5, sorted(inhabited - with_streets)
    places = frame[frame["kind"] != "plz"]
    assert not places.duplicated(["name", "kind", AGS]).any()
    streets = frame[frame["kind"] == "strasse"]
    inside = streets["west"].le(streets["lon"]) & streets["lon"].le(streets["east"])
    assert inside.all() and streets["south"].le(streets["lat"]).all()
    assert frame.loc[frame["kind"] == "plz", "ort"].str.len().gt(0).all()
    # the keys folded by the build are what the search folds today, and in key order
    assert [fold(n) for n in frame["name"]] == list(zip(frame["key_ae"], frame["key_plain"],
                                                        strict=True))  # fmt: skip
    assert frame["key_ae"].is_monotonic_increasing


def test_cells_are_stored_in_quartier_order():
    """Every Quartier, Gemeinde and Kreis is one run of rows (what geo.groups relies on)."""
    ids = pd.read_csv(DATASETS / CELLS_100M_NAME, usecols=["quartier_id"], dtype=str)
    assert ids["quartier_id"].is_monotonic_increasing
