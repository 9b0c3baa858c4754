"""What every reader shares: decoding, bounded JSON, header aliases, types from names, German
hours and dates, and normalising a frame to the schema's text columns."""

from __future__ import annotations

import json
import re

import numpy as np
import opening_hours
import pandas as pd

from geo.facilities import FIELDS, MAX_LENGTH, TYPES

__all__ = [
    "HEADER_ALIASES",
    "MAX_COLUMNS",
    "MAX_FIELD_CHARS",
    "MAX_FILE_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_ROWS",
    "ImportFormatError",
    "check_size",
    "decode",
    "field_of_header",
    "german_opening_hours",
    "json_depth",
    "load_json",
    "map_headers",
    "normalise_columns",
    "scalar_text",
    "type_from_name",
]


class ImportFormatError(ValueError):
    """The file as a whole cannot be read (empty, wrong encoding, not the format said)."""


# Bounds, checked before the work they bound (documented in the README's import section).
MAX_FILE_BYTES = 120 * 1024 * 1024  # a facility list of the whole state is about 1 MB
MAX_ROWS = 1_000_000  # rows of a CSV, features of a GeoJSON, elements of Overpass JSON
MAX_COLUMNS = 200  # header fields of a CSV, properties of a feature
MAX_FIELD_CHARS = 131_072  # one CSV field (the csv module's own default limit); validation
# allows far less per field, but a longer field is refused before it is even kept
MAX_JSON_DEPTH = 32  # GeoJSON Points and Overpass elements need 5
MAX_NUMBER_CHARS = 40  # a JSON number; longer ones are refused, not converted


def check_size(n_bytes: int) -> None:
    """Refuse a file over `MAX_FILE_BYTES` (callers check the size before reading it)."""
    if n_bytes > MAX_FILE_BYTES:
        raise ImportFormatError(
            f"the file has {n_bytes:,} bytes; at most {MAX_FILE_BYTES:,} are accepted"
        )


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
    if len(name) > MAX_LENGTH["name"]:  # too long to be a name: the validation says so
        return ""
    lowered = name.casefold()
    for pattern, key in _NAME_RULES:
        if re.search(pattern, lowered) and (not counselling_only or key in _COUNSELLING_TYPES):
            return key
    return ""


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252; anything else is refused.

    The size is checked first, and a NUL byte anywhere marks a binary file.
    """
    check_size(len(data))
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ImportFormatError(f"byte {nul}: a NUL byte: the file is binary, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as err:
            raise ImportFormatError(
                f"byte {err.start}: the file is neither UTF-8 nor Windows-1252 text"
            ) from err
    if not text.strip():
        raise ImportFormatError("the file is empty")
    return text


def json_depth(data: bytes) -> int:
    """The deepest nesting of ``[`` and ``{`` outside strings, in linear time and without
    parsing (so a hostile file is refused before the parser recurses into it).

    Works on the raw bytes: in UTF-8 and Windows-1252 the bytes of ``"`` ``\\`` ``[`` ``]``
    ``{`` ``}`` never occur inside other characters. Only those bytes are looked at.
    """
    raw = np.frombuffer(data, dtype=np.uint8)
    where = np.flatnonzero(np.isin(raw, np.frombuffer(b'"\\[]{}', dtype=np.uint8)))
    if len(where) == 0:
        return 0
    char = raw[where]
    backslash = char == ord("\\")
    # a quote is escaped by an odd run of backslashes right before it
    run_start = np.ones(len(where), dtype=bool)
    run_start[1:] = ~(backslash[:-1] & backslash[1:] & (np.diff(where) == 1))
    run_id = np.cumsum(run_start) - 1
    first_of_run = np.flatnonzero(run_start)[run_id]
    run_len = np.arange(len(where)) - first_of_run + 1  # backslashes so far in this run
    preceding = np.zeros(len(where), dtype=np.int64)
    follows = np.flatnonzero(~backslash[1:] & backslash[:-1] & (np.diff(where) == 1)) + 1
    preceding[follows] = run_len[follows - 1]
    quote = (char == ord('"')) & (preceding % 2 == 0)
    inside = (np.cumsum(quote) - quote) % 2 == 1  # after an opening quote
    step = np.where(np.isin(char, (ord("["), ord("{"))), 1, 0) - np.where(
        np.isin(char, (ord("]"), ord("}"))), 1, 0
    )
    step[inside | quote] = 0
    return int(np.cumsum(step).max(initial=0))


def _bounded_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise ImportFormatError(f"a number with {len(text):,} digits; at most "
                                f"{MAX_NUMBER_CHARS} are accepted")  # fmt: skip
    return int(text)


def _bounded_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise ImportFormatError(f"a number of {len(text):,} characters; at most "
                                f"{MAX_NUMBER_CHARS} are accepted")  # fmt: skip
    return float(text)


def load_json(data: bytes) -> object:
    """Parse JSON after checking size, encoding and nesting depth; numbers are bounded too."""
    text = decode(data)
    depth = json_depth(data)
    if depth > MAX_JSON_DEPTH:
        raise ImportFormatError(
            f"JSON nested {depth:,} levels deep; at most {MAX_JSON_DEPTH} are accepted"
        )
    try:
        return json.loads(text, parse_int=_bounded_int, parse_float=_bounded_float)
    except json.JSONDecodeError as err:
        raise ImportFormatError(
            f"not valid JSON: line {err.lineno}, column {err.colno}: {err.msg}"
        ) from err
    except RecursionError as err:  # not reached after the depth check; kept as a last guard
        raise ImportFormatError("JSON nested too deeply") from err


def scalar_text(value: object) -> str | None:
    """A JSON value as the text a field holds: strings as they are, numbers written out,
    booleans as true/false, null as empty; None for objects and lists (not a field value)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    return None


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


def field_of_header(header: str) -> str | None:
    """The schema field a column header (German or schema name) stands for, if any."""
    return _ALIAS_TO_FIELD.get(str(header).strip().casefold())


def map_headers(headers: list[str], where: str) -> dict[str, str]:
    """Header → field for the known headers; two headers meaning one field are refused."""
    found: dict[str, str] = {}
    for header in headers:
        field = field_of_header(header)
        if field is None:
            continue
        twin = next((h for h, f in found.items() if f == field), None)
        if twin is not None:
            raise ImportFormatError(
                f"{where}: {twin!r} and {header!r} both mean the field {field!r}; keep one"
            )
        found[header] = field
    return found


def normalise_columns(frame: pd.DataFrame, renamed: bool = False) -> pd.DataFrame:
    """Normalise type and dates of a frame whose columns are schema fields (``renamed``) or
    known headers (German or schema names, renamed here).

    Translations that use patterns (a type from the name, German opening hours) only run on
    values within the field's length limit: longer ones are reported by the validation.
    """
    if not renamed:
        mapping = map_headers([str(c) for c in frame.columns], "header")
        frame = frame[list(mapping)].rename(columns=mapping)
    out = frame.copy()
    for field in FIELDS:
        if field not in out.columns:
            out[field] = ""
    out = out.fillna("").astype(str)
    types = out["type"].str.strip()
    mapped = types.str.casefold().map(_TYPE_SYNONYMS)
    out["type"] = mapped.where(mapped.notna(), types)
    untyped = (out["type"] == "") & (out["name"].str.len() <= MAX_LENGTH["name"])
    out.loc[untyped, "type"] = out.loc[untyped, "name"].map(type_from_name)
    dates = out["last_verified"]
    german = dates.str.contains(".", regex=False) & (dates.str.len() <= 10)
    out["last_verified"] = dates.where(~german, dates.map(_german_date))
    hours = out["opening_hours"]
    short = hours[(hours != "") & (hours.str.len() <= MAX_LENGTH["opening_hours"])]
    lookup = {h: _osm_or_german_hours(h) for h in short.unique()}
    out["opening_hours"] = hours.map(lambda h: lookup.get(h, h))
    return out


def _osm_or_german_hours(value: str) -> str:
    if not value or opening_hours.validate(value):
        return value
    translated = german_opening_hours(value)
    return translated if opening_hours.validate(translated) else value
