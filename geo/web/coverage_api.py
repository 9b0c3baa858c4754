"""Coverage API: per Gemeinde/Kreis (JSON or CSV) and per Quartier of one Gemeinde (GeoJSON/CSV)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import geopandas as gpd
import numpy as np
import pandas as pd
from flask import Blueprint, Response

from geo.exports import CSV_DIALECTS, ExportMetadata, to_csv, whole_residents
from geo.geojson import GEOJSON_MIME, feature_collection, plain
from geo.params import shown
from geo.planning import (
    LEVELS,
    Analysis,
    Selection,
    analyse,
    method_parameters,
    quartier_figures,
    quartier_table,
    selection_histogram,
    top_quartiere,
    unit_shapes,
    unit_table,
)
from geo.schema import AGS, QUARTIER_ID
from geo.sources import sources_for
from geo.tiers import TIERS
from geo.web import args
from geo.web.context import datasets, lru_cached
from geo.web.errors import ApiError
from geo.web.responses import cached_body, send_body

__all__ = ["SOURCES", "bp"]

bp = Blueprint("coverage_api", __name__, url_prefix="/api/coverage")

AGS_PATTERN = re.compile(r"[0-9]{8}")
SOURCES = sources_for("population", "grid", "buildings", "boundaries", "quartiere", "facilities")
UNIT_COLUMNS = [
    "key", "name", "kreis", "status", "tier", "unverified_residents", "residents",
    "residents_with_data", "beyond", "beyond_share", "u15", "u15_beyond", "u15_beyond_share",
    "a65plus", "a65plus_beyond",
    "a65plus_beyond_share", "mean_distance_m", "median_distance_m", "access_per_10k",
    "uncertain_residents",
]  # fmt: skip
QUARTIER_COLUMNS = [QUARTIER_ID, "name", "kind", *UNIT_COLUMNS[3:]]
# TIER_NOTE travels with every response: a gap in unchecked data is a possible gap
TIER_NOTE = (
    "tier per unit: geprueft = curated and declared complete; osm_ungeprueft = from "
    "OpenStreetMap (2021) without a completeness check, so residents 'beyond' reach may have "
    "an unmapped facility nearby (a possible gap, not a proven one); keine_daten = no figures"
)
TOP_COLUMNS = [QUARTIER_ID, "name", "ags", "gemeinde", "kind", *UNIT_COLUMNS[3:]]
MAX_LIMIT = 500


def _selection() -> Selection:
    return Selection.parse(args.one("category"), args.one("type"), args.one("threshold_m"))


def _format(allowed: tuple[str, ...]) -> str:
    return args.choice("format", allowed, allowed[0])


def _analysis(selection: Selection) -> Analysis:
    return lru_cached(("analysis", selection), lambda: analyse(datasets(), selection))


def _rounded(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A copy with residents as whole numbers, shares to 4 decimals and metres to 1: no
    false precision."""
    out = frame.copy()
    for col in frame[columns].select_dtypes("number").columns:
        out[col] = frame[col].round(4 if col.endswith("share") else 1)
    return whole_residents(out)


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    rows = _rounded(frame, columns)[columns].to_dict(orient="records")
    return [{k: plain(v) for k, v in row.items()} for row in rows]


def _csv(frame: pd.DataFrame, columns: list[str], selection: Selection, name: str) -> Response:
    """A CSV download (``dialect`` rfc4180 by default, excel-de for the pages) with the
    sources, tier and parameters in its leading metadata lines (`geo.exports`)."""
    dialect = args.choice("dialect", CSV_DIALECTS, "rfc4180")
    out = _rounded(frame, columns)[columns]
    meta = ExportMetadata(
        title=f"Nachbarschaftskarte Niedersachsen – {name}",
        sources=SOURCES,
        tier=_weakest_tier(frame["tier"]) if "tier" in frame.columns else "",
        parameters=selection.as_dict(),
        created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    response = Response(to_csv(out, columns, meta, dialect), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _meta(selection: Selection, **extra: object) -> dict:
    return {
        "parameters": {**selection.as_dict(), **extra},
        "method": method_parameters(),
        "tiers": TIER_NOTE,
        "sources": SOURCES,
    }


def _weakest_tier(tiers: pd.Series) -> str:
    """The weakest tier present: the whole summary is only as checked as its weakest part."""
    present = set(tiers)
    return next((t for t in TIERS if t in present), TIERS[0])


def _units(selection: Selection, level: str) -> pd.DataFrame:
    analysis = _analysis(selection)
    return lru_cached(("units", selection, level), lambda: unit_table(analysis, level))


def _quartier_figures(selection: Selection) -> pd.DataFrame:
    analysis = _analysis(selection)
    return lru_cached(("quartier_figures", selection), lambda: quartier_figures(analysis))


@bp.get("")
def coverage() -> Response:
    """Residents beyond reach per Gemeinde (default) or Kreis, for a category or type.

    JSON and GeoJSON answers are serialised once per selection and sent with an ETag, a
    Cache-Control lifetime and gzip (`geo.web.responses.send_body`).
    """
    selection = _selection()
    level = args.choice("level", LEVELS, "gemeinde")
    fmt = _format(("json", "csv", "geojson"))
    if fmt == "csv":
        return _csv(_units(selection, level), UNIT_COLUMNS, selection, f"erreichbarkeit_{level}")
    if fmt == "geojson":
        body = cached_body(("coverage_geojson", selection, level),
                           lambda: _coverage_collection(selection, level))  # fmt: skip
        response = send_body(body, GEOJSON_MIME)
        response.headers["Content-Disposition"] = (
            f'attachment; filename="erreichbarkeit_{level}.geojson"'
        )
        return response
    body = cached_body(("coverage_json", selection, level),
                       lambda: _coverage_body(selection, level))  # fmt: skip
    return send_body(body)


def _coverage_collection(selection: Selection, level: str) -> dict:
    table = _units(selection, level)
    shapes = lru_cached(("unit_shapes", level), lambda: unit_shapes(datasets(), level))
    frame = gpd.GeoDataFrame(
        _rounded(table, UNIT_COLUMNS).merge(shapes, on="key"), geometry="geometry", crs=shapes.crs
    )
    collection = feature_collection(frame, UNIT_COLUMNS, id_column="key")
    collection.update(_meta(selection, level=level))
    return collection


def _coverage_body(selection: Selection, level: str) -> dict:
    """The JSON body of `coverage`: summary, histogram and one record per unit."""
    table = _units(selection, level)
    with_data = table[table["status"] != "keine_daten"]
    summary = {
        "residents_with_data": float(with_data["residents_with_data"].sum()),
        "beyond": float(np.nansum(with_data["beyond"])),
        "units_with_data": len(with_data),
        "units": len(table),
        "unverified_residents": float(with_data["unverified_residents"].sum()),
        "tier": _weakest_tier(with_data["tier"]),
    }
    return {
        **_meta(selection, level=level),
        "summary": summary,
        "histogram": selection_histogram(_analysis(selection)),
        "units": _records(table, UNIT_COLUMNS),
    }


@bp.get("/<ags>/quartiere")
def quartiere(ags: str) -> Response:
    """The Quartiere of one Gemeinde with their coverage, as GeoJSON (or CSV)."""
    if not AGS_PATTERN.fullmatch(ags):
        raise ApiError(400, f"{shown(ags)} is not an AGS: expected 8 digits, e.g. 03159016", "ags")
    if ags not in set(datasets().gemeinden[AGS]):
        raise ApiError(404, f"no Gemeinde with AGS {ags} in Niedersachsen", "ags")
    selection = _selection()
    fmt = _format(("geojson", "csv"))
    if fmt == "csv":
        table = quartier_table(_analysis(selection), ags, _quartier_figures(selection))
        return _csv(table, QUARTIER_COLUMNS, selection, f"erreichbarkeit_quartiere_{ags}")
    body = cached_body(("quartiere_geojson", selection, ags),
                       lambda: _quartiere_collection(selection, ags))  # fmt: skip
    return send_body(body, GEOJSON_MIME)


def _quartiere_collection(selection: Selection, ags: str) -> dict:
    analysis = _analysis(selection)
    table = quartier_table(analysis, ags, _quartier_figures(selection))
    collection = feature_collection(
        _rounded(table, QUARTIER_COLUMNS), QUARTIER_COLUMNS, id_column=QUARTIER_ID
    )
    collection.update(_meta(selection, ags=ags))
    collection["histogram"] = selection_histogram(analysis, ags)
    return collection


@bp.get("/quartiere")
def top() -> Response:
    """The most underserved Quartiere of all Gemeinden with data (``limit``, default 25)."""
    selection = _selection()
    fmt = _format(("geojson", "csv"))
    limit = args.whole("limit", 1, MAX_LIMIT, 25)
    if fmt == "csv":
        return _csv(_top(selection, limit), TOP_COLUMNS, selection, "erreichbarkeit_quartiere")
    body = cached_body(("top_geojson", selection, limit),
                       lambda: _top_collection(selection, limit))  # fmt: skip
    return send_body(body, GEOJSON_MIME)


def _top(selection: Selection, limit: int) -> pd.DataFrame:
    analysis = _analysis(selection)
    return top_quartiere(analysis, limit, _quartier_figures(selection))


def _top_collection(selection: Selection, limit: int) -> dict:
    table = _top(selection, limit)
    collection = feature_collection(
        _rounded(table, TOP_COLUMNS), TOP_COLUMNS, id_column=QUARTIER_ID
    )
    collection.update(_meta(selection, limit=limit))
    return collection
