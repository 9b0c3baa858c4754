"""Integrity of the committed datasets: counts, totals, keys, geometry, documentation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import shapely

from geo.data import GPKG_NAME, read_layer
from geo.schema import (
    AGE_CLASSES,
    AGS,
    ANALYSIS_CRS,
    GEMEINDEFREI,
    GRID_ID,
    KREIS,
    KREIS_ARS,
    LAYER_CELLS,
    LAYER_GEMEINDEN,
    LAYER_QUARTIERE,
    POPULATION,
    QUARTIER_ID,
)

DATASETS = Path(__file__).resolve().parent.parent / "datasets"
GPKG = DATASETS / GPKG_NAME
NI_RESIDENTS_2022 = 7_943_265  # Zensus 2022, Niedersachsen


@pytest.fixture(scope="module")
def gemeinden():
    return read_layer(GPKG, LAYER_GEMEINDEN)


@pytest.fixture(scope="module")
def cells():
    return read_layer(GPKG, LAYER_CELLS)


@pytest.fixture(scope="module")
def quartiere():
    return read_layer(GPKG, LAYER_QUARTIERE)


def test_datasets_folder_stays_compact():
    total = sum(p.stat().st_size for p in DATASETS.rglob("*") if p.is_file())
    assert total < 15e6, f"datasets/ is {total / 1e6:.1f} MB"


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
    assert len(cells) == 29_701
    assert int(cells[POPULATION].sum()) == NI_RESIDENTS_2022
    per_ags = cells.groupby(AGS)[POPULATION].sum()
    expected = gemeinden.set_index(AGS)[POPULATION]
    inhabited = expected[expected > 0]
    assert (per_ags.reindex(inhabited.index) == inhabited).all()
    assert set(per_ags.index) <= set(inhabited.index)
    ages = cells[list(AGE_CLASSES)].sum(axis=1)
    assert np.allclose(ages, cells[POPULATION], atol=0.05)
    assert cells[GRID_ID].str.fullmatch(r"1kmN\d{4}E\d{4}").all()
    assert cells.geometry.area.between(0.99e6, 1.01e6).all()  # 1 km² squares, reprojected


def test_cell_centres_lie_in_their_gemeinde_or_next_to_it(gemeinden, cells):
    geom_by_ags = gemeinden.set_index(AGS).geometry
    centres = cells.geometry.centroid
    own = geom_by_ags.reindex(cells[AGS]).to_numpy()
    inside = shapely.intersects(own, centres.to_numpy())
    # Cells moved out of gemeindefreie Gebiete or off the coast are the only exceptions.
    assert inside.mean() > 0.97
    near = shapely.distance(own, centres.to_numpy()) < 2500  # a few Harz forest cells: 1.7 km
    assert near.all()


def test_quartiere(quartiere, gemeinden):
    assert len(quartiere) == 20 + 31
    assert quartiere[QUARTIER_ID].is_unique
    counts = quartiere[AGS].value_counts().to_dict()
    assert counts == {"03101000": 20, "03403000": 31}
    assert set(quartiere[AGS]) <= set(gemeinden[AGS])
    assert quartiere["source"].notna().all()
    assert "Stöckheim-Leiferde" in set(quartiere["name"])


def test_readme_documents_every_source_and_the_build():
    readme = (DATASETS / "README.md").read_text(encoding="utf-8")
    for needle in [
        "© GeoBasis-DE / BKG",
        "dl-de/by-2-0",
        "Zensus 2022",
        "Zensus 2011",
        "OpenStreetMap",
        "ODbL",
        "scripts/build_datasets.py",
        LAYER_GEMEINDEN,
        LAYER_CELLS,
        LAYER_QUARTIERE,
    ]:
        assert needle in readme, f"datasets/README.md does not mention {needle!r}"
