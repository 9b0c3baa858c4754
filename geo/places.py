"""Place search for the finder: Gemeinden, Quartiere, named places, streets and postcodes of
the whole state, found the way residents type them.

"gottingen", "Goettingen" and "Göttingen" all find Göttingen: names and queries are folded to
lower case without hyphens, spaces or punctuation, and umlauts are matched both as "oe" and as
"o". Compound forms name a place and its Gemeinde in either order ("Göttingen-Grone",
"Grone, Göttingen", "Hannover Linden"); misspellings ("Hannofer") fall back to a fuzzy match;
five digits are a postcode; "51.54, 9.93" is a coordinate pair.

Matching is fast without scanning every name per query: exact and prefix matches are binary
searches in sorted keys, substrings one ``str.find`` pass over all keys joined into one text,
and the fuzzy match (rapidfuzz) runs only over place names, or street names when the query
looks like a street, and only when nothing matched exactly or by prefix.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from geo.schema import AGS, KREIS, NAME, QUARTIER_KIND, WEB_CRS

__all__ = [
    "PlaceIndex",
    "build_place_index",
    "fold",
    "fold_all",
    "is_ambiguous",
    "parse_coordinates",
    "search_places",
]

_UMLAUT_AE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_UMLAUT_PLAIN = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
_COORDS = re.compile(r"^\s*(-?\d{1,2}(?:[.,]\d+)?)\s*[,;\s]\s*(-?\d{1,3}(?:[.,]\d+)?)\s*$")
_POSTCODE = re.compile(r"\d{1,5}")
_SEPARATORS = re.compile(r"[\s,/()-]+")
# a query that ends like a German street name may be a misspelt street
_STREETLIKE = re.compile(r"(strasse|str|weg|allee|platz|ring|damm|gasse|chaussee|ufer|wall)$")
KIND_RANK = {"gemeinde": 0, "quartier": 1, "ort": 2, "plz": 3, "strasse": 4}
QUARTIER_SEARCH_KIND = {"stadtteil": "quartier", "osm_grenzen": "quartier", "genaehert": "ort"}
EXACT, PREFIX, SUBSTRING, FUZZY = 0, 1, 2, 3
MIN_SUBSTRING_CHARS = 4  # shorter fragments match too much to mean anything
MAX_SUBSTRING_HITS = 2000
FUZZY_CUTOFF = 82.0  # rapidfuzz ratio (0–100): one or two typos in a name of 8+ letters
MAX_COMPOUND_TOKENS = 6
BOX = ("west", "south", "east", "north")


def _strip(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", "", ascii_only)


def _slow_fold(text: str, umlauts: dict[int, str]) -> str:
    return _strip(text.casefold().translate(umlauts))


# Latin letters (up to U+024F) fold in one str.translate pass with these tables; a text with any
# other character takes the slow path. Both give the same keys (tests/test_hours_places.py).
_FAST_LIMIT = 0x250
_FAST_TABLES = tuple(
    {code: _slow_fold(chr(code), umlauts) for code in range(_FAST_LIMIT)}
    for umlauts in (_UMLAUT_AE, _UMLAUT_PLAIN)
)


def _fold_one(text: str, which: int) -> str:
    if max(text, default="a") < "\u0250":
        return text.translate(_FAST_TABLES[which])
    return _slow_fold(text, (_UMLAUT_AE, _UMLAUT_PLAIN)[which])


def fold(text: str) -> tuple[str, str]:
    """The two search keys of a text: umlauts as "ae"/"oe"/"ue" and as plain vowels."""
    return _fold_one(text, 0), _fold_one(text, 1)


# the fast tables keep the newline, so that many names fold in one pass (`_fold_all`)
_JOIN_TABLES = tuple({**table, ord("\n"): "\n"} for table in _FAST_TABLES)


def fold_all(names: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """`fold` for many names at once: all names joined by newlines go through one
    ``str.translate`` per table (C speed); the rare name with a character beyond the tables
    is folded on its own. (A newline inside a name folds away like any space.)"""
    values = [str(n).replace("\n", " ") for n in names.to_numpy(dtype=object)]
    joined = "\n".join(values)
    out = []
    for which, table in enumerate(_JOIN_TABLES):
        keys = joined.translate(table).split("\n")
        for i, key in enumerate(keys):
            if not key.isascii():  # a character beyond U+024F passed through untranslated
                keys[i] = _fold_one(values[i], which)
        out.append(np.array(keys, dtype=object))
    return out[0], out[1]


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """ "51.54, 9.93" or "51,54 9,93" → (lat, lon); None if the text is not a coordinate pair."""
    match = _COORDS.match(text)
    if not match:
        # "51,54, 9,93": decimal commas with a comma separator
        parts = [p.strip() for p in text.split(",")]
        if len(parts) == 4 and all(re.fullmatch(r"-?\d+", p) for p in parts):
            return float(f"{parts[0]}.{parts[1]}"), float(f"{parts[2]}.{parts[3]}")
        return None
    lat = float(match[1].replace(",", "."))
    lon = float(match[2].replace(",", "."))
    return lat, lon


@dataclass(frozen=True)
class _SortedKeys:
    """One key column sorted, for exact and prefix matches by binary search."""

    keys: list[str]
    rows: np.ndarray

    @classmethod
    def of(cls, keys: np.ndarray) -> _SortedKeys:
        order = np.argsort(keys, kind="stable")
        return cls(keys=list(keys[order]), rows=order)

    def matching(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows whose key equals ``key`` and rows whose key starts with it (but differs)."""
        lo = bisect_left(self.keys, key)
        hi = bisect_left(self.keys, key + "\uffff")
        exact_hi = bisect_left(self.keys, key + "\x00", lo, hi)
        return self.rows[lo:exact_hi], self.rows[exact_hi:hi]


@dataclass(frozen=True)
class _JoinedKeys:
    """All keys of a column joined by newlines: one C-speed ``find`` pass finds substrings."""

    text: str
    starts: np.ndarray  # offset of each row's key in ``text``

    @classmethod
    def of(cls, keys: np.ndarray) -> _JoinedKeys:
        lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys)) + 1
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        return cls(text="\n".join(keys), starts=starts)

    def containing(self, key: str, cap: int = MAX_SUBSTRING_HITS) -> np.ndarray:
        found = []
        at = self.text.find(key)
        while at >= 0 and len(found) < cap:
            found.append(at)
            at = self.text.find(key, at + 1)
        if not found:
            return np.empty(0, dtype=np.int64)
        return np.unique(np.searchsorted(self.starts, np.asarray(found), side="right") - 1)


@dataclass(frozen=True)
class PlaceIndex:
    """Searchable places: names, their folded keys, kind, detail, WGS84 point and AGS.

    ``frame`` has one row per searchable thing (name, kind, detail, lat, lon, ags, weight,
    class_rank, the street's bounding box, a postcode's place, key_ae, key_plain).
    """

    frame: pd.DataFrame
    kinds: np.ndarray  # frame["kind"] and frame["ags"] as object arrays: no conversion per query
    ags: np.ndarray
    order_keys: np.ndarray  # per row (kind rank, class rank, -weight, name order) for ranking
    sorted_ae: _SortedKeys
    sorted_plain: _SortedKeys
    joined_ae: _JoinedKeys
    fuzzy_places: tuple[np.ndarray, list[str]]  # rows and keys of everything but streets
    fuzzy_streets: tuple[np.ndarray, list[str]]  # rows and keys of the streets

    def gemeinden_named(self, text: str) -> set[str]:
        """AGS of the Gemeinden whose name is ``text``, or starts with it ("Oldenburg" for
        "Oldenburg (Oldenburg)") when none is named exactly so."""
        exact, prefix = self.sorted_ae.matching(fold(text)[0])
        for rows in (exact, prefix):
            found = {self.ags[r] for r in rows.tolist() if self.kinds[r] == "gemeinde"}
            if found:
                return found
        return set()


def _gemeinden_part(gemeinden: gpd.GeoDataFrame) -> pd.DataFrame:
    points = gpd.GeoSeries(gemeinden.representative_point(), crs=gemeinden.crs).to_crs(WEB_CRS)
    return pd.DataFrame({
        "name": gemeinden[NAME].to_numpy(), "kind": "gemeinde",
        "detail": gemeinden[KREIS].to_numpy(), "lat": points.y.to_numpy(),
        "lon": points.x.to_numpy(), "ags": gemeinden[AGS].to_numpy(),
        "weight": gemeinden["population"].to_numpy(dtype=float), "class_rank": 0,
    })  # fmt: skip


def _quartiere_part(quartiere: gpd.GeoDataFrame, labels: pd.Series) -> pd.DataFrame:
    # Quartiere drawn from district boundaries are districts; approximated ones are Ortsteile;
    # a Quartier that is the whole Gemeinde is already found as the Gemeinde
    kinds = quartiere[QUARTIER_KIND].map(QUARTIER_SEARCH_KIND)
    quartiere = quartiere[kinds.notna()]
    points = gpd.GeoSeries(quartiere.representative_point(), crs=quartiere.crs).to_crs(WEB_CRS)
    return pd.DataFrame({
        "name": quartiere[NAME].to_numpy(), "kind": kinds[kinds.notna()].to_numpy(),
        "detail": quartiere[AGS].map(labels).to_numpy(), "lat": points.y.to_numpy(),
        "lon": points.x.to_numpy(), "ags": quartiere[AGS].to_numpy(), "weight": 0.0,
        "class_rank": 3,
    })  # fmt: skip


def _orte_part(orte: gpd.GeoDataFrame, labels: pd.Series) -> pd.DataFrame:
    points = orte.geometry.to_crs(WEB_CRS)
    return pd.DataFrame({
        "name": orte[NAME].to_numpy(), "kind": "ort",
        "detail": orte[AGS].map(labels).to_numpy(), "lat": points.y.to_numpy(),
        "lon": points.x.to_numpy(), "ags": orte[AGS].to_numpy(),
        "weight": -orte["rank"].to_numpy(dtype=float), "class_rank": 3,
    })  # fmt: skip


def _gazetteer_part(
    gazetteer: pd.DataFrame, gemeinden: gpd.GeoDataFrame, labels: pd.Series
) -> pd.DataFrame:
    """Statewide places, streets and postcodes (`geo.gazetteer`); bigger Gemeinden first."""
    codes, uniques = pd.factorize(gazetteer[AGS])  # ~1,000 Gemeinden for 170,000 rows
    population = gemeinden.set_index(AGS)["population"].reindex(uniques)
    return gazetteer.rename(columns={"rank": "class_rank"}).assign(
        detail=labels.reindex(uniques).to_numpy(dtype=object)[codes],
        weight=population.to_numpy(dtype=float)[codes],
    )


def build_place_index(
    gemeinden: gpd.GeoDataFrame,
    quartiere: gpd.GeoDataFrame,
    orte: gpd.GeoDataFrame,
    gazetteer: pd.DataFrame | None = None,
) -> PlaceIndex:
    """Index Gemeinden (at a point inside them), Quartiere, the pilot's Ortsteile (EPSG:25832
    inputs) and, when given, the statewide gazetteer (`geo.gazetteer`, WGS84)."""
    labels = gemeinde_labels(gemeinden)
    parts = [_gemeinden_part(gemeinden), _quartiere_part(quartiere, labels)]
    if len(orte):
        parts.append(_orte_part(orte, labels))
    places = pd.concat(parts, ignore_index=True)
    places["key_ae"], places["key_plain"] = fold_all(places["name"])
    places = _place_gemeinden_at_their_centre(places)
    # one row per name and Gemeinde: a Gemeinde beats the Quartier, a Quartier the Ort of the
    # same name (the gazetteer's own rows are unique per name, kind and Gemeinde already)
    places = places.sort_values("kind", key=lambda k: k.map(KIND_RANK), kind="stable")
    places = places.drop_duplicates(["key_ae", "ags"])
    frames = [places]
    if gazetteer is not None and len(gazetteer):
        extra = _gazetteer_part(gazetteer, gemeinden, labels)  # its keys folded by the build
        # a statewide place already known as a Gemeinde, Quartier or Ort of the same Gemeinde
        known = set(zip(places["key_ae"], places["ags"], strict=True))
        rows = np.flatnonzero(extra["kind"].to_numpy(dtype=object) == "ort")
        pairs = zip(extra["key_ae"].to_numpy(dtype=object)[rows],
                    extra["ags"].to_numpy(dtype=object)[rows], strict=True)  # fmt: skip
        keep = np.ones(len(extra), dtype=bool)
        keep[rows[[pair in known for pair in pairs]]] = False
        frames.append(extra[keep])
    frame = pd.concat(frames, ignore_index=True)
    for column in BOX:
        if column not in frame:
            frame[column] = np.nan
    frame["ort"] = frame["ort"].astype(object).fillna("") if "ort" in frame else ""
    key_ae = frame["key_ae"].to_numpy(dtype=object)
    kinds = frame["kind"].to_numpy(dtype=object)
    streets = np.flatnonzero(kinds == "strasse")
    others = np.flatnonzero((kinds != "strasse") & (kinds != "plz"))
    order_keys = np.column_stack([
        frame["kind"].map(KIND_RANK).to_numpy(dtype=float),
        frame["class_rank"].to_numpy(dtype=float),
        -frame["weight"].fillna(0).to_numpy(dtype=float),
        np.arange(len(frame), dtype=float),  # then as listed: the gazetteer is in key (name) order
    ])  # fmt: skip
    return PlaceIndex(
        frame=frame,
        kinds=kinds,
        ags=frame["ags"].to_numpy(dtype=object),
        order_keys=order_keys,
        sorted_ae=_SortedKeys.of(key_ae),
        sorted_plain=_SortedKeys.of(frame["key_plain"].to_numpy(dtype=object)),
        joined_ae=_JoinedKeys.of(key_ae),
        fuzzy_places=(others, list(key_ae[others])),
        fuzzy_streets=(streets, list(key_ae[streets])),
    )


def _place_gemeinden_at_their_centre(frame: pd.DataFrame) -> pd.DataFrame:
    """A Gemeinde and its Ort of the same name (the town centre): the Gemeinde is placed at the
    Ort, which is where residents mean when they type the name."""
    same = frame[frame["kind"] == "ort"].drop_duplicates(["key_ae", "ags"])
    centre = same.set_index(["key_ae", "ags"])[["lat", "lon"]]
    gem = frame["kind"] == "gemeinde"
    pairs = pd.MultiIndex.from_arrays([frame.loc[gem, "key_ae"], frame.loc[gem, "ags"]])
    found = centre.reindex(pairs)
    has = found["lat"].notna().to_numpy()
    idx = frame.index[gem][has]
    frame.loc[idx, "lat"] = found["lat"].to_numpy()[has]
    frame.loc[idx, "lon"] = found["lon"].to_numpy()[has]
    return frame


def _matches(index: PlaceIndex, text: str) -> dict[int, int]:
    """Rows matching ``text`` by name → their best match class (exact, prefix, substring)."""
    found: dict[int, float] = {}

    def note(rows: np.ndarray, match: int) -> None:
        for row in rows.tolist():
            if found.get(row, 9) > match:
                found[row] = match

    ae, plain = fold(text)
    for key, sorted_keys in ((ae, index.sorted_ae), (plain, index.sorted_plain)):
        if key:
            exact, prefix = sorted_keys.matching(key)
            note(exact, EXACT)
            note(prefix, PREFIX)
    if len(ae) >= MIN_SUBSTRING_CHARS and not any(m == EXACT for m in found.values()):
        note(index.joined_ae.containing(ae), SUBSTRING)
    return found


def _fuzzy(index: PlaceIndex, text: str, limit: int) -> dict[int, float]:
    """Rows whose name is close to ``text`` (misspellings): places, or streets if street-like."""
    key = fold(text)[0]
    if len(key) < MIN_SUBSTRING_CHARS:
        return {}
    rows, keys = index.fuzzy_streets if _STREETLIKE.search(key) else index.fuzzy_places
    hits = process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=limit * 4)
    # closer names first: the score's shortfall ranks fuzzy matches among themselves
    return {int(rows[i]): FUZZY + (100.0 - score) / 100.0 for _, score, i in hits}


def _compounds(index: PlaceIndex, text: str) -> dict[int, int]:
    """ "Göttingen-Grone", "Grone, Göttingen", "Hannover Linden": a name inside a Gemeinde
    named before or after it. Returns matching rows of that Gemeinde only."""
    tokens = [t for t in _SEPARATORS.split(text) if t][:MAX_COMPOUND_TOKENS]
    found: dict[int, int] = {}
    for cut in range(1, len(tokens)):
        head, tail = " ".join(tokens[:cut]), " ".join(tokens[cut:])
        for name, context in ((tail, head), (head, tail)):
            within = index.gemeinden_named(context)
            if not within:
                continue
            for row, match in _matches(index, name).items():
                if index.ags[row] in within and found.get(row, 9) > match:
                    found[row] = match
    return found


def _postcodes(index: PlaceIndex, digits: str) -> dict[int, int]:
    exact, prefix = index.sorted_ae.matching(digits)
    kinds = index.kinds
    found = {int(r): EXACT for r in exact if kinds[r] == "plz"}
    found.update({int(r): PREFIX for r in prefix if kinds[r] == "plz"})
    return found


def search_places(index: PlaceIndex, query: str, limit: int = 10) -> list[dict]:
    """Places matching ``query``, best first: exact before prefix, substring and fuzzy matches;
    within each, Gemeinden, Quartiere, Orte, postcodes, streets; then by importance of the
    place and population of its Gemeinde."""
    text = query.strip()
    if not any(fold(text)):
        return []
    if _POSTCODE.fullmatch(text):
        found = _postcodes(index, text)
    else:
        found = _matches(index, text)
        for row, match in _compounds(index, text).items():
            found[row] = min(found.get(row, 9), match)
        if not any(m <= PREFIX for m in found.values()):
            for row, match in _fuzzy(index, text, limit).items():
                found.setdefault(row, match)
    if not found:
        return []
    rows = np.fromiter(found, dtype=np.int64, count=len(found))
    matches = np.fromiter(found.values(), dtype=float, count=len(found))
    keys = index.order_keys[rows]
    # np.lexsort sorts by its last key first: match, kind, class, population, name
    best = rows[np.lexsort((keys[:, 3], keys[:, 2], keys[:, 1], keys[:, 0], matches))[:limit]]
    return [_result(r) for r in index.frame.iloc[best].itertuples()]


def _result(r: object) -> dict:
    out = {
        "name": r.name,
        "kind": r.kind,
        "detail": r.detail if isinstance(r.detail, str) else "",
        "lat": round(float(r.lat), 6),
        "lon": round(float(r.lon), 6),
        "ags": r.ags,
    }
    if r.kind == "strasse" and not np.isnan(r.west):
        out["bbox"] = [float(getattr(r, c)) for c in BOX]
    if r.kind == "plz":
        out["place"] = r.ort  # the postcode is an area; this is the place it leads to
    return out


def is_ambiguous(results: list[dict]) -> bool:
    """True when the best result's name is found in several Gemeinden ("Hauptstraße",
    "Stöckheim") and is not a Gemeinde's own name: the finder then asks which one is meant
    instead of picking the first."""
    if len(results) < 2 or results[0]["kind"] == "gemeinde":
        return False
    first = fold(results[0]["name"])[0]
    same = [r for r in results if fold(r["name"])[0] == first]
    return len({r["ags"] for r in same}) > 1


def gemeinde_labels(gemeinden: pd.DataFrame) -> pd.Series:
    """ "Name (Kreis …)" per AGS, so that equal names are told apart; a kreisfreie Stadt is its
    own Kreis and the Region Hannover says "Region" itself."""
    info = gemeinden.set_index(AGS)
    kreis = info[KREIS].astype(object)
    kreisfrei = info.index.str[5:] == "000"
    suffix = np.where(kreis.str.startswith("Region"), " (" + kreis + ")", " (Kreis " + kreis + ")")
    return pd.Series(np.where(kreisfrei, info[NAME], info[NAME] + suffix), index=info.index)
