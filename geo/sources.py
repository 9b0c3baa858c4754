"""Sources, vintages, licences and attribution of the served data: one list for every export.

Mirrors the table in datasets/README.md; every API collection carries the entries it uses.
"""

from __future__ import annotations

__all__ = ["SOURCES", "provenance", "sources_for"]

SOURCES: dict[str, dict[str, str]] = {
    "population": {
        "data": "Einwohner je Gemeinde",
        "source": "Zensus 2022, Statistische Ämter des Bundes und der Länder",
        "vintage": "2022-05-15",
        "licence": "dl-de/by-2-0",
    },
    "grid": {
        "data": "1-km-Bevölkerungsraster mit Altersgruppen (unter 15, 15-64, 65 und älter)",
        "source": "Zensus 2022, Statistische Ämter des Bundes und der Länder; © European "
        "Union, Eurostat, Census 2021 population grid (auf die Gemeindesummen skaliert)",
        "vintage": "2022-05-15",
        "licence": "dl-de/by-2-0; Eurostat: Weiterverwendung mit Quellenangabe",
    },
    "buildings": {
        "data": "Gebäudegrundflächen je 100-m-Zelle (Verteilung der Einwohner auf 100 m)",
        "source": "© OpenStreetMap-Mitwirkende (OpenMapTiles-Schema)",
        "vintage": "OSM 2021-08",
        "licence": "ODbL-1.0",
    },
    "quartiere": {
        "data": "Quartiere: Stadtbezirke Braunschweig, Stadtteile Oldenburg, Stadt- und "
        "Ortsteile aus OSM-Verwaltungsgrenzen (Ebene 9/10) und Ortsnamen",
        "source": "© OpenStreetMap-Mitwirkende",
        "vintage": "OSM 2016-2023 (Dateien), OSM 2021-08 (Grenzen, Ortsnamen)",
        "licence": "ODbL-1.0",
    },
    "boundaries": {
        "data": "Gemeindegrenzen",
        "source": "© GeoBasis-DE / BKG 2016, 2022 (Daten verändert)",
        "vintage": "2016/2022",
        "licence": "dl-de/by-2-0",
    },
    "facilities": {
        "data": "Einrichtungen",
        "source": "© OpenStreetMap-Mitwirkende: landesweit OSM 2021 nach Regeln ausgewählt "
        "(ungeprüft), Göttingen-Pilot OSM 2026 von Hand geprüft; kommunale Listen je Zeile",
        "vintage": "OSM 2021-08 (landesweit), OSM 2026-08 (Göttingen)",
        "licence": "ODbL-1.0 (je Zeile in licence)",
    },
    "places": {
        "data": "Ortsnamen",
        "source": "© OpenStreetMap-Mitwirkende (OpenMapTiles)",
        "vintage": "OSM 2026-08",
        "licence": "ODbL-1.0",
    },
}


def sources_for(*topics: str) -> list[dict[str, str]]:
    """The source entries of ``topics`` (keys of `SOURCES`), in that order."""
    return [SOURCES[t] for t in topics]


# Facility rows name their origin in ``source``: its prefix says which dataset and vintage.
_ROW_ORIGINS: tuple[tuple[str, str, str, str], ...] = (
    # prefix, label (de), label (en), vintage
    ("osm-vectortile-2021:", "OpenStreetMap", "OpenStreetMap", "2021-08"),
    ("osm-vectortile:", "OpenStreetMap (Göttingen-Pilot)", "OpenStreetMap (Göttingen pilot)",
     "2026-08"),
    ("osm:", "OpenStreetMap (Import)", "OpenStreetMap (import)", ""),
)  # fmt: skip


def provenance(source: str, last_verified: str = "") -> dict[str, str]:
    """Where a facility row comes from and how old it is, for the finder's contact card.

    Returns ``source_label_de``, ``source_label_en`` and ``vintage`` (``YYYY-MM`` or an ISO
    date; the row's ``last_verified`` date wins when someone checked it).

    >>> provenance("osm-vectortile-2021:9.93000,51.53000")["vintage"]
    '2021-08'
    """
    for prefix, de, en, vintage in _ROW_ORIGINS:
        if source.startswith(prefix):
            return {"source_label_de": de, "source_label_en": en,
                    "vintage": last_verified or vintage}  # fmt: skip
    return {"source_label_de": "Liste der Kommune", "source_label_en": "municipal list",
            "vintage": last_verified}  # fmt: skip
