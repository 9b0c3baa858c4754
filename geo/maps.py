"""Folium maps built from frames: return HTML parts for a page template, write no files.

Folium normally links Leaflet, jQuery and Bootstrap from CDNs. Our pages load nothing from
other hosts, so every map here is built with the app's own copy of Leaflet and without the
unused plugins. Text that ends up in HTML is escaped here, before folium sees it: folium's
tooltips insert property values with ``innerHTML``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
from jinja2 import Template

from geo.schema import AGS, AREA_KM2, KREIS, NAME, POPULATION

__all__ = [
    "DENSITY_BINS",
    "DENSITY_COLOURS",
    "MapParts",
    "attribution_html",
    "density_class",
    "gemeinden_map",
    "osm_credit",
]

# Residents per km²: class edges and colours (ColorBrewer YlOrRd, colour-blind safe).
DENSITY_BINS: tuple[float, ...] = (0, 50, 100, 150, 250, 500, 1000, 2000)
DENSITY_COLOURS: tuple[str, ...] = (
    "#ffffcc",
    "#ffeda0",
    "#fed976",
    "#feb24c",
    "#fd8d3c",
    "#fc4e2a",
    "#e31a1c",
    "#b10026",
)
NO_DATA_COLOUR = "#cccccc"

NI_BOUNDS = [[51.29, 6.65], [53.90, 11.60]]  # south-west and north-east corner of the state

# Required attribution: BKG asks for a link to bkg.bund.de; dl-de/by-2-0 for BKG and Zensus;
# Eurostat asks to name the Census 2021 grid. OSM (buildings, districts) is credited by the pages.
# Keys into the UI strings (geo.i18n.site) and the link of each part.
ATTRIBUTION_PARTS: tuple[tuple[str, str | None], ...] = (
    ("attr_bkg", "https://www.bkg.bund.de"),
    ("attr_zensus", None),
    ("attr_grid", None),
    ("dl-de/by-2-0", "https://www.govdata.de/dl-de/by-2-0"),
)
OSM_COPYRIGHT_URL = "https://www.openstreetmap.org/copyright"
TOOLTIP_KEYS = ("map_tt_gemeinde", "map_tt_ags", "map_tt_kreis")
TOOLTIP_KEYS += ("map_tt_population", "map_tt_density")


@dataclass(frozen=True)
class MapParts:
    """The three pieces a page template places: ``<head>`` links, body HTML, and script."""

    header: str
    body: str
    script: str
    map_name: str  # the JavaScript variable holding the Leaflet map


_MAP_SETTINGS = """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.setMinZoom(6).setMaxZoom(18);
        {{ this._parent.get_name() }}.attributionControl.setPrefix(false);
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});
        {% endmacro %}"""


def _map_settings(text: str) -> Any:
    """Zoom limits and attribution, which folium only sets for tile layers (a branca element,
    imported with folium on the first map rather than at start-up)."""
    from branca.element import MacroElement

    element = MacroElement()
    element._template = Template(_MAP_SETTINGS)
    element.text = text
    return element


def attribution_html(t: Mapping[str, str], with_osm: bool = False) -> str:
    """Return the attribution in the language of the strings ``t`` as escaped HTML with links.

    ``with_osm`` adds the OpenStreetMap credit of pages that show facilities or Quartiere.
    """
    out = []
    for key, url in ATTRIBUTION_PARTS:
        label = html.escape(t.get(key, key))
        out.append(f'<a href="{html.escape(url)}">{label}</a>' if url else label)
    if with_osm:
        out.append(osm_credit(t["osm_credit"]))
    return " | ".join(out)


def osm_credit(template: str) -> str:
    """An OSM credit line: ``template`` with ``{osm}`` becoming the link to the copyright page."""
    link = f'<a href="{OSM_COPYRIGHT_URL}">OpenStreetMap</a>'
    return html.escape(template).replace("{osm}", link)


def density_class(density_per_km2: np.ndarray) -> np.ndarray:
    """Return the index into `DENSITY_COLOURS` for each density (NaN gives -1)."""
    values = np.asarray(density_per_km2, dtype=float)
    idx = np.searchsorted(np.asarray(DENSITY_BINS[1:]), values, side="right")
    return np.where(np.isnan(values), -1, idx)


def _base_map(
    static_url: Callable[[str], str], tile_url: str, tile_attribution: str, layer_name: str
) -> Any:
    """A Leaflet map of Niedersachsen using the app's own Leaflet; tiles only if configured."""
    # folium takes 0.7 s to import and only /karte uses it: import it there, not at start.
    import folium

    fmap = folium.Map(location=[52.75, 9.2], zoom_start=7, tiles=None, control_scale=True)
    fmap.default_js = [("leaflet", static_url("vendor/leaflet/leaflet.js"))]
    fmap.default_css = [("leaflet_css", static_url("vendor/leaflet/leaflet.css"))]
    if tile_url:
        folium.TileLayer(tiles=tile_url, attr=tile_attribution or " ", name=layer_name).add_to(fmap)
    fmap.fit_bounds(NI_BOUNDS)
    return fmap


def _whole(value: float, t: Mapping[str, str]) -> str:
    """``value`` rounded, with the thousands separator of the UI language."""
    return f"{value:,.0f}".replace(",", t["thousands_sep"])


def _legend_html(title: str, t: Mapping[str, str]) -> str:
    rows = []
    edges = [*DENSITY_BINS, None]
    for colour, lo, hi in zip(DENSITY_COLOURS, edges[:-1], edges[1:], strict=True):
        label = f"{_whole(lo, t)}–{_whole(hi, t)}" if hi else f"≥ {_whole(lo, t)}"
        rows.append(
            f'<li><span class="swatch" style="background:{colour}"></span>{html.escape(label)}</li>'
        )
    return (
        f'<div class="legend" role="group" aria-label="{html.escape(title)}">'
        f"<strong>{html.escape(title)}</strong><ul>{''.join(rows)}</ul></div>"
    )


def gemeinden_map(
    gemeinden_web: gpd.GeoDataFrame,
    static_url: Callable[[str], str],
    t: Mapping[str, str],
    tile_url: str = "",
    tile_attribution: str = "",
) -> MapParts:
    """Build the statewide choropleth of population density.

    Parameters
    ----------
    gemeinden_web : GeoDataFrame
        Display geometry in EPSG:4326 with ``ags``, ``name``, ``kreis``, ``population``,
        ``area_km2``.
    static_url : callable
        Maps a path below the app's ``static/`` folder to its URL.
    t : mapping
        UI strings of the page's language (``geo.i18n.strings``): labels, legend, attribution.
    tile_url, tile_attribution : str
        Optional XYZ tile layer; none by default.

    Returns
    -------
    MapParts
        The map's head links, body and script, for a page template.
    """
    density = gemeinden_web[POPULATION] / gemeinden_web[AREA_KM2]
    cls = density_class(density.to_numpy())
    frame = gpd.GeoDataFrame(
        {
            AGS: gemeinden_web[AGS],
            # Escaped here: folium's tooltip inserts these strings as HTML.
            NAME: gemeinden_web[NAME].map(html.escape),
            KREIS: gemeinden_web[KREIS].map(html.escape),
            "einwohner": gemeinden_web[POPULATION].map(lambda v: _whole(v, t)),
            "dichte": density.map(lambda v: f"{_whole(v, t)} / km²"),
            "fill": [DENSITY_COLOURS[i] if i >= 0 else NO_DATA_COLOUR for i in cls],
        },
        geometry=gemeinden_web.geometry,
        crs=gemeinden_web.crs,
    )
    import folium

    fmap = _base_map(static_url, tile_url, tile_attribution, t["map_layer_background"])
    folium.GeoJson(
        frame.to_json(drop_id=True),
        name=t["map_layer_gemeinden"],
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "color": "#555555",
            "weight": 0.5,
            "fillOpacity": 0.75,
        },
        highlight_function=lambda f: {"weight": 2.5, "color": "#1a1a1a"},
        tooltip=folium.GeoJsonTooltip(
            fields=[NAME, AGS, KREIS, "einwohner", "dichte"],
            aliases=[t[key] for key in TOOLTIP_KEYS],
        ),
        smooth_factor=0.5,
    ).add_to(fmap)
    fmap.add_child(_map_settings(attribution_html(t)))
    fmap.get_root().html.add_child(folium.Element(_legend_html(t["map_legend"], t)))
    return _render_parts(fmap)


def _render_parts(fmap: Any) -> MapParts:
    """Render a folium map into head, body and script strings."""
    root = fmap.get_root()
    root.render()  # renders children into header/html/script
    # folium's viewport tag forbids zooming (WCAG 1.4.4); the page template sets a proper one
    header = re.sub(r"<meta name=\"viewport\"[^>]*>", "", root.header.render())
    return MapParts(
        header=header,
        body=root.html.render(),
        script=root.script.render(),
        map_name=fmap.get_name(),
    )
