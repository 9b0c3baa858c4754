"""HTML pages."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for

from geo.facilities import CATEGORIES, TYPES
from geo.i18n import strings
from geo.maps import attribution_html, gemeinden_map
from geo.schema import AGS, GEMEINDEFREI, KREIS, KREIS_ARS, NAME
from geo.web.basemap import basemap_url
from geo.web.context import cached, datasets
from geo.web.language import current_language

__all__ = ["bp"]

bp = Blueprint("pages", __name__)


def _static(path: str) -> str:
    return url_for("static", filename=path)


# Languages in which counselling is commonly offered in Niedersachsen (ISO 639-1), for the
# filter; labels are endonyms so that speakers recognise their language.
OFFER_LANGUAGES = [
    ("de", "Deutsch"), ("en", "English"), ("tr", "Türkçe"), ("ar", "العربية"),
    ("ru", "Русский"), ("uk", "Українська"), ("pl", "Polski"), ("fa", "فارسی"),
    ("ku", "Kurdî"), ("fr", "Français"), ("es", "Español"), ("ro", "Română"),
]  # fmt: skip


@bp.get("/")
def index() -> str:
    """The resident finder: nearest meeting places and counselling offices."""
    return render_template(
        "finder/index.html",
        categories=CATEGORIES,
        types=list(TYPES.values()),
        offer_languages=_offered_languages(),
        type_counts=cached(
            "type_counts", lambda: datasets().facilities["type"].value_counts().to_dict()
        ),
        # an operator's raster service (NK_TILE_URL) replaces the self-hosted base map
        basemap_url="" if current_app.config["TILE_URL"] else basemap_url(),
        tile_url=current_app.config["TILE_URL"],
        tile_attribution=current_app.config["TILE_ATTRIBUTION"],
        attribution=attribution_html(strings(current_language()), with_osm=True),
    )


def _offered_languages() -> list[tuple[str, str]]:
    """The languages some entry offers (a filter without matches would only disappoint):
    the common ones by their own name first, then any other code as it is."""

    def build() -> list[tuple[str, str]]:
        codes = {
            code
            for value in datasets().facilities["languages"].dropna()
            for code in str(value).split(";")
            if len(code) == 2 and code.isalpha()
        }
        known = [(c, name) for c, name in OFFER_LANGUAGES if c in codes]
        return known + sorted((c, c) for c in codes - {c for c, _ in OFFER_LANGUAGES})

    return cached("offered_languages", build)


@bp.get("/karte")
def density_map() -> str:
    """Statewide map of the Gemeinden by population density, with the facilities."""
    lang = current_language()
    parts = cached(
        f"map:gemeinden:{lang}",
        lambda: gemeinden_map(
            datasets().gemeinden_display,
            _static,
            strings(lang),
            tile_url=current_app.config["TILE_URL"],
            tile_attribution=current_app.config["TILE_ATTRIBUTION"],
        ),
    )
    return render_template("pages/map.html", map=parts, areas=_download_areas())


@bp.get("/planung")
def planner() -> str:
    """The planner view: who lives beyond reach, per Gemeinde and Quartier."""
    english = current_language() == "en"
    categories = [
        (
            key,
            {
                "label": labels[english],
                "types": [
                    (ty.key, ty.label_en if english else ty.label_de)
                    for ty in TYPES.values()
                    if ty.category == key
                ],
            },
        )
        for key, labels in CATEGORIES.items()
    ]
    return render_template(
        "planner/index.html",
        categories=categories,
        areas=_download_areas(),
        tile_url=current_app.config["TILE_URL"],
        tile_attribution=current_app.config["TILE_ATTRIBUTION"],
        attribution=attribution_html(strings(current_language()), with_osm=True),
    )


def _download_areas() -> list[dict[str, str]]:
    """Kreise and Gemeinden by name for the download panel (labels unique: "Gemeinde, Kreis")."""

    def build() -> list[dict[str, str]]:
        gem = datasets().gemeinden
        inhabited = gem[~gem[GEMEINDEFREI]]
        kreise = inhabited.drop_duplicates(KREIS_ARS).sort_values(KREIS)
        out = [{"label": f"Kreis {k}", "param": "kreis", "value": a}
               for k, a in zip(kreise[KREIS], kreise[KREIS_ARS], strict=True)]  # fmt: skip
        for row in inhabited.sort_values([NAME, KREIS]).itertuples():
            label = f"{getattr(row, NAME)} ({getattr(row, KREIS)})"
            out.append({"label": label, "param": "ags", "value": getattr(row, AGS)})
        return out

    return cached("download_areas", build)


@bp.get("/healthz")
def healthz() -> dict[str, object]:
    """Liveness and readiness for deployments: answers once the datasets are loaded."""
    data = datasets()
    return {"status": "ok", "gemeinden": len(data.gemeinden), "cells": len(data.cells)}
