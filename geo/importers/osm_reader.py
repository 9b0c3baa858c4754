"""Overpass JSON (``out center tags``): nodes, and ways/relations with ``center``.

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

import pandas as pd

from geo.facilities import FIELDS, PRE_PROBLEM, ROW
from geo.importers.common import (
    MAX_ROWS,
    ImportFormatError,
    load_json,
    scalar_text,
    type_from_name,
)

__all__ = ["parse_osm"]


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


MAX_TAGS = 1000  # an OSM object has a few dozen; more is not a facility


def _tags(el: dict) -> tuple[dict[str, str], str]:
    """The element's tags as text, and a problem when they are not an object of scalars."""
    tags = el.get("tags")
    if tags is None:
        return {}, ""
    if not isinstance(tags, dict):
        return {}, "tags: expected an object"
    if len(tags) > MAX_TAGS:
        return {}, f"tags: {len(tags):,}, at most {MAX_TAGS} are accepted"
    text = {k: scalar_text(v) for k, v in tags.items()}
    return {k: v for k, v in text.items() if v is not None}, ""


def _position(el: dict) -> tuple[str, str, str]:
    """(lat, lon, problem): a node's own position, a way's or relation's ``center``."""
    point = el if el["type"] == "node" else el.get("center")
    if not isinstance(point, dict):
        return "", "", "center: expected an object with lat and lon (use 'out center')"
    values = []
    for key in ("lat", "lon"):
        value = point.get(key)
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        values.append(scalar_text(value) if ok else "")
    return values[0], values[1], ""


def _reference(el: dict) -> str:
    ident = el.get("id")
    ok = isinstance(ident, int) and not isinstance(ident, bool) and ident >= 0
    return f"{el['type']}/{ident if ok else '?'}"


def parse_osm(data: bytes) -> pd.DataFrame:
    """Read Overpass JSON (``out center tags``): nodes, and ways/relations with ``center``."""
    doc = load_json(data)
    if not isinstance(doc, dict) or not isinstance(doc.get("elements"), list):
        raise ImportFormatError("not Overpass JSON: no 'elements' list")
    if len(doc["elements"]) > MAX_ROWS:
        raise ImportFormatError(
            f"{len(doc['elements']):,} elements; at most {MAX_ROWS:,} are accepted"
        )
    records = []
    for el in doc["elements"]:
        if not isinstance(el, dict) or el.get("type") not in ("node", "way", "relation"):
            continue
        ref = _reference(el)
        tags, tag_problem = _tags(el)
        lat, lon, where = _position(el)
        languages = [
            k.split(":", 1)[1]
            for k, v in tags.items()
            if k.startswith("language:") and v in ("yes", "main")
        ]
        osm_type = _osm_type(tags)
        unmapped = "" if osm_type else f"type: tags map to no facility type ({_tag_summary(tags)})"
        records.append({
            ROW: ref,
            "name": tags.get("name", ""),
            "type": osm_type,
            PRE_PROBLEM: ("id: expected a number" if ref.endswith("?") else "")
            or tag_problem or where or unmapped,
            "operator": tags.get("operator", ""),
            "street": tags.get("addr:street", ""),
            "housenumber": tags.get("addr:housenumber", ""),
            "postcode": tags.get("addr:postcode", ""),
            "city": tags.get("addr:city", ""),
            "lat": lat,
            "lon": lon,
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
    for field in (*FIELDS, PRE_PROBLEM):
        if field not in frame.columns:
            frame[field] = ""
    return frame.astype(str)


def _tag_summary(tags: dict[str, str]) -> str:
    keys = ("amenity", "social_facility", "social_facility:for", "office", "community_centre")
    shown = [f"{k}={tags[k][:60]}" for k in keys if k in tags]
    return ", ".join(shown) or "none of the known tags"
