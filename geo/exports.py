"""Exports for municipalities and GIS users: GeoJSON, CSV (German Excel or RFC 4180) and
GeoPackage, each carrying its sources, licences, vintages, data tiers and parameters.

Pure apart from writing a GeoPackage to a temporary file (GDAL needs a path): frames and
metadata in, bytes out. The web layer validates the request and names the file.

CSV dialects:

- ``excel-de`` (the default of the pages' download panel): UTF-8 with BOM, ``;``, decimal
  comma, German headers; opens by double click in a German Excel.
- ``rfc4180``: UTF-8, ``,``, decimal point, the API's English column names.

Both start with `METADATA_LINES` lines beginning with ``#`` (title, sources and licences,
vintages, tier, parameters, how to read); Excel shows them above the table, pandas skips them
with ``skiprows=METADATA_LINES``. Keys (AGS, Quartier ids) have leading zeros: read them as
text (pandas ``dtype=str``; Excel: Daten → Aus Text/CSV, column type Text). Text cells that a
spreadsheet would run as a formula (first character ``=``, ``+``, ``-``, ``@``, tab or
carriage return) get a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

__all__ = [
    "CSV_DIALECTS",
    "FORMATS",
    "GERMAN_HEADERS",
    "METADATA_LINES",
    "ExportMetadata",
    "neutralise",
    "to_csv",
    "to_geojson",
    "to_geopackage",
    "whole_residents",
]

FORMATS = ("geojson", "csv", "gpkg")
CSV_DIALECTS = ("excel-de", "rfc4180")
METADATA_LINES = 7
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
RESIDENT_COLUMNS = ("population", "residents", "residents_with_data", "beyond", "u15",
                    "u15_beyond", "a65plus", "a65plus_beyond", "unverified_residents",
                    "uncertain_residents")  # fmt: skip
GERMAN_HEADERS = {
    "id": "ID", "name": "Name", "category": "Kategorie", "type": "Art", "operator": "Träger",
    "street": "Straße", "housenumber": "Hausnummer", "postcode": "PLZ", "city": "Ort",
    "ags": "AGS", "lat": "Breitengrad", "lon": "Längengrad",
    "opening_hours": "Öffnungszeiten", "wheelchair": "Barrierefrei", "languages": "Sprachen",
    "target_groups": "Zielgruppen", "website": "Webseite", "phone": "Telefon",
    "email": "E-Mail", "source": "Quelle", "licence": "Lizenz", "last_verified": "Geprüft am",
    "type_label_de": "Art (Bezeichnung)", "category_label_de": "Kategorie (Bezeichnung)",
    "key": "Schlüssel", "kreis": "Kreis", "kreis_ars": "Kreisschlüssel",
    "bezeichnung": "Bezeichnung", "population": "Einwohner (Gemeinde)", "area_km2": "Fläche km²",
    "status": "Datenlage", "tier": "Datenstufe", "residents": "Einwohner",
    "residents_with_data": "Einwohner mit Daten", "beyond": "Einwohner außerhalb",
    "beyond_share": "Anteil außerhalb", "u15": "Unter 15", "u15_beyond": "Unter 15 außerhalb",
    "u15_beyond_share": "Anteil unter 15 außerhalb", "a65plus": "65 und älter",
    "a65plus_beyond": "65+ außerhalb", "a65plus_beyond_share": "Anteil 65+ außerhalb",
    "mean_distance_m": "Mittlere Entfernung (m)", "median_distance_m": "Median Entfernung (m)",
    "access_per_10k": "Angebote je 10.000 Einw. (2SFCA)",
    "uncertain_residents": "Einwohner unsicher (Datenrand)",
    "unverified_residents": "Einwohner mit ungeprüften Daten", "quartier_id": "Quartier-ID",
    "kind": "Quartiersart", "gemeinde": "Gemeinde",
}  # fmt: skip


@dataclass(frozen=True)
class ExportMetadata:
    """What every export says about itself."""

    title: str
    sources: list[dict[str, str]]
    tier: str
    parameters: dict[str, object]
    created: str  # ISO timestamp

    def as_dict(self) -> dict[str, object]:
        return {
            "title": self.title,
            "attribution": "; ".join(s["source"] for s in self.sources),
            "sources": self.sources,
            "tier": self.tier,
            "parameters": self.parameters,
            "created": self.created,
            "method": "Einwohnerzahlen sind ganze Zahlen (Zensus 2022, auf 100-m-Zellen "
            "verteilt); siehe /planung, Abschnitt Methode und Grenzen.",
        }

    def comment_lines(self) -> list[str]:
        """Exactly `METADATA_LINES` lines, each starting with ``#``."""
        vintages = "; ".join(f"{s['data']}: {s['vintage']}" for s in self.sources)
        licences = "; ".join(f"{s['data']}: {s['licence']}" for s in self.sources)
        params = ", ".join(f"{k}={v}" for k, v in self.parameters.items() if v is not None)
        lines = [
            f"# {self.title} ({METADATA_LINES} Zeilen Metadaten, dann die Tabelle; "
            f"pandas: skiprows={METADATA_LINES})",
            f"# Quellen: {'; '.join(s['source'] for s in self.sources)}",
            f"# Lizenzen: {licences}",
            f"# Datenstand: {vintages}",
            f"# Datenstufe: {self.tier} (geprueft, osm_ungeprueft: mögliche Lücken, keine_daten)",
            f"# Parameter: {params}",
            f"# Erstellt: {self.created}; Einwohner als ganze Zahlen",
        ]
        return [" ".join(line.split()) for line in lines]  # one line each, whatever the text


def whole_residents(frame: pd.DataFrame) -> pd.DataFrame:
    """Resident counts as whole numbers (nullable: units without data stay empty)."""
    out = frame.copy()
    for column in RESIDENT_COLUMNS:
        if column in out.columns:
            out[column] = pd.to_numeric(out[column], errors="coerce").round().astype("Int64")
    return out


def neutralise(value: object) -> object:
    """A text cell a spreadsheet would evaluate gets a leading apostrophe (OWASP CSV
    injection); numbers and other cells stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _table(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    table = pd.DataFrame(frame[columns]).copy()
    for column in table.columns:
        if not pd.api.types.is_numeric_dtype(table[column]):
            table[column] = table[column].astype(object).where(table[column].notna(), "")
            table[column] = table[column].map(lambda v: neutralise(str(v)))
    return table


def to_csv(frame: pd.DataFrame, columns: list[str], meta: ExportMetadata, dialect: str) -> bytes:
    """The frame's ``columns`` as CSV in ``dialect``, metadata lines first."""
    if dialect not in CSV_DIALECTS:
        raise ValueError(f"unknown CSV dialect {dialect!r}")
    table = _table(whole_residents(frame), columns)
    german = dialect == "excel-de"
    if german:
        table = table.rename(columns=lambda c: GERMAN_HEADERS.get(c, c))
    buffer = io.StringIO()
    for line in meta.comment_lines():
        buffer.write(line + "\r\n")
    table.to_csv(
        buffer,
        index=False,
        sep=";" if german else ",",
        decimal="," if german else ".",
        lineterminator="\r\n",
        quoting=csv.QUOTE_MINIMAL,
    )
    text = buffer.getvalue()
    return (("\ufeff" + text) if german else text).encode("utf-8")


def to_geojson(frame: gpd.GeoDataFrame, columns: list[str], meta: ExportMetadata,
               id_column: str) -> bytes:  # fmt: skip
    """RFC 7946 GeoJSON (WGS84) with the metadata as a foreign member ``metadata``."""
    from geo.geojson import feature_collection

    collection = feature_collection(whole_residents(frame), columns, id_column=id_column)
    collection["metadata"] = meta.as_dict()
    return json.dumps(collection, ensure_ascii=False).encode("utf-8")


def to_geopackage(frame: gpd.GeoDataFrame, columns: list[str], meta: ExportMetadata,
                  layer: str) -> bytes:  # fmt: skip
    """A GeoPackage with one layer; the metadata go to the gpkg_metadata tables (dataset and
    layer level, GDAL's metadata domain) as key/value pairs."""
    out = gpd.GeoDataFrame(whole_residents(frame)[columns], geometry=frame.geometry.to_numpy(),
                           crs=frame.crs)  # fmt: skip
    for column in out.columns:
        if out[column].dtype == "Int64":  # GDAL has no nullable integer type of pandas
            out[column] = out[column].astype("float64").where(out[column].notna(), np.nan)
    flat = {k: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
            for k, v in meta.as_dict().items()}  # fmt: skip
    fd, name = tempfile.mkstemp(suffix=".gpkg")
    os.close(fd)
    path = Path(name)
    path.unlink()
    try:
        pyogrio.write_dataframe(out, path, layer=layer, driver="GPKG", dataset_metadata=flat,
                                layer_metadata=flat)  # fmt: skip
        return path.read_bytes()
    finally:
        path.unlink(missing_ok=True)
