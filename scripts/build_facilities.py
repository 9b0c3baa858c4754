"""Build the curated Göttingen facilities into datasets/facilities.csv.

Usage: python scripts/build_facilities.py [--raw DIR] [--data DIR]

The curation decisions (kept as which type, or left out and why) are the committed log
``datasets/curation/goettingen_decisions.csv``, one row per reviewed OSM feature. This script
joins the log to the raw OSM extract, turns the kept features into GeoJSON and imports that
through the same code path as every municipal import (validation, merge by ``source``, atomic
write). It also writes ``datasets/facility_coverage.csv``: the Gemeinden whose area lies
(almost) wholly inside the extract, for which "no facility" means none, not "no data".
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.data import (  # noqa: E402
    COVERAGE_NAME,
    FACILITIES_NAME,
    GPKG_NAME,
    read_facilities,
    read_layer,
    write_csv_atomic,
)
from geo.facilities import empty_facilities  # noqa: E402
from geo.importers import import_facilities  # noqa: E402
from geo.schema import AGS, ANALYSIS_CRS, LAYER_GEMEINDEN, NAME, WEB_CRS  # noqa: E402

EXTRACT_BBOX = (9.7, 51.45, 10.1, 51.6)  # lon/lat extent of the Göttingen OSM extract
COVERED_SHARE = 0.95  # a Gemeinde counts as covered when this share of it is in the extract
SOURCE_PREFIX = "osm-vectortile:"  # OpenMapTiles features carry no OSM ids: named by position
REGION = "Göttingen (OSM-Kandidaten, kuratiert)"
CURATED_ON = "2026-11-25"
OSM_VINTAGE = "OSM as of 2026-08"


def source_key(lon: float, lat: float) -> str:
    return f"{SOURCE_PREFIX}{lon:.5f},{lat:.5f}"


def kept_features(raw: Path, decisions: pd.DataFrame) -> dict:
    """GeoJSON of the kept features, positions and names from the raw extract."""
    layers = {
        "candidates": gpd.read_file(raw / "facilities/goettingen_osm_candidates.geojson"),
        "pois": gpd.read_file(raw / "facilities/goettingen_osm_pois.gpkg", layer="poi"),
    }
    features = []
    for row in decisions[decisions["decision"] == "keep"].itertuples():
        layer = layers[row.layer]
        match = layer[
            (layer.geometry.x.round(5) == row.lon)
            & (layer.geometry.y.round(5) == row.lat)
            & (layer["name"] == row.name)
        ]
        if match.empty:
            raise SystemExit(f"decision for {row.name!r} at {row.lon},{row.lat} matches no feature")
        point = match.geometry.iloc[0]
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [point.x, point.y]},
            "properties": {
                "name": row.name,
                "type": row.type,
                "source": source_key(point.x, point.y),
                "licence": f"ODbL-1.0 (© OpenStreetMap contributors, {OSM_VINTAGE})",
            },
        })  # fmt: skip
    return {"type": "FeatureCollection", "features": features}


def coverage(gemeinden: gpd.GeoDataFrame) -> pd.DataFrame:
    box = gpd.GeoSeries([shapely.box(*EXTRACT_BBOX)], crs=WEB_CRS).to_crs(ANALYSIS_CRS).iloc[0]
    share = gemeinden.geometry.intersection(box).area / gemeinden.geometry.area
    covered = gemeinden[share >= COVERED_SHARE].sort_values(AGS)
    return pd.DataFrame({
        "ags": covered[AGS],
        "name": covered[NAME],
        "region": REGION,
        "curated_on": CURATED_ON,
        "note": [f"{s:.0%} of the area inside the OSM extract" for s in share[covered.index]],
    })  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--data", type=Path, default=ROOT / "datasets")
    args = parser.parse_args(argv)

    decisions = pd.read_csv(
        ROOT / "datasets/curation/goettingen_decisions.csv",
        dtype={"name": str},
        keep_default_na=False,
    )
    gemeinden = read_layer(args.data / GPKG_NAME, LAYER_GEMEINDEN)
    target = args.data / FACILITIES_NAME
    existing = read_facilities(target) if target.exists() else empty_facilities()
    # Rows of this curation that are no longer kept must go; other sources stay untouched.
    existing = existing[~existing["source"].str.startswith(SOURCE_PREFIX)]

    data = json.dumps(kept_features(args.raw, decisions)).encode("utf-8")
    outcome = import_facilities(data, "geojson", existing, gemeinden, origin="goettingen")
    for problem in outcome.problems:
        print(f"problem: {problem}", file=sys.stderr)
    if outcome.dataset is None:
        return 1
    write_csv_atomic(outcome.dataset, target)
    write_csv_atomic(coverage(gemeinden), args.data / COVERAGE_NAME)
    kept = decisions["decision"].eq("keep").sum()
    print(
        f"reviewed {len(decisions)} features, kept {kept}; wrote {len(outcome.dataset)} "
        f"facilities to {target}"
    )
    for a, b, dist in outcome.report.near_duplicates:
        print(f"near-duplicate: {a} and {b} are {dist:.0f} m apart with the same name")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
