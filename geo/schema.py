"""Names of CRSs, layers, columns and codes: the one place every module takes them from."""

from __future__ import annotations

__all__ = [
    "AGE_15_64",
    "AGE_65PLUS",
    "AGE_BANDS",
    "AGE_U15",
    "AGS",
    "ANALYSIS_CRS",
    "AREA_KM2",
    "ARS",
    "CELL_1KM",
    "GEMEINDEFREI",
    "GRID_CRS",
    "GRID_ID",
    "IMPUTED",
    "KREIS",
    "KREIS_ARS",
    "LAYER_GEMEINDEN",
    "LAYER_GEMEINDEN_DISPLAY",
    "LAYER_ORTE",
    "LAYER_QUARTIERE",
    "NAME",
    "POPULATION",
    "QUARTIER_ID",
    "QUARTIER_KIND",
    "SOURCE",
    "STATE_PREFIX",
    "WEB_CRS",
    "X_3035",
    "Y_3035",
]

ANALYSIS_CRS = "EPSG:25832"  # ETRS89 / UTM 32N: metres, used for every distance and area
WEB_CRS = "EPSG:4326"  # WGS84 lon/lat: GeoJSON (RFC 7946) and Leaflet
GRID_CRS = "EPSG:3035"  # ETRS89-LAEA: the INSPIRE grid the Zensus cells are defined on

STATE_PREFIX = "03"  # first two digits of every Niedersachsen key

LAYER_GEMEINDEN = "gemeinden"
LAYER_GEMEINDEN_DISPLAY = "gemeinden_anzeige"  # the same, coverage-simplified for maps
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

GRID_ID = "grid_id"  # Zensus 2022 1 km cell id, e.g. "CRS3035RES1000mN3130000E4295000"
IMPUTED = "imputed"  # True for a cell added because its Gemeinde had no populated cell
X_3035 = "x_3035"  # lower-left corner of a grid cell, EPSG:3035 metres (integer)
Y_3035 = "y_3035"
CELL_1KM = "cell_1km"  # row of the 1 km cell a 100 m cell's residents come from
# Zensus 2022 age bands (the census grid's own): under 15, 15 to 64, 65 and over
AGE_U15 = "u15"
AGE_15_64 = "a15_64"
AGE_65PLUS = "a65plus"
AGE_BANDS = (AGE_U15, AGE_15_64, AGE_65PLUS)

QUARTIER_ID = "quartier_id"  # "<ags>-<nnn>": Gemeinde key and a running number by name
QUARTIER_KIND = "kind"  # how a Quartier was drawn: see geo.quartiere.KINDS
SOURCE = "source"  # where a row comes from, free text
