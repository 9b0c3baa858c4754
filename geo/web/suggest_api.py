"""``GET /api/suggest``: where k new sites would bring the most residents within reach."""

from __future__ import annotations

import re

import numpy as np
from flask import Blueprint, Response

from geo.planning import Selection, analyse
from geo.siting import CANDIDATE_BLOCK_M, MAX_SITES, suggest_sites
from geo.web import args
from geo.web.context import datasets, lru_cached
from geo.web.errors import ApiError
from geo.web.responses import cached_body, send_body

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
