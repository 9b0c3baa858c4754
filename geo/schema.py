"""Names of CRSs, layers, columns and codes: the one place every module takes them from."""

from __future__ import annotations

__all__ = [
    "AGE_CLASSES",
    "AGS",
    "ANALYSIS_CRS",
    "AREA_KM2",
    "ARS",
    "GEMEINDEFREI",
    "GRID_ID",
    "IMPUTED",
    "KREIS",
    "KREIS_ARS",
    "LAYER_CELLS",
    "LAYER_GEMEINDEN",
    "LAYER_ORTE",
    "LAYER_QUARTIERE",
    "NAME",
    "POPULATION",
    "QUARTIER_ID",
    "SOURCE",
    "STATE_PREFIX",
    "WEB_CRS",
]

ANALYSIS_CRS = "EPSG:25832"  # ETRS89 / UTM 32N: metres, used for every distance and area
WEB_CRS = "EPSG:4326"  # WGS84 lon/lat: GeoJSON (RFC 7946) and Leaflet
GRID_CRS = "EPSG:3035"  # ETRS89-LAEA: the INSPIRE grid the Zensus cells are defined on

STATE_PREFIX = "03"  # first two digits of every Niedersachsen key

LAYER_GEMEINDEN = "gemeinden"
LAYER_CELLS = "bevoelkerung_1km"
LAYER_QUARTIERE = "quartiere"
LAYER_ORTE = "orte"  # named places (Ortsteile) residents type into the search box

AGS = "ags"  # Amtlicher Gemeindeschlüssel, 8 digits, text (leading zero)
ARS = "ars"  # Amtlicher Regionalschlüssel, 12 digits, text; AGS = ARS[0:5] + ARS[9:12]
NAME = "name"  # short official name, e.g. "Göttingen" (suffixes such as "Stadt" are in BEZ)
BEZ = "bezeichnung"  # official designation, e.g. "Stadt", "Gemeinde", "Flecken"
KREIS_ARS = "kreis_ars"  # 5-digit key of the Landkreis / kreisfreie Stadt = AGS[0:5]
KREIS = "kreis"  # name of the Landkreis / kreisfreie Stadt
POPULATION = "population"  # residents (Zensus 2022, 15.05.2022)
AREA_KM2 = "area_km2"  # land area from the full-resolution geometry, km²
GEMEINDEFREI = "gemeindefrei"  # True for gemeindefreie Gebiete (no population of their own)

GRID_ID = "grid_id"  # INSPIRE 1 km cell id, e.g. "1kmN3275E4317"
IMPUTED = "imputed"  # True for a cell added because its Gemeinde had no populated cell
# Zensus 2011 age classes, in the order of the source; scaled to 2022 in the dataset
AGE_U18 = "u18"
AGE_65PLUS = "a65plus"
AGE_CLASSES = (AGE_U18, "a18_29", "a30_49", "a50_64", AGE_65PLUS)

QUARTIER_ID = "quartier_id"  # "<ags>-<nn>": Gemeinde key and a running number by name
SOURCE = "source"  # where a row comes from, free text
