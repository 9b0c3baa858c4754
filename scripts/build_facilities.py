"""Build the facilities and their data tiers into datasets/ from the raw OSM extracts.

Usage: python scripts/build_facilities.py [--raw DIR] [--data DIR]

Two sources, each with a committed decision log (kept as which type, or left out and why):

- the Göttingen pilot (OSM 2026), reviewed by hand: ``datasets/curation/goettingen_decisions.csv``;
- the statewide OSM extract (2021), decided by the rules of `geo.curation` plus the reviewed
  ``datasets/curation/osm2021_exceptions.csv``; this script writes the log
  ``datasets/curation/osm2021_decisions.csv``.

The kept features go through the same import path as every municipal list (validation, merge
by ``source``, atomic write). The script also writes ``datasets/data_tiers.csv`` (per Gemeinde
and category: ``geprueft`` for the pilot, ``osm_ungeprueft`` for meeting places elsewhere) and
the counts per Kreis and type into ``datasets/README.md``.
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
    FACILITIES_NAME,
    GPKG_NAME,
    TIERS_NAME,
    edge_fingerprints,
    load_datasets,
    read_facilities,
    read_layer,
    write_csv_atomic,
)
from geo.edges import write_edges  # noqa: E402
from geo.facilities import TYPES, empty_facilities  # noqa: E402
from geo.importers import import_facilities  # noqa: E402
from geo.schema import (  # noqa: E402
    AGS,
    ANALYSIS_CRS,
    GEMEINDEFREI,
    KREIS,
    KREIS_ARS,
    LAYER_GEMEINDEN,
    WEB_CRS,
)
from geo.tiers import TIER_COLUMNS, UNVERIFIED, VERIFIED  # noqa: E402
from scripts import curate_osm2021 as osm2021  # noqa: E402

EXTRACT_BBOX = osm2021.PILOT_BBOX  # lon/lat extent of the Göttingen OSM extract
COVERED_SHARE = 0.95  # a Gemeinde counts as covered when this share of it is in the extract
SOURCE_PREFIX = "osm-vectortile:"  # OpenMapTiles features carry no OSM ids: named by position
PILOT_REGION = "Göttingen-Pilot: OSM 2026, jede Zeile von Hand geprüft"
OSM2021_REGION = "OpenStreetMap 2021 (Geofabrik-Auszug vom 2021-08-06), nach Regeln ausgewählt"
CURATED_ON = "2026-11-25"
OSM2021_AS_OF = "2021-08-06"
OSM_VINTAGE = "OSM as of 2026-08"
CURATION = ROOT / "datasets" / "curation"
COUNTS_START, COUNTS_END = "<!-- counts:start -->", "<!-- counts:end -->"


def source_key(lon: float, lat: float) -> str:
    return f"{SOURCE_PREFIX}{lon:.5f},{lat:.5f}"


def kept_features(raw: Path, decisions: pd.DataFrame) -> dict:
    """GeoJSON of the kept pilot features, positions and names from the raw extract."""
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


def pilot_gemeinden(gemeinden: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Inhabited Gemeinden whose area lies (almost) wholly inside the pilot extract."""
    box = gpd.GeoSeries([shapely.box(*EXTRACT_BBOX)], crs=WEB_CRS).to_crs(ANALYSIS_CRS).iloc[0]
    share = gemeinden.geometry.intersection(box).area / gemeinden.geometry.area
    covered = gemeinden[(share >= COVERED_SHARE) & ~gemeinden[GEMEINDEFREI]]
    return covered.assign(share=share[covered.index]).sort_values(AGS)


def tier_table(gemeinden: gpd.GeoDataFrame) -> pd.DataFrame:
    """The tier of every (inhabited Gemeinde, category) that has data; see `geo.tiers`."""
    pilot_share = pilot_gemeinden(gemeinden).set_index(AGS)["share"]
    inhabited = gemeinden[~gemeinden[GEMEINDEFREI]].sort_values(AGS)
    rows = []
    for g in inhabited.itertuples():
        if g.ags in pilot_share.index:
            note = f"{pilot_share[g.ags]:.0%} der Fläche im Pilot-Auszug"
            for category in ("treffpunkt", "beratung"):
                rows.append((g.ags, g.name, category, VERIFIED, PILOT_REGION, CURATED_ON, note))
        else:
            rows.append((
                g.ags, g.name, "treffpunkt", UNVERIFIED, OSM2021_REGION, OSM2021_AS_OF,
                "Vollständigkeit nicht geprüft",
            ))  # fmt: skip
    return pd.DataFrame(rows, columns=TIER_COLUMNS)


def counts_markdown(facilities: pd.DataFrame, gemeinden: gpd.GeoDataFrame) -> str:
    """Facilities per Kreis and per type as Markdown tables (for datasets/README.md)."""
    kreise = gemeinden.drop_duplicates(KREIS_ARS).set_index(KREIS_ARS)[KREIS]
    fac = facilities.assign(kreis_ars=facilities["ags"].str[:5])
    per_kreis = fac.groupby(["kreis_ars", "category"]).size().unstack(fill_value=0)
    per_kreis = per_kreis.reindex(kreise.index, fill_value=0)
    per_kreis = per_kreis.reindex(columns=["treffpunkt", "beratung"], fill_value=0)
    gem = fac[fac["category"] == "treffpunkt"].groupby("kreis_ars")["ags"].nunique()
    lines = [
        f"{len(facilities):,} facilities: {int((fac['category'] == 'treffpunkt').sum()):,} "
        f"meeting places in {fac.loc[fac['category'] == 'treffpunkt', 'ags'].nunique()} "
        f"Gemeinden, {int((fac['category'] == 'beratung').sum()):,} counselling offices.",
        "",
        "| Kreis | key | meeting places | Gemeinden with one | counselling |",
        "|---|---|---:|---:|---:|",
    ]
    for key, row in per_kreis.iterrows():
        lines.append(
            f"| {kreise[key]} | {key} | {row['treffpunkt']} | {int(gem.get(key, 0))} "
            f"| {row['beratung']} |"
        )
    lines += ["", "| type | label | count |", "|---|---|---:|"]
    per_type = fac["type"].value_counts()
    for key, t in TYPES.items():
        lines.append(f"| {key} | {t.label_de} | {int(per_type.get(key, 0))} |")
    return "\n".join(lines)


def write_counts(readme: Path, text: str) -> None:
    """Replace the counts section of ``readme`` between its markers."""
    content = readme.read_text(encoding="utf-8")
    start, end = content.index(COUNTS_START), content.index(COUNTS_END)
    new = content[: start + len(COUNTS_START)] + "\n" + text + "\n" + content[end:]
    if new != content:
        readme.write_text(new, encoding="utf-8")


def _read_decisions(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"name": str}, keep_default_na=False)


def statewide_decisions(raw: Path, gemeinden: gpd.GeoDataFrame) -> pd.DataFrame:
    """The logged decision for every candidate of the statewide 2021 extract."""
    candidates = osm2021.read_candidates(raw / "osm_niedersachsen_2021/pois.gpkg")
    exceptions_path = CURATION / "osm2021_exceptions.csv"
    return osm2021.decide(
        osm2021.points_frame(candidates.drop(columns="geometry")),
        gemeinden,
        osm2021.bremen_outline(raw / "boundaries/vg250_gem_20220515_simplified_de.zip"),
        osm2021.read_exceptions(exceptions_path),
        exceptions_path,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--data", type=Path, default=ROOT / "datasets")
    args = parser.parse_args(argv)

    gemeinden = read_layer(args.data / GPKG_NAME, LAYER_GEMEINDEN)
    target = args.data / FACILITIES_NAME
    existing = read_facilities(target) if target.exists() else empty_facilities()
    # Rows of these curations are rebuilt whole; other sources (municipal imports) stay.
    ours = existing["source"].str.startswith((SOURCE_PREFIX, osm2021.SOURCE_PREFIX))
    existing = existing[~ours]

    pilot = _read_decisions(CURATION / "goettingen_decisions.csv")
    try:
        statewide = statewide_decisions(args.raw, gemeinden)
    except (osm2021.CurationError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    collection = kept_features(args.raw, pilot)
    collection["features"] += osm2021.kept_geojson(statewide)["features"]
    data = json.dumps(collection).encode("utf-8")
    outcome = import_facilities(data, "geojson", existing, gemeinden, origin="curation")
    for problem in outcome.problems:
        print(f"problem: {problem}", file=sys.stderr)
    if outcome.dataset is None:
        return 1
    write_csv_atomic(outcome.dataset, target)
    write_csv_atomic(statewide, args.data / "curation" / "osm2021_decisions.csv")
    write_csv_atomic(tier_table(gemeinden), args.data / TIERS_NAME)
    # the edges of the areas with data, measured once here instead of at every start-up
    data = load_datasets(args.data)
    write_edges(args.data, data.demand.edges_m, *edge_fingerprints(data.cells, data.tiers))
    readme = args.data / "README.md"
    if readme.is_file() and COUNTS_START in readme.read_text(encoding="utf-8"):
        write_counts(readme, counts_markdown(outcome.dataset, gemeinden))
    print(
        f"pilot: reviewed {len(pilot)}, kept {int(pilot['decision'].eq('keep').sum())}; "
        f"OSM 2021: {len(statewide)} candidates, kept "
        f"{int(statewide['decision'].eq('keep').sum())}; wrote {len(outcome.dataset)} "
        f"facilities to {target}"
    )
    for a, b, dist in outcome.report.near_duplicates:
        print(f"near-duplicate: {a} and {b} are {dist:.0f} m apart with the same name")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
