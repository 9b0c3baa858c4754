"""Readers that turn facility lists as they come (OSM, municipal CSV, GeoJSON) into schema rows.

One code path for every source: ``parse_*`` turns bytes into a frame of text columns named as
in `geo.facilities.FIELDS` (plus ``_row`` for messages), `import_facilities` validates and
merges. The CLI and the tests call the same `import_facilities`; only the CLI touches files.

OSM tag mapping (documented in datasets/README.md):

- ``amenity=community_centre``: ``community_centre=youth_centre`` → jugendzentrum,
  ``=village_hall`` / ``=community_hall`` → buergerhaus, ``=family_centre`` →
  familienzentrum, ``=senior_centre`` / ``=club_home`` with senior names → begegnungsstaette;
  otherwise by name (Mehrgenerationenhaus, Familienzentrum, Begegnungsstätte,
  Dorfgemeinschaftshaus/Bürgerhaus, Jugend…), and ``nachbarschaftstreff`` when nothing fits.
- ``amenity=social_centre`` → nachbarschaftstreff.
- ``amenity=social_facility`` with ``social_facility=outreach`` (counselling/support) by
  ``social_facility:for``: senior → seniorenberatung; migrant/refugee → migrationsberatung;
  family/child/juvenile → familienberatung; mental_health/drug_addicted/abused/victim →
  psychosoziale_beratung; anything else → sozialberatung. Other social facilities (nursing
  homes, shelters, food banks) are not counselling offices and are reported as unmapped.
- ``office=ngo|association|government`` and ``healthcare=counselling``: by name
  (Schuldnerberatung, Migration…, Pflegestützpunkt/Senioren…, Familien-/Erziehungs-/
  Schwangerschaftsberatung, psychosozial/Sucht/Krise…, Sozialberatung); unmapped otherwise.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass

import geopandas as gpd
import opening_hours
import pandas as pd

from geo.facilities import (
    FIELDS,
    PRE_PROBLEM,
    ROW,
    TYPES,
    MergeReport,
    Problem,
    merge_facilities,
    validate_facilities,
)

__all__ = [
    "FORMATS",
    "ImportFormatError",
    "ImportOutcome",
    "guess_format",
    "import_facilities",
    "parse",
    "parse_csv",
    "parse_geojson",
    "parse_osm",
]

FORMATS = ("osm", "csv", "geojson")
MAX_FILE_BYTES = 200 * 1024 * 1024  # a sane upper bound for a facility list


class ImportFormatError(ValueError):
    """The file as a whole cannot be read (empty, wrong encoding, not the format said)."""


@dataclass(frozen=True)
class ImportOutcome:
    """Result of an import: the dataset to write (None if nothing should be written)."""

    dataset: pd.DataFrame | None
    problems: list[Problem]
    rows_read: int
    rows_valid: int
    report: MergeReport | None


# --- header names as municipalities write them -------------------------------------------

_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "bezeichnung", "einrichtung", "titel", "name der einrichtung"),
    "type": ("type", "typ", "art", "angebotsart", "kategorie der einrichtung", "einrichtungsart"),
    "category": ("category", "kategorie", "bereich"),
    "operator": ("operator", "träger", "traeger", "betreiber"),
    "street": ("street", "straße", "strasse", "str."),
    "housenumber": ("housenumber", "hausnummer", "hausnr.", "hausnr", "nr.", "nr"),
    "postcode": ("postcode", "plz", "postleitzahl"),
    "city": ("city", "ort", "stadt", "gemeinde"),
    "lat": ("lat", "latitude", "breitengrad", "breite", "geogr. breite", "y"),
    "lon": ("lon", "lng", "longitude", "längengrad", "laengengrad", "länge", "laenge",
            "geogr. länge", "x"),
    "opening_hours": ("opening_hours", "öffnungszeiten", "oeffnungszeiten"),
    "wheelchair": ("wheelchair", "barrierefrei", "barrierefreiheit", "rollstuhlgerecht"),
    "languages": ("languages", "sprachen", "sprache"),
    "target_groups": ("target_groups", "zielgruppen", "zielgruppe"),
    "website": ("website", "webseite", "internet", "homepage", "url", "web"),
    "phone": ("phone", "telefon", "tel.", "tel", "telefonnummer"),
    "email": ("email", "e-mail", "mail", "e-mail-adresse"),
    "source": ("source", "quelle", "id", "nummer", "lfd. nr."),
    "licence": ("licence", "license", "lizenz"),
    "last_verified": ("last_verified", "stand", "geprüft", "zuletzt geprüft", "aktualisiert"),
}  # fmt: skip
_ALIAS_TO_FIELD = {alias: field for field, aliases in _HEADER_ALIASES.items() for alias in aliases}

# Type given as a German label or a common synonym.
_TYPE_SYNONYMS: dict[str, str] = {
    **{t.label_de.casefold(): key for key, t in TYPES.items()},
    **{key: key for key in TYPES},
    "stadtteiltreff": "nachbarschaftstreff", "quartierstreff": "nachbarschaftstreff",
    "stadtteilbüro": "nachbarschaftstreff", "quartiersbüro": "nachbarschaftstreff",
    "nachbarschaftstreff": "nachbarschaftstreff", "seniorenbegegnungsstätte": "begegnungsstaette",
    "bürgerhaus": "buergerhaus", "dorfgemeinschaftshaus": "buergerhaus",
    "jugendtreff": "jugendzentrum", "jugendhaus": "jugendzentrum",
    "pflegestützpunkt": "seniorenberatung", "seniorenservicebüro": "seniorenberatung",
    "seniorenberatung": "seniorenberatung", "erziehungsberatung": "familienberatung",
    "schwangerschaftsberatung": "familienberatung", "psychosoziale beratung":
    "psychosoziale_beratung", "suchtberatung": "psychosoziale_beratung",
}  # fmt: skip

# Name patterns, first match wins; used for OSM and for rows without a type.
_NAME_RULES: tuple[tuple[str, str], ...] = (
    (r"mehrgeneration", "mehrgenerationenhaus"),
    (r"familienzentrum|familien- und begegnungszentrum", "familienzentrum"),
    (r"schuldner|insolvenzberatung", "schuldnerberatung"),
    (r"migration|flüchtling|integrationsberatung", "migrationsberatung"),
    (r"pflegestützpunkt|seniorenservice|seniorenberatung|demenz", "seniorenberatung"),
    (r"pro familia|familienberatung|erziehungsberatung|schwangerschaft", "familienberatung"),
    (r"psychosozial|sozialpsychiatr|sucht|drogenberatung|krise|krebsberatung",
     "psychosoziale_beratung"),
    (r"sozialberatung|allgemeine soziale beratung", "sozialberatung"),
    (r"begegnungsstätte|seniorentreff", "begegnungsstaette"),
    (r"dorfgemeinschaft|bürgerhaus|gemeinschaftshaus", "buergerhaus"),
    (r"jugend", "jugendzentrum"),
    (r"stadtteil|quartier|nachbarschaft", "nachbarschaftstreff"),
)  # fmt: skip
_COUNSELLING_TYPES = {k for k, t in TYPES.items() if t.category == "beratung"}


def type_from_name(name: str, counselling_only: bool = False) -> str:
    """The facility type a name suggests, or "" (used for OSM and rows without a type)."""
    lowered = name.casefold()
    for pattern, key in _NAME_RULES:
        if re.search(pattern, lowered) and (not counselling_only or key in _COUNSELLING_TYPES):
            return key
    return ""


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252; anything else is refused."""
    if not data.strip():
        raise ImportFormatError("the file is empty")
    if b"\x00" in data[:4096]:
        raise ImportFormatError("the file is binary (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as err:
        raise ImportFormatError(
            f"byte {err.start}: the file is neither UTF-8 nor Windows-1252 text"
        ) from err


_GERMAN_DAYS = {
    "Mo": "Mo",
    "Di": "Tu",
    "Mi": "We",
    "Do": "Th",
    "Fr": "Fr",
    "Sa": "Sa",
    "So": "Su",
    "Feiertag": "PH",
    "Feiertags": "PH",
    "Feiertage": "PH",
}
_GERMAN_HOURS = re.compile(r"\b(Feiertage?s?|Mo|Di|Mi|Do|Fr|Sa|So)\b\.?")


def german_opening_hours(value: str) -> str:
    """Translate German weekday abbreviations and words of a municipal list to OSM syntax.

    ``Di,Do 09:00-12:00 Uhr`` becomes ``Tu,Th 09:00-12:00``; the caller keeps the original
    when the translation is not valid OSM syntax either, so validation reports it as written.
    """
    text = _GERMAN_HOURS.sub(lambda m: _GERMAN_DAYS[m[1]], value)
    text = re.sub(r"\s*Uhr\b", "", text)
    text = re.sub(r"\s+bis\s+", "-", text)
    text = re.sub(r"\s+(und|u\.)\s+", ",", text)
    return text.strip()


def _german_date(value: str) -> str:
    match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value.strip())
    return f"{match[3]}-{int(match[2]):02d}-{int(match[1]):02d}" if match else value


def _normalise_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Rename known headers (German or schema) to schema fields; normalise type and dates."""
    renamed: dict[str, str] = {}
    for column in frame.columns:
        key = str(column).strip().casefold()
        field = _ALIAS_TO_FIELD.get(key)
        if field and field not in renamed.values():
            renamed[column] = field
    out = frame.rename(columns=renamed)[list(renamed.values())].copy()
    for field in FIELDS:
        if field not in out.columns:
            out[field] = ""
    out = out.fillna("").astype(str)
    types = out["type"].str.strip()
    mapped = types.str.casefold().map(_TYPE_SYNONYMS)
    out["type"] = mapped.where(mapped.notna(), types)
    untyped = out["type"] == ""
    out.loc[untyped, "type"] = out.loc[untyped, "name"].map(type_from_name)
    dates = out["last_verified"]
    out["last_verified"] = dates.where(
        ~dates.str.contains(".", regex=False), dates.map(_german_date)
    )
    hours = out["opening_hours"]
    lookup = {h: _osm_or_german_hours(h) for h in hours.unique() if h}
    out["opening_hours"] = hours.map(lambda h: lookup.get(h, h))
    return out


def _osm_or_german_hours(value: str) -> str:
    if not value or opening_hours.validate(value):
        return value
    translated = german_opening_hours(value)
    return translated if opening_hours.validate(translated) else value


def parse_csv(data: bytes) -> pd.DataFrame:
    """Read a municipal CSV: German or schema headers, ``,`` or ``;``, decimal commas."""
    text = _decode(data)
    first_line = text.splitlines()[0]
    delimiter = max([";", ",", "\t"], key=first_line.count)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            quoting=csv.QUOTE_MINIMAL,
            skip_blank_lines=True,
        )
    except (pd.errors.ParserError, csv.Error) as err:
        raise ImportFormatError(f"not a readable CSV: {err}") from err
    headers = {str(c).strip().casefold() for c in frame.columns}
    needed = {
        "name": _HEADER_ALIASES["name"],
        "lat": _HEADER_ALIASES["lat"],
        "lon": _HEADER_ALIASES["lon"],
    }
    absent = [f for f, aliases in needed.items() if not headers & set(aliases)]
    if absent:
        raise ImportFormatError(
            f"no column for {', '.join(absent)}; found columns {list(frame.columns)} "
            "(expected e.g. Name, Breitengrad, Längengrad or name, lat, lon)"
        )
    out = _normalise_columns(frame)
    out[ROW] = [f"row {i + 2}" for i in range(len(out))]  # line number, header is line 1
    return out


def _load_json(data: bytes) -> object:
    try:
        return json.loads(_decode(data))
    except json.JSONDecodeError as err:
        raise ImportFormatError(
            f"not valid JSON: line {err.lineno}, column {err.colno}: {err.msg}"
        ) from err


def parse_geojson(data: bytes) -> pd.DataFrame:
    """Read a GeoJSON FeatureCollection of Points with schema (or German) properties."""
    doc = _load_json(data)
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise ImportFormatError("not a GeoJSON FeatureCollection")
    features = doc.get("features")
    if not isinstance(features, list):
        raise ImportFormatError("FeatureCollection without a 'features' list")
    records = []
    for i, feat in enumerate(features):
        props = feat.get("properties") if isinstance(feat, dict) else None
        geom = feat.get("geometry") if isinstance(feat, dict) else None
        record = dict(props) if isinstance(props, dict) else {}
        record = {k: v for k, v in record.items() if k.casefold() not in ("lat", "lon")}
        if isinstance(geom, dict) and geom.get("type") == "Point":
            coords = geom.get("coordinates") or []
            record["lon"] = str(coords[0]) if len(coords) > 0 else ""
            record["lat"] = str(coords[1]) if len(coords) > 1 else ""
        else:
            kind = geom.get("type") if isinstance(geom, dict) else "missing"
            record["lon"], record["lat"] = "", ""
            record[PRE_PROBLEM] = f"geometry: {kind}, expected a Point"
        record[ROW] = f"feature {i + 1}"
        records.append(record)
    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame(columns=[ROW])
    out = _normalise_columns(frame.drop(columns=[ROW]))
    out[ROW] = frame[ROW].tolist()
    if PRE_PROBLEM in frame.columns:
        out[PRE_PROBLEM] = frame[PRE_PROBLEM].fillna("").astype(str).tolist()
    return out


def _osm_type(tags: dict[str, str]) -> str:
    name = tags.get("name", "")
    amenity = tags.get("amenity", "")
    if amenity == "community_centre":
        sub = tags.get("community_centre", "")
        by_tag = {
            "youth_centre": "jugendzentrum",
            "village_hall": "buergerhaus",
            "community_hall": "buergerhaus",
            "family_centre": "familienzentrum",
            "senior_centre": "begegnungsstaette",
        }.get(sub)
        return by_tag or type_from_name(name) or "nachbarschaftstreff"
    if amenity == "social_centre":
        return "nachbarschaftstreff"
    if amenity == "social_facility":
        if tags.get("social_facility") != "outreach":
            return ""
        groups = tags.get("social_facility:for", "")
        for needles, key in (
            (("senior",), "seniorenberatung"),
            (("migrant", "refugee"), "migrationsberatung"),
            (("family", "child", "juvenile"), "familienberatung"),
            (("mental_health", "drug_addicted", "abused", "victim"), "psychosoziale_beratung"),
        ):
            if any(n in groups for n in needles):
                return key
        return type_from_name(name, counselling_only=True) or "sozialberatung"
    if tags.get("office") in ("ngo", "association", "government") or (
        tags.get("healthcare") == "counselling"
    ):
        return type_from_name(name, counselling_only=True)
    return ""


def parse_osm(data: bytes) -> pd.DataFrame:
    """Read Overpass JSON (``out center tags``): nodes, and ways/relations with ``center``."""
    doc = _load_json(data)
    if not isinstance(doc, dict) or not isinstance(doc.get("elements"), list):
        raise ImportFormatError("not Overpass JSON: no 'elements' list")
    records = []
    for el in doc["elements"]:
        if not isinstance(el, dict) or el.get("type") not in ("node", "way", "relation"):
            continue
        tags = el.get("tags") or {}
        point = el if el["type"] == "node" else el.get("center") or {}
        ref = f"{el['type']}/{el.get('id')}"
        languages = [
            k.split(":", 1)[1]
            for k, v in tags.items()
            if k.startswith("language:") and v in ("yes", "main")
        ]
        osm_type = _osm_type(tags)
        records.append({
            ROW: ref,
            "name": tags.get("name", ""),
            "type": osm_type,
            PRE_PROBLEM: "" if osm_type else f"type: tags map to no facility type "
            f"({_tag_summary(tags)})",
            "operator": tags.get("operator", ""),
            "street": tags.get("addr:street", ""),
            "housenumber": tags.get("addr:housenumber", ""),
            "postcode": tags.get("addr:postcode", ""),
            "city": tags.get("addr:city", ""),
            "lat": str(point.get("lat", "")),
            "lon": str(point.get("lon", "")),
            "opening_hours": tags.get("opening_hours", ""),
            "wheelchair": tags.get("wheelchair", ""),
            "languages": ";".join(languages),
            "website": tags.get("website") or tags.get("contact:website", ""),
            "phone": tags.get("phone") or tags.get("contact:phone", ""),
            "email": tags.get("email") or tags.get("contact:email", ""),
            "source": f"osm:{ref}",
            "licence": "ODbL-1.0",
        })  # fmt: skip
    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame({ROW: []})
    for field in FIELDS:
        if field not in frame.columns:
            frame[field] = ""
    return frame.astype(str)


def _tag_summary(tags: dict[str, str]) -> str:
    keys = ("amenity", "social_facility", "social_facility:for", "office", "community_centre")
    return ", ".join(f"{k}={tags[k]}" for k in keys if k in tags) or "none of the known tags"


def guess_format(filename: str) -> str:
    """Format from a file name: .csv → csv, .geojson → geojson, .json → osm."""
    lower = filename.lower()
    if lower.endswith((".csv", ".txt")):
        return "csv"
    if lower.endswith(".geojson"):
        return "geojson"
    if lower.endswith(".json"):
        return "osm"
    raise ImportFormatError(f"cannot tell the format of {filename!r}: say --format osm|csv|geojson")


def parse(data: bytes, fmt: str) -> pd.DataFrame:
    """Parse ``data`` in format ``fmt`` (one of `FORMATS`)."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFormatError(f"the file has {len(data):,} bytes, more than {MAX_FILE_BYTES:,}")
    readers = {"osm": parse_osm, "csv": parse_csv, "geojson": parse_geojson}
    if fmt not in readers:
        raise ImportFormatError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    return readers[fmt](data)


def import_facilities(
    data: bytes,
    fmt: str,
    existing: pd.DataFrame,
    gemeinden: gpd.GeoDataFrame,
    *,
    origin: str,
    skip_invalid: bool = False,
) -> ImportOutcome:
    """Parse, validate and merge one facility list.

    Parameters
    ----------
    data : bytes
        The file's content.
    fmt : str
        ``osm``, ``csv`` or ``geojson``.
    existing : DataFrame
        The current dataset (`geo.facilities.FIELDS` columns).
    gemeinden : GeoDataFrame
        Gemeinden in EPSG:25832, to place each point.
    origin : str
        Names the source for rows without their own ``source`` (e.g. the file's stem).
    skip_invalid : bool
        Import the valid rows even when others fail; otherwise any problem rejects all.

    Returns
    -------
    ImportOutcome
        ``dataset`` is the merged dataset to write, or None when the import is rejected.
    """
    rows = parse(data, fmt)
    result = validate_facilities(rows, gemeinden, default_source=f"import:{origin}")
    if result.problems and not skip_invalid:
        return ImportOutcome(None, result.problems, len(rows), len(result.valid), None)
    merged, report = merge_facilities(existing, result.valid)
    return ImportOutcome(merged, result.problems, len(rows), len(result.valid), report)
