"""Build datasets/niedersachsen.gpkg from the raw inputs in ../shared/data.

Usage: python scripts/build_datasets.py [--raw DIR] [--out FILE]

Deterministic: rows are sorted by key, so rebuilding gives the same content. The GeoPackage is
written to a temporary file and moved into place only when complete.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo import build, raw  # noqa: E402
from geo.schema import (  # noqa: E402
    AGE_CLASSES,
    AGS,
    ANALYSIS_CRS,
    AREA_KM2,
    ARS,
    BEZ,
    GEMEINDEFREI,
    GRID_ID,
    IMPUTED,
    KREIS,
    KREIS_ARS,
    LAYER_CELLS,
    LAYER_GEMEINDEN,
    LAYER_ORTE,
    LAYER_QUARTIERE,
    NAME,
    POPULATION,
    QUARTIER_ID,
    SOURCE,
)

AREA_REPORT_SHARE = 0.05  # report Gemeinden whose new area differs from the outline by more
QUARTIER_SOURCES = {
    "braunschweig_stadtbezirke_osm.geojson": "OpenStreetMap Stadtbezirke Braunschweig (≈2016)",
    "oldenburg_stadtteile_osm.geojson": "OpenStreetMap Stadtteile Oldenburg (≈2023)",
}

_t0 = time.perf_counter()


def step(message: str) -> None:
    print(f"[{time.perf_counter() - _t0:6.1f} s] {message}", flush=True)


def build_gemeinden(paths: raw.RawPaths) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    outlines = raw.read_outlines_2022(paths.outlines_2022)
    old = raw.read_gemeinden_2016(paths.gemeinden_2016)
    population = raw.read_population_2022(paths.population_2022)
    kreise = raw.read_kreise(paths.kreise)
    step(
        f"read {len(outlines)} outlines 2022, {len(old)} land polygons 2016, "
        f"{len(population)} Gemeinden with population"
    )
    dissolved, report = build.harmonise_keys(old, outlines)
    step(f"harmonised 2016 geometry to {len(dissolved)} keys of 2022")

    # Names of gemeindefreie Gebiete (not in the census table) come from the 2016 polygon
    # covering most of them.
    names_2016 = gpd.sjoin(
        gpd.GeoDataFrame(geometry=old.representative_point(), crs=old.crs).join(old[["name_2016"]]),
        dissolved,
        predicate="within",
    )
    names_2016 = names_2016.assign(area=old.loc[names_2016.index].area)
    name_by_ars = (
        names_2016.sort_values("area", ascending=False)
        .drop_duplicates(ARS)
        .set_index(ARS)["name_2016"]
    )

    gem = dissolved.merge(population, on=ARS, how="left")
    gem[GEMEINDEFREI] = gem[POPULATION].isna()
    gem[AGS] = build.ags_from_ars(gem[ARS])
    gem[NAME] = gem[NAME].fillna(gem[ARS].map(name_by_ars))
    gem[BEZ] = gem[BEZ].fillna("gemeindefreies Gebiet")
    gem[POPULATION] = gem[POPULATION].fillna(0).astype(np.int64)
    gem[KREIS_ARS] = gem[AGS].str[:5]
    gem = gem.merge(kreise, on=KREIS_ARS, how="left")
    if gem[KREIS].isna().any():
        raise build.BuildError(f"Kreis unknown for {gem.loc[gem[KREIS].isna(), AGS].tolist()}")
    gem[AREA_KM2] = build.land_area_km2(gem.geometry).round(3)
    cols = [AGS, ARS, NAME, BEZ, KREIS_ARS, KREIS, POPULATION, AREA_KM2, GEMEINDEFREI, "geometry"]
    gem = gem[cols].sort_values(AGS).reset_index(drop=True)
    return gpd.GeoDataFrame(gem, geometry="geometry", crs=ANALYSIS_CRS), report


def build_cells(paths: raw.RawPaths, gemeinden: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    cells = raw.read_cells_2011(paths.cells_2011)
    squares = build.cell_squares(cells)
    assigned = build.assign_cells_to_gemeinden(squares, gemeinden)
    moved = int((assigned != cells[AGS]).sum())
    step(
        f"assigned {len(cells)} cells to Gemeinden on full-resolution geometry "
        f"({moved} differ from the file's ags)"
    )
    cells = cells.assign(**{AGS: assigned.to_numpy()})
    pop = gemeinden.set_index(AGS)[POPULATION]
    scaled = build.scale_cells(cells, pop)
    scaled = gpd.GeoDataFrame(scaled, geometry=squares.to_numpy(), crs=ANALYSIS_CRS)
    full = build.impute_missing_cells(scaled, gemeinden, pop)
    step(
        f"scaled cells to 2022; imputed {int(full[IMPUTED].sum())} cells for Gemeinden "
        "without a populated cell"
    )
    cols = [GRID_ID, AGS, POPULATION, *AGE_CLASSES, IMPUTED, "geometry"]
    return full[cols].sort_values([GRID_ID, AGS]).reset_index(drop=True)


def build_quartiere(paths: raw.RawPaths) -> gpd.GeoDataFrame:
    q = raw.read_quartiere(paths.quartiere)
    q[NAME] = q["name"].str.replace(r"-\s+", "-", regex=True).map(lambda s: re.sub(r"\s+", " ", s))
    q[SOURCE] = q["source_file"].map(QUARTIER_SOURCES)
    q = q.sort_values([AGS, NAME]).reset_index(drop=True)
    q[QUARTIER_ID] = q[AGS] + "-" + (q.groupby(AGS).cumcount() + 1).map("{:02d}".format)
    return q[[QUARTIER_ID, AGS, NAME, SOURCE, "geometry"]]


def build_orte(paths: raw.RawPaths, gemeinden: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Named places of the Göttingen area with the Gemeinde holding them (duplicates dropped)."""
    places = raw.read_places(paths.places)
    joined = gpd.sjoin(places, gemeinden[[AGS, "geometry"]], predicate="within", how="inner")
    joined = joined.drop(columns="index_right").rename(columns={"class": "place_class"})
    joined = joined.sort_values([NAME, AGS, "rank"]).drop_duplicates([NAME, AGS])
    joined[SOURCE] = "OpenStreetMap place=* (OpenMapTiles, OSM as of 2026-08)"
    return joined[[NAME, "place_class", "rank", AGS, SOURCE, "geometry"]].reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "datasets" / "niedersachsen.gpkg")
    args = parser.parse_args(argv)
    paths = raw.RawPaths(args.raw)
    try:
        paths.check()
        gemeinden, report = build_gemeinden(paths)
        cells = build_cells(paths, gemeinden)
        quartiere = build_quartiere(paths)
        orte = build_orte(paths, gemeinden)
    except (raw.RawDataError, build.BuildError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1

    big = report[report["area_diff_share"].abs() > AREA_REPORT_SHARE]
    big = big.merge(gemeinden[[ARS, AGS, NAME]], on=ARS).sort_values(ARS)
    step(
        f"{len(big)} Gemeinden differ in area by more than {AREA_REPORT_SHARE:.0%} "
        "between full-resolution land and simplified 2022 outline:"
    )
    for row in big.itertuples():
        print(
            f"    {row.ags} {row.name}: {row.area_new_km2:.1f} km² vs outline "
            f"{row.area_outline_km2:.1f} km² ({row.area_diff_share:+.1%})"
        )

    args.out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(suffix=".gpkg", dir=args.out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        # No R-tree: the app builds its own indexes in memory, and it saves a third of the size.
        for layer, frame in [
            (LAYER_GEMEINDEN, gemeinden),
            (LAYER_CELLS, cells),
            (LAYER_QUARTIERE, quartiere),
            (LAYER_ORTE, orte),
        ]:
            frame.to_file(tmp, layer=layer, driver="GPKG", SPATIAL_INDEX="NO")
        report_path = args.out.parent / "harmonisation_report.csv"
        big[[AGS, NAME, "area_new_km2", "area_outline_km2", "area_diff_share"]].round(4).to_csv(
            report_path, index=False
        )
        tmp.replace(args.out)
    finally:
        tmp.unlink(missing_ok=True)
    size_mb = args.out.stat().st_size / 1e6
    step(
        f"wrote {args.out} ({size_mb:.1f} MB): {len(gemeinden)} Gemeinden "
        f"({int(gemeinden[POPULATION].sum()):,} residents), {len(cells)} cells "
        f"({int(cells[POPULATION].sum()):,}), {len(quartiere)} Quartiere, {len(orte)} Orte"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
