"""Downloads for one Gemeinde, one Kreis or the whole state: facilities, Quartier coverage and
Gemeinde statistics as GeoJSON, CSV (excel-de or rfc4180) or GeoPackage (`geo.exports`).

Every parameter is checked against a fixed list or pattern before use and the file name is
built from checked values only: no path or name from the request reaches the file system.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import geopandas as gpd
import pandas as pd
from flask import Blueprint, Response

from geo.exports import CSV_DIALECTS, FORMATS, ExportMetadata, to_csv, to_geojson, to_geopackage
from geo.planning import Selection, analyse, quartier_figures, unit_table
from geo.query import FacilityFilter, facility_properties, select_facilities
from geo.schema import (
    AGS,
    AREA_KM2,
    BEZ,
    KREIS,
    KREIS_ARS,
    NAME,
    QUARTIER_ID,
    WEB_CRS,
)
from geo.sources import sources_for
from geo.tiers import TIERS
from geo.web import args
from geo.web.context import datasets, lru_cached
from geo.web.errors import ApiError

__all__ = ["DATA", "bp", "export_response"]

bp = Blueprint("export_api", __name__, url_prefix="/api")

DATA = ("facilities", "quartiere", "gemeinden")
MEDIA = {"geojson": "application/geo+json", "csv": "text/csv; charset=utf-8",
         "gpkg": "application/geopackage+sqlite3"}  # fmt: skip
_AGS = re.compile(r"[0-9]{8}")
_KREIS = re.compile(r"[0-9]{5}")
FACILITY_EXPORT = ["name", "category", "type", "type_label_de", "operator", "street",
                   "housenumber", "postcode", "city", "ags", "lat", "lon", "opening_hours",
                   "wheelchair", "languages", "target_groups", "website", "phone", "email",
                   "source", "licence", "last_verified"]  # fmt: skip
COVERAGE_EXPORT = ["status", "tier", "residents", "residents_with_data", "beyond",
                   "beyond_share", "u15", "u15_beyond", "a65plus", "a65plus_beyond",
                   "mean_distance_m", "median_distance_m", "access_per_10k",
                   "uncertain_residents", "unverified_residents"]  # fmt: skip
GEMEINDE_EXPORT = ["key", "name", BEZ, KREIS, AREA_KM2, *COVERAGE_EXPORT]
QUARTIER_EXPORT = [QUARTIER_ID, "name", "kind", "gemeinde", "ags", *COVERAGE_EXPORT]


def _scope() -> tuple[str, str, set[str]]:
    """(label for the file name, description, AGS in scope) from ``ags`` or ``kreis``."""
    gemeinden = datasets().gemeinden
    ags, kreis = args.one("ags"), args.one("kreis")
    if ags and kreis:
        raise ApiError(400, "give ags or kreis, not both", "ags")
    if ags:
        if not _AGS.fullmatch(ags) or ags not in set(gemeinden[AGS]):
            raise ApiError(400, "ags: not the key of a Gemeinde in Niedersachsen", "ags")
        name = gemeinden.set_index(AGS).loc[ags, NAME]
        return f"gemeinde-{ags}", f"Gemeinde {name} ({ags})", {ags}
    if kreis:
        if not _KREIS.fullmatch(kreis) or kreis not in set(gemeinden[KREIS_ARS]):
            raise ApiError(400, "kreis: not the key of a Kreis in Niedersachsen", "kreis")
        members = gemeinden[gemeinden[KREIS_ARS] == kreis]
        return f"kreis-{kreis}", f"Kreis {members[KREIS].iloc[0]} ({kreis})", set(members[AGS])
    return "niedersachsen", "Niedersachsen", set(gemeinden[AGS])


def _weakest(tiers: pd.Series) -> str:
    present = set(tiers.dropna())
    with_data = present - {TIERS[0]}
    return next((t for t in TIERS if t in with_data), TIERS[0])


def _facilities(in_scope: set[str]) -> tuple[gpd.GeoDataFrame, list[str], str, str, list]:
    data = datasets()
    frame = facility_properties(select_facilities(data.facilities, FacilityFilter()))
    frame = frame[frame["ags"].isin(in_scope)]
    tiers = data.tiers[data.tiers["ags"].isin(in_scope)]
    tier = ", ".join(f"{c}: {_weakest(tiers.loc[tiers['category'] == c, 'tier'])}"
                     for c in ("treffpunkt", "beratung"))  # fmt: skip
    return frame, FACILITY_EXPORT, "id", tier, sources_for("facilities")


def _coverage(
    what: str, in_scope: set[str], selection: Selection
) -> tuple[gpd.GeoDataFrame, list[str], str, str, list]:
    data = datasets()
    analysis = lru_cached(("analysis", selection), lambda: analyse(data, selection))
    if what == "gemeinden":
        table = unit_table(analysis, "gemeinde")
        extra = data.gemeinden.set_index(AGS)[[BEZ, AREA_KM2]]
        table = table.join(extra, on="key")
        table = table[table["key"].isin(in_scope)]
        shapes = data.gemeinden.set_index(AGS).geometry
        frame = gpd.GeoDataFrame(table, geometry=shapes.reindex(table["key"]).to_numpy(),
                                 crs=data.gemeinden.crs)  # fmt: skip
        columns, id_column = GEMEINDE_EXPORT, "key"
    else:
        figures = quartier_figures(analysis)
        figures = figures[figures[AGS].isin(in_scope)]
        names = data.gemeinden.set_index(AGS)[NAME]
        figures = figures.assign(gemeinde=figures[AGS].map(names))
        shapes = data.quartiere.set_index(QUARTIER_ID).geometry
        frame = gpd.GeoDataFrame(figures, geometry=shapes.reindex(figures[QUARTIER_ID]).to_numpy(),
                                 crs=data.quartiere.crs)  # fmt: skip
        columns, id_column = QUARTIER_EXPORT, QUARTIER_ID
    sources = sources_for("population", "grid", "buildings", "boundaries", "quartiere",
                          "facilities")  # fmt: skip
    return frame, columns, id_column, _weakest(frame["tier"]), sources


def export_response(
    frame: gpd.GeoDataFrame | pd.DataFrame, columns: list[str], id_column: str,
    meta: ExportMetadata, fmt: str, dialect: str, name: str, layer: str,
) -> Response:  # fmt: skip
    """The download of ``frame`` in ``fmt`` named ``name`` (built from checked values)."""
    if fmt == "csv":
        body, ext = to_csv(frame, columns, meta, dialect), "csv"
    elif fmt == "geojson":
        body, ext = to_geojson(frame.to_crs(WEB_CRS), columns, meta, id_column), "geojson"
    else:  # GeoPackage keeps the analysis CRS (ETRS89 / UTM 32N), as German GIS expect
        body, ext = to_geopackage(frame, columns, meta, layer), "gpkg"
    response = Response(body, mimetype=MEDIA[fmt].split(";")[0])
    if fmt == "csv":
        response.headers["Content-Type"] = MEDIA["csv"]
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{ext}"'
    return response


@bp.get("/export")
def export() -> Response:
    """``data`` (facilities, quartiere, gemeinden) for ``ags``, ``kreis`` or the state, as
    ``format`` (geojson, csv, gpkg) and ``dialect`` (excel-de, rfc4180)."""
    what = args.choice("data", DATA, "facilities")
    fmt = args.choice("format", FORMATS, "geojson")
    dialect = args.choice("dialect", CSV_DIALECTS, "rfc4180")
    label, description, in_scope = _scope()
    parameters: dict[str, object] = {"data": what, "scope": description}
    if what == "facilities":
        frame, columns, id_column, tier, sources = _facilities(in_scope)
    else:
        category, type_ = args.one("category"), args.one("type")
        if not category and not type_:
            category = "treffpunkt"  # the default of the planner
        selection = Selection.parse(category, type_, args.one("threshold_m"))
        parameters.update(selection.as_dict())
        frame, columns, id_column, tier, sources = _coverage(what, in_scope, selection)
    meta = ExportMetadata(
        title=f"Nachbarschaftskarte Niedersachsen – {what}, {description}",
        sources=sources, tier=tier, parameters=parameters,
        created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )  # fmt: skip
    return export_response(frame, columns, id_column, meta, fmt, dialect,
                           f"nachbarschaftskarte_{what}_{label}", what)  # fmt: skip
