"""Sources, vintages, licences and attribution of the served data: one list for every export.

Mirrors the table in datasets/README.md; every API collection carries the entries it uses.
"""

from __future__ import annotations

__all__ = ["SOURCES", "sources_for"]

SOURCES: dict[str, dict[str, str]] = {
    "population": {
        "data": "Einwohner je Gemeinde",
        "source": "Zensus 2022, Statistische Ämter des Bundes und der Länder",
        "vintage": "2022-05-15",
        "licence": "dl-de/by-2-0",
    },
    "grid": {
        "data": "1-km-Bevölkerungsraster mit Altersklassen",
        "source": "Zensus 2011, © Statistisches Bundesamt, Wiesbaden (auf 2022 skaliert)",
        "vintage": "2011-05-09",
        "licence": "Vervielfältigung mit Quellenangabe gestattet",
    },
    "boundaries": {
        "data": "Gemeindegrenzen",
        "source": "© GeoBasis-DE / BKG 2016, 2022 (Daten verändert)",
        "vintage": "2016/2022",
        "licence": "dl-de/by-2-0",
    },
    "facilities": {
        "data": "Einrichtungen",
        "source": "© OpenStreetMap-Mitwirkende, kuratiert (Göttingen); kommunale Listen je Zeile",
        "vintage": "OSM 2026-08",
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
