"""The planner's questions: ``GET /api/suggest`` (where k new sites would bring the most
residents within reach) and ``POST /api/whatif`` (what a scenario of added sites and removed
facilities changes). Nothing is stored on the server: a scenario travels in each request."""

from __future__ import annotations

import re

import numpy as np
from flask import Blueprint, Response, request
from pyproj import Transformer

from geo.planning import Selection, analyse, scenario_figures
from geo.schema import ANALYSIS_CRS, WEB_CRS
from geo.siting import CANDIDATE_BLOCK_M, MAX_SITES, suggest_sites
from geo.web import args
from geo.web.context import datasets, lru_cached
from geo.web.errors import ApiError
from geo.web.responses import cached_body, json_response, send_body
from geo.whatif import Change, apply_change

__all__ = ["bp"]

bp = Blueprint("suggest_api", __name__, url_prefix="/api")

_AGS = re.compile(r"[0-9]{8}")
_KREIS = re.compile(r"[0-9]{5}")
CANDIDATE_KINDS = ("cells",)  # populated 100 m cells; public buildings need the OSM POIs
METHOD = (
    "Maximal covering location problem, greedy with lazy evaluation; existing facilities stay. "
    f"Demand: residents of the region beyond reach today (100 m cells with data). Candidates: "
    f"populated 100 m cells with data, one per {CANDIDATE_BLOCK_M:.0f} m block. Checked "
    "against the exact optimum (HiGHS) in bench/suggest.py. Where the data are unchecked "
    "(osm_ungeprueft) a suggestion answers a possible gap."
)


def _region() -> tuple[str, np.ndarray]:
    data = datasets()
    ags, kreis = args.one("ags"), args.one("kreis")
    if ags and kreis:
        raise ApiError(400, "give ags or kreis, not both", "ags")
    if ags:
        grouping, key, name = data.groupings["gemeinde"], ags, "ags"
        pattern = _AGS
    elif kreis:
        grouping, key, name = data.groupings["kreis"], kreis, "kreis"
        pattern = _KREIS
    else:
        return "niedersachsen", np.ones(len(data.cells), dtype=bool)
    if not pattern.fullmatch(key) or key not in set(grouping.keys):
        raise ApiError(400, f"{name}: no inhabited unit with this key", name)
    return f"{name}:{key}", grouping.codes == int(np.flatnonzero(grouping.keys == key)[0])


@bp.get("/suggest")
def suggest() -> Response:
    """Up to ``k`` (1–10) new sites for ``ags``, ``kreis`` or the state and a selection."""
    selection = Selection.parse(args.one("category"), args.one("type"), args.one("threshold_m"))
    k = args.whole("k", 1, MAX_SITES, 3)
    args.choice("candidates", CANDIDATE_KINDS, "cells")
    label, region = _region()

    def build() -> dict:
        analysis = lru_cached(("analysis", selection), lambda: analyse(datasets(), selection))
        sites = suggest_sites(analysis, region, k)
        records = [
            {key: None if isinstance(v, float) and np.isnan(v) else v for key, v in r.items()}
            for r in sites.to_dict(orient="records")
        ]
        parameters = {**selection.as_dict(), "region": label, "k": k, "candidates": "cells"}
        return {"parameters": parameters, "method": METHOD, "sites": records}

    body = cached_body(("suggest", selection, label, k), build)
    return send_body(body)


MAX_BODY_BYTES = 65_536
MAX_ADDED = 50
MAX_REMOVED = 500
_FACILITY_ID = re.compile(r"f[0-9a-f]{12}")
NI_BOX = ((6.5, 11.7), (51.2, 54.0))  # lon, lat: a site must lie in or near the state


def _scenario_body() -> dict:
    """The JSON body, bounded before it is parsed and checked key by key."""
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise ApiError(413, f"body over {MAX_BODY_BYTES:,} bytes", "body")
    if not request.is_json:
        raise ApiError(415, "send the scenario as application/json", "body")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "body: expected a JSON object with add and remove", "body")
    unknown = set(body) - {"category", "type", "threshold_m", "add", "remove"}
    if unknown:
        raise ApiError(400, f"body: unknown keys {sorted(unknown)[:5]}", "body")
    return body


def _added(body: dict) -> np.ndarray:
    items = body.get("add", [])
    if not isinstance(items, list) or len(items) > MAX_ADDED:
        raise ApiError(400, f"add: a list of at most {MAX_ADDED} {{lat, lon}} objects", "add")
    points = []
    for n, item in enumerate(items):
        ok = isinstance(item, dict) and all(
            isinstance(item.get(k), int | float) and not isinstance(item.get(k), bool)
            and np.isfinite(item.get(k)) for k in ("lat", "lon")
        )  # fmt: skip
        if not ok or not (NI_BOX[0][0] <= item["lon"] <= NI_BOX[0][1]
                          and NI_BOX[1][0] <= item["lat"] <= NI_BOX[1][1]):  # fmt: skip
            raise ApiError(400, f"add[{n}]: lat and lon in Niedersachsen, as numbers", "add")
        points.append((item["lon"], item["lat"]))
    if not points:
        return np.zeros((0, 2))
    lon, lat = np.array(points).T
    x, y = Transformer.from_crs(WEB_CRS, ANALYSIS_CRS, always_xy=True).transform(lon, lat)
    return np.column_stack([x, y])


def _removed(body: dict, ids: np.ndarray) -> np.ndarray:
    items = body.get("remove", [])
    if not isinstance(items, list) or len(items) > MAX_REMOVED:
        raise ApiError(400, f"remove: a list of at most {MAX_REMOVED} facility ids", "remove")
    known = set(ids)
    for n, item in enumerate(items):
        if not isinstance(item, str) or not _FACILITY_ID.fullmatch(item) or item not in known:
            raise ApiError(400, f"remove[{n}]: not the id of a facility of this selection",
                           "remove")  # fmt: skip
    return np.isin(ids, items)


@bp.post("/whatif")
def whatif() -> Response:
    """A scenario's changed figures: ``{"category", "type", "threshold_m", "add": [{lat, lon}],
    "remove": [facility id]}`` → the Gemeinden and Quartiere whose figures change."""
    body = _scenario_body()
    text = {k: body.get(k) for k in ("category", "type", "threshold_m")}
    if not all(v is None or isinstance(v, str | int | float) for v in text.values()):
        raise ApiError(400, "category, type and threshold_m: text or a number", "body")
    selection = Selection.parse(*(None if v is None else str(v) for v in text.values()))
    data = datasets()
    analysis = lru_cached(("analysis", selection), lambda: analyse(data, selection))
    facilities = selection.facilities(data.facilities)
    supply = np.column_stack([facilities.geometry.x, facilities.geometry.y])
    change = Change(added_xy=_added(body), removed=_removed(body, facilities["id"].to_numpy()))
    result = scenario_figures(analysis, apply_change(
        data.demand, analysis.coverage, supply, change, selection.category))  # fmt: skip
    return json_response({"parameters": selection.as_dict(), **result})
