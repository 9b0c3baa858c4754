"""What every reader shares: decoding, bounded JSON, header aliases, types from names, German
hours and dates, and normalising a frame to the schema's text columns."""

from __future__ import annotations

import json
import re

import opening_hours
import pandas as pd

from geo.facilities import FIELDS, TYPES

__all__ = [
    "HEADER_ALIASES",
    "ImportFormatError",
    "decode",
    "german_opening_hours",
    "load_json",
    "normalise_columns",
    "type_from_name",
]


class ImportFormatError(ValueError):
    """The file as a whole cannot be read (empty, wrong encoding, not the format said)."""



# --- header names as municipalities write them -------------------------------------------

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
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
_ALIAS_TO_FIELD = {alias: field for field, aliases in HEADER_ALIASES.items() for alias in aliases}

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


def decode(data: bytes) -> str:
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


def normalise_columns(frame: pd.DataFrame) -> pd.DataFrame:
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



def load_json(data: bytes) -> object:
    try:
        return json.loads(decode(data))
    except json.JSONDecodeError as err:
        raise ImportFormatError(
            f"not valid JSON: line {err.lineno}, column {err.colno}: {err.msg}"
        ) from err

