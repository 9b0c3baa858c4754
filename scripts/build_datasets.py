"""Build datasets/niedersachsen.gpkg from the raw inputs in ../shared/data.

Usage: python scripts/build_datasets.py [--raw DIR] [--out FILE]

Deterministic: rows are sorted by key, so rebuilding gives the same content. The GeoPackage is
written to a temporary file and moved into place only when complete.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo import build, dasymetric, gazetteer, quartiere_build, raw  # noqa: E402
from geo import quartiere as quartiere_mod  # noqa: E402
from geo.data import CELLS_1KM_NAME, CELLS_100M_NAME, GAZETTEER_NAME, GPKG_NAME  # noqa: E402
from geo.display import simplify_coverage  # noqa: E402
from geo.schema import (  # noqa: E402
    AGE_BANDS,
    AGS,
    ANALYSIS_CRS,
    AREA_KM2,
    ARS,
    BEZ,
    CELL_1KM,
    GEMEINDEFREI,
    GRID_CRS,
    GRID_ID,
    IMPUTED,
    KREIS,
    KREIS_ARS,
    LAYER_GEMEINDEN,
    LAYER_GEMEINDEN_DISPLAY,
    LAYER_ORTE,
    LAYER_QUARTIERE,
    NAME,
    POPULATION,
    QUARTIER_ID,
    QUARTIER_KIND,
    SOURCE,
    X_3035,
    Y_3035,
)

EXCEPTIONS = "curation/quartiere_exceptions.csv"  # reviewed Quartier overrides (input)
QUARTIER_DECISIONS = "curation/quartiere_decisions.csv"  # the log of every Quartier choice
QUARTIER_DISPLAY_TOLERANCE_M = 10.0  # Quartier shapes are for display; cells are assigned exactly
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


def build_cells_1km(paths: raw.RawPaths, gemeinden: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Zensus 2022 1 km cells of Niedersachsen, assigned to Gemeinden and scaled to their totals.

    A cell is ours when its centre lies on the full-resolution land of the state, or inside the
    simplified state outline (coastal cells whose centre is in the Wadden Sea or a harbour).
    """
    cells = raw.read_cells_2022(paths.cells_2022)
    squares = build.cell_squares(cells)
    centres = shapely.centroid(squares.to_numpy())
    land = shapely.union_all(gemeinden.geometry.to_numpy())
    outlines = raw.read_outlines_2022(paths.outlines_2022).geometry.to_numpy()
    outline = shapely.union_all(shapely.make_valid(outlines))
    ours = shapely.contains(land, centres) | shapely.contains(outline, centres)
    cells, squares = cells[ours].reset_index(drop=True), squares[ours].reset_index(drop=True)
    assigned = build.assign_cells_to_gemeinden(squares, gemeinden)
    step(f"{len(cells)} of the grid's cells lie in Niedersachsen ({int(cells['total'].sum()):,} "
         "residents); assigned to Gemeinden on full-resolution geometry")  # fmt: skip
    cells = cells.assign(**{AGS: assigned.to_numpy()})
    pop = gemeinden.set_index(AGS)[POPULATION]
    scaled = build.scale_cells(cells, pop)
    scaled = gpd.GeoDataFrame(scaled, geometry=squares.to_numpy(), crs=ANALYSIS_CRS)
    full = build.impute_missing_cells(scaled, gemeinden, pop)
    step(
        f"scaled cells to Zensus 2022 Gemeinde totals; imputed {int(full[IMPUTED].sum())} "
        "cells for Gemeinden without a populated cell"
    )
    cols = [GRID_ID, X_3035, Y_3035, AGS, POPULATION, *AGE_BANDS, IMPUTED, "geometry"]
    return full[cols].sort_values([GRID_ID, AGS]).reset_index(drop=True)


def build_cells_100m(
    paths: raw.RawPaths, cells: gpd.GeoDataFrame, gemeinden: gpd.GeoDataFrame
) -> pd.DataFrame:
    """Spread the 1 km cells over 100 m cells by residential building footprint."""
    buildings = raw.read_buildings(paths.buildings)
    land = shapely.union_all(gemeinden.geometry.to_numpy())
    shapely.prepare(land)
    to_analysis = Transformer.from_crs(GRID_CRS, ANALYSIS_CRS, always_xy=True)

    def in_land(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return shapely.contains_xy(land, *to_analysis.transform(x, y))

    fine, rule = dasymetric.refine(
        cells[[X_3035, Y_3035]].to_numpy(),
        cells[list(AGE_BANDS)].to_numpy(),
        {c: buildings[c].to_numpy() for c in buildings.columns},
        in_land,
    )
    out = pd.DataFrame({X_3035: fine["x_3035"], Y_3035: fine["y_3035"], CELL_1KM: fine["parent"]})
    for j, col in enumerate(AGE_BANDS):
        out[col] = fine["counts"][:, j]
    out[POPULATION] = fine["counts"].sum(axis=1)
    out[AGS] = cells[AGS].to_numpy()[fine["parent"]]
    used = pd.Series(rule).map(lambda r: dasymetric.WEIGHT_RULES[r - 1]).value_counts()
    step(f"spread {len(cells)} cells over {len(out)} populated 100 m cells "
         f"({len(buildings)} with buildings); rule per 1 km cell: {used.to_dict()}")  # fmt: skip
    return out


def build_quartiere(paths: raw.RawPaths, gemeinden: gpd.GeoDataFrame, exceptions: Path):
    official = raw.read_quartiere(paths.quartiere)
    official[NAME] = (
        official["name"].str.replace(r"-\s+", "-", regex=True).map(lambda s: re.sub(r"\s+", " ", s))
    )
    official[SOURCE] = official["source_file"].map(QUARTIER_SOURCES)
    frame, log = quartiere_build.derive_quartiere(
        gemeinden,
        official,
        raw.read_admin_lines(paths.admin_lines),
        raw.read_places_2021(paths.places_2021),
        pd.read_csv(exceptions, dtype=str, keep_default_na=False),
    )
    kinds = frame[QUARTIER_KIND].value_counts().to_dict()
    step(f"derived {len(frame)} Quartiere: {kinds}")
    return frame, log


def simplify_quartiere(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Display shapes: each Gemeinde's Quartiere simplified together (no gaps between them)."""
    parts = []
    for _, group in frame.groupby(AGS, sort=True):
        geoms = shapely.make_valid(shapely.set_precision(group.geometry.to_numpy(), 1.0))
        simple = shapely.coverage_simplify(geoms, QUARTIER_DISPLAY_TOLERANCE_M)
        parts.append(group.assign(geometry=shapely.make_valid(simple)))
    return gpd.GeoDataFrame(pd.concat(parts), crs=frame.crs).sort_values(QUARTIER_ID)


def build_orte(paths: raw.RawPaths, gemeinden: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Named places of the Göttingen area with the Gemeinde holding them (duplicates dropped)."""
    places = raw.read_places(paths.places)
    joined = gpd.sjoin(places, gemeinden[[AGS, "geometry"]], predicate="within", how="inner")
    joined = joined.drop(columns="index_right").rename(columns={"class": "place_class"})
    joined = joined.sort_values([NAME, AGS, "rank"]).drop_duplicates([NAME, AGS])
    joined[SOURCE] = "OpenStreetMap place=* (OpenMapTiles, OSM as of 2026-08)"
    return joined[[NAME, "place_class", "rank", AGS, SOURCE, "geometry"]].reset_index(drop=True)


def assign_quartiere(fine: pd.DataFrame, quartiere: gpd.GeoDataFrame) -> pd.Series:
    """The Quartier of every 100 m cell: one of its own Gemeinde's (`geo.quartiere`)."""
    to_analysis = Transformer.from_crs(GRID_CRS, ANALYSIS_CRS, always_xy=True)
    x, y = to_analysis.transform(fine[X_3035].to_numpy() + 50.0, fine[Y_3035].to_numpy() + 50.0)
    rows = quartiere_mod.assign_to_quartiere(
        np.column_stack([x, y]), fine[AGS].to_numpy(), quartiere
    )
    return pd.Series(quartiere[QUARTIER_ID].to_numpy()[rows], index=fine.index)


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Run ``write`` on a temporary file beside ``path`` and move it into place when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        write(tmp)
        tmp.chmod(0o644)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def write_csv_gz(frame: pd.DataFrame, path: Path) -> None:
    """Gzipped CSV with mtime 0, so a rebuild gives the same bytes."""
    with (
        open(path, "wb") as raw_file,
        gzip.GzipFile(fileobj=raw_file, mode="wb", compresslevel=9, mtime=0, filename="") as handle,
    ):
        handle.write(frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))


def write_gpkg(path: Path, layers: list[tuple[str, gpd.GeoDataFrame]]) -> None:
    # No R-tree: the app builds its own indexes in memory, and it saves a third of the size.
    for layer, frame in layers:
        frame.to_file(path, layer=layer, driver="GPKG", SPATIAL_INDEX="NO")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "datasets" / GPKG_NAME,
                        help="the GeoPackage; the other files go beside it")  # fmt: skip
    parser.add_argument("--exceptions", type=Path, default=ROOT / "datasets" / EXCEPTIONS)
    args = parser.parse_args(argv)
    paths = raw.RawPaths(args.raw)
    try:
        paths.check()
        if not args.exceptions.is_file():
            raise raw.RawDataError(f"{args.exceptions}: Quartier exceptions file not found")
        gemeinden, report = build_gemeinden(paths)
        cells = build_cells_1km(paths, gemeinden)
        fine = build_cells_100m(paths, cells, gemeinden)
        quartiere, decisions = build_quartiere(paths, gemeinden, args.exceptions)
        fine[QUARTIER_ID] = assign_quartiere(fine, quartiere)
        orte = build_orte(paths, gemeinden)
        search, search_counts = gazetteer.build_gazetteer(
            raw.read_places_2021(paths.places_2021),
            raw.read_streets_2021(paths.streets_2021),
            raw.read_postcodes(paths.postcodes),
            gemeinden,
        )
    except (raw.RawDataError, build.BuildError, quartiere_build.QuartierError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1

    big = report[report["area_diff_share"].abs() > AREA_REPORT_SHARE]
    big = big.merge(gemeinden[[ARS, AGS, NAME]], on=ARS).sort_values(ARS)
    step(
        f"{len(big)} Gemeinden differ in area by more than {AREA_REPORT_SHARE:.0%} "
        "between full-resolution land and simplified 2022 outline"
    )
    out_dir = args.out.parent
    display = simplify_quartiere(quartiere)
    gemeinden_display = simplify_coverage(gemeinden[[AGS, "geometry"]])
    write_atomic(args.out, lambda p: write_gpkg(
        p, [(LAYER_GEMEINDEN, gemeinden), (LAYER_GEMEINDEN_DISPLAY, gemeinden_display),
            (LAYER_QUARTIERE, display), (LAYER_ORTE, orte)]
    ))  # fmt: skip
    cells_1km = pd.DataFrame(cells.drop(columns="geometry"))
    write_atomic(out_dir / CELLS_1KM_NAME, lambda p: write_csv_gz(cells_1km, p))
    # in Quartier order: every Quartier, Gemeinde and Kreis is then one run of rows (geo.groups)
    fine_out = fine[[X_3035, Y_3035, CELL_1KM, QUARTIER_ID, POPULATION, *AGE_BANDS]].sort_values(
        [QUARTIER_ID, Y_3035, X_3035], kind="stable", ignore_index=True
    )
    write_atomic(out_dir / CELLS_100M_NAME, lambda p: write_csv_gz(fine_out, p))
    write_atomic(out_dir / GAZETTEER_NAME, lambda p: write_csv_gz(search, p))
    step(
        "search: {places:,} places, {streets:,} streets, {postcodes:,} postcodes "
        "({postcodes_unknown_gemeinde} postcodes of unknown Gemeinden left out)".format(
            **search_counts
        )
    )
    write_atomic(out_dir / QUARTIER_DECISIONS, lambda p: decisions.to_csv(
        p, index=False, lineterminator="\n"))  # fmt: skip
    columns = [AGS, NAME, "area_new_km2", "area_outline_km2", "area_diff_share"]
    write_atomic(out_dir / "harmonisation_report.csv", lambda p: big[columns].round(4).to_csv(
        p, index=False, lineterminator="\n"))  # fmt: skip
    size_mb = (
        sum(
            (out_dir / n).stat().st_size
            for n in (args.out.name, CELLS_1KM_NAME, CELLS_100M_NAME, GAZETTEER_NAME)
        )
        / 1e6
    )
    step(
        f"wrote {out_dir} ({size_mb:.1f} MB): {len(gemeinden)} Gemeinden "
        f"({int(gemeinden[POPULATION].sum()):,} residents), {len(cells)} 1 km cells, "
        f"{len(fine)} 100 m cells ({int(fine[POPULATION].sum()):,}), {len(quartiere)} Quartiere, "
        f"{len(orte)} Orte"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
